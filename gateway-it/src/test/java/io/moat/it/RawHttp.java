package io.moat.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;

/**
 * A raw HTTP/1.1 client for what {@code java.net.http} will not do: send from a loopback address of the test's
 * choosing (Linux routes all of 127.0.0.0/8 to the loopback interface, so each address is another client to the
 * gateway), with the path exactly as given ({@code //api/...}, {@code /api;x/...}) and any {@code Host} header, over
 * plain HTTP or HTTPS. One request per connection.
 */
final class RawHttp {

    /** An answer: status, headers (names in any case), body. */
    record Response(int status, Map<String, List<String>> headers, String body) {

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        List<String> all(String name) {
            return headers.getOrDefault(name, List.of());
        }
    }

    private final String from;
    private final int port;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private SSLContext tls;

    /** Requests to 127.0.0.1:{@code port} from {@code from} (e.g. 127.0.0.2). */
    RawHttp(String from, int port) {
        this.from = from;
        this.port = port;
        headers.put("Host", "127.0.0.1:" + port);
    }

    /** Speaks HTTPS with {@code context} (a server named localhost), from the same chosen address. */
    RawHttp tls(SSLContext context) {
        this.tls = context;
        return this;
    }

    /** Sends this header with every request (replacing the Host header too). */
    RawHttp header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    Response get(String path) {
        return send("GET", path, null, null);
    }

    Response send(String method, String path, String contentType, String body) {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        if (contentType != null) {
            request.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null) {
            request.append("Content-Length: ").append(content.length).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket plain = new Socket()) {
            plain.bind(new InetSocketAddress(from, 0));
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            plain.setSoTimeout(30_000);
            Socket socket = tls == null ? plain : tls.getSocketFactory().createSocket(plain, "localhost", port, true);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " from " + from, e);
        }
    }

    private static Response parse(byte[] raw) throws IOException {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete answer: " + all);
        }
        String[] lines = all.substring(0, end).split("\r\n");
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).strip(), n -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).strip());
        }
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        List<String> encoding = headers.getOrDefault("Transfer-Encoding", List.of());
        if (encoding.stream().anyMatch(e -> e.equalsIgnoreCase("chunked"))) {
            body = dechunk(new ByteArrayInputStream(body));
        }
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers,
                new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    return body.toByteArray();
                }
                if (c != '\r') {
                    size.append((char) c);
                }
            }
            int length = Integer.parseInt(size.toString().split(";")[0].strip(), 16);
            if (length == 0) {
                return body.toByteArray();
            }
            body.write(in.readNBytes(length));
            in.readNBytes(2); // CRLF
        }
    }
}
