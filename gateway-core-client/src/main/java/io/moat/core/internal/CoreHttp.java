package io.moat.core.internal;

import io.moat.tls.TlsSettings;
import io.moat.tls.WriteDeadlines;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP/1.1 to one Core server over kept connections, blocking: the calling thread takes an idle connection (or opens
 * one), writes its request, reads the answer and puts the connection back for the next caller. Each exchange has a
 * deadline, the request timeout: connecting, the TLS handshake and every read of the answer must end before it, or
 * the exchange fails with a {@link SocketTimeoutException}. Writing the request must end before it too: a Core
 * that stops reading an upload has the connection closed at the deadline ({@link WriteDeadlines}).
 *
 * <p>It replaces {@code java.net.http.HttpClient}, whose selector thread and worker pool handed every request and
 * answer between three threads: eleven context switches per scanned message and a seventh of the gateway's CPU
 * (ADR 0026). Only what Core's API needs is here: requests with a body of known length (Core refuses chunked
 * uploads), answers with a length, chunked or up to the end of the connection, no redirects, no proxies, no HTTP/2.
 *
 * <p>A kept connection that the server closed while it was idle fails when it is used. An exchange that fails on a
 * reused connection before any byte of the answer arrived is therefore sent once more on a new connection: Core
 * may then have received a submission twice, which costs it one more scan and nothing else (the answer's
 * {@code data_id} is the one used).
 */
final class CoreHttp implements CoreExchange {

    private static final int MAX_HEAD = 64 * 1024;
    /** Idle connections older than this are closed rather than reused (servers drop idle ones after 5-60 s). */
    private static final long IDLE_NANOS = Duration.ofSeconds(15).toNanos();
    private static final int MAX_IDLE = 64;

    private final String connectHost;
    private final int port;
    private final String hostHeader;
    private final String pathPrefix;
    private final SSLSocketFactory tls;
    private final SSLParameters tlsParameters;
    private final Duration timeout;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final WriteDeadlines writes;

    /**
     * @param base {@code http} or {@code https} URI of the server, perhaps with a path prefix
     * @param context for https: decides which certificates are trusted (null: the JVM's default)
     * @param parameters for https: protocol versions (none: the context's defaults) and cipher suites (none: the
     *        forward-secret AEAD ones, {@link TlsSettings#FORWARD_SECRET_AEAD}); the host name is always verified
     * @param timeout for each exchange, from its start to the end of the answer
     */
    CoreHttp(URI base, SSLContext context, SSLParameters parameters, Duration timeout) {
        this(base, context, parameters, timeout, WriteDeadlines.SHARED);
    }

    CoreHttp(URI base, SSLContext context, SSLParameters parameters, Duration timeout, WriteDeadlines writes) {
        this.writes = writes;
        boolean secure = isHttps(base);
        String host = base.getHost();
        this.connectHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        this.port = base.getPort() > 0 ? base.getPort() : secure ? 443 : 80;
        this.hostHeader = base.getPort() > 0 ? host + ":" + port : host;
        this.pathPrefix = pathPrefix(base);
        this.timeout = timeout;
        if (secure) {
            SSLContext ssl = orDefault(context);
            SSLParameters copy = tlsParameters(ssl, parameters);
            this.tls = ssl.getSocketFactory();
            this.tlsParameters = copy;
        } else {
            this.tls = null;
            this.tlsParameters = null;
        }
    }

    /**
     * Whether {@code base} is https rather than http.
     *
     * @throws IllegalArgumentException if it is neither, or has no host
     */
    static boolean isHttps(URI base) {
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("Core's URI must be http or https, not " + base);
        }
        if (base.getHost() == null) {
            throw new IllegalArgumentException("Core's URI has no host: " + base);
        }
        return scheme.equals("https");
    }

    /** The path of {@code base} without the slashes it ends with, to put before each request's path. */
    static String pathPrefix(URI base) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    /** {@code context}, or the JVM's default one if it is null. */
    static SSLContext orDefault(SSLContext context) {
        try {
            return context == null ? SSLContext.getDefault() : context;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * The parameters of a connection to Core made with {@code ssl}: {@code parameters}' protocol versions (none: the
     * context's defaults) and cipher suites (none: the forward-secret AEAD ones), the host name always verified.
     */
    static SSLParameters tlsParameters(SSLContext ssl, SSLParameters parameters) {
        SSLParameters copy = ssl.getDefaultSSLParameters();
        if (parameters != null && parameters.getProtocols() != null) {
            copy.setProtocols(parameters.getProtocols());
        }
        copy.setCipherSuites(parameters != null && parameters.getCipherSuites() != null
                ? parameters.getCipherSuites()
                : TlsSettings.supported(TlsSettings.FORWARD_SECRET_AEAD).toArray(String[]::new));
        copy.setEndpointIdentificationAlgorithm("HTTPS");
        return copy;
    }

    @Override
    public Answer exchange(String method, String path, List<String> headers, Body body) throws IOException {
        return exchange(method, path, headers, body, Connection::readAnswer);
    }

    @Override
    public Download download(String path, List<String> headers, Path target, long maxBytes) throws IOException {
        return exchange("GET", path, headers, null, (c, deadline) -> c.readInto(target, maxBytes, deadline));
    }

    /** Reads an answer from a connection. */
    private interface Reader<T> {
        T read(Connection c, long deadline) throws IOException;
    }

    private <T> T exchange(String method, String path, List<String> headers, Body body, Reader<T> reader)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] head = head(method, path, headers, body);
        Connection connection = idle();
        if (connection != null) {
            try {
                return exchange(connection, head, body, deadline, reader);
            } catch (NothingReceived stale) {
                // the server closed the kept connection while it was idle: once more on a new one
            }
        }
        try {
            return exchange(open(deadline), head, body, deadline, reader);
        } catch (NothingReceived e) {
            throw (IOException) e.getCause();
        }
    }

    private <T> T exchange(Connection c, byte[] head, Body body, long deadline, Reader<T> reader)
            throws IOException {
        boolean reusable = false;
        try {
            try (WriteDeadlines.Watch watch = writes.watch(c.plain, deadline)) {
                try {
                    c.out.write(head);
                    if (body != null) {
                        body.writeTo(c.out);
                    }
                    c.out.flush();
                } catch (IOException e) {
                    throw watch.timedOut(e, "Core did not take the request in time");
                }
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                throw new NothingReceived(e);
            }
            try {
                c.awaitFirstByte(deadline);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                throw new NothingReceived(e);
            }
            T answer = reader.read(c, deadline);
            reusable = c.keepAlive;
            return answer;
        } finally {
            if (reusable) {
                c.idleSince = System.nanoTime();
                if (idle.size() < MAX_IDLE) {
                    idle.offerFirst(c);
                } else {
                    c.close();
                }
            } else {
                c.close();
            }
        }
    }

    private Connection idle() {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            if (System.nanoTime() - c.idleSince < IDLE_NANOS) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private Connection open(long deadline) throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(connectHost, port), remainingMillis(deadline));
            if (tls == null) {
                return new Connection(plain, plain);
            }
            SSLSocket secure = (SSLSocket) tls.createSocket(plain, connectHost, port, true);
            secure.setSSLParameters(tlsParameters);
            secure.setSoTimeout(remainingMillis(deadline));
            secure.startHandshake();
            return new Connection(secure, plain);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private byte[] head(String method, String path, List<String> headers, Body body) {
        StringBuilder h = new StringBuilder(256).append(method).append(' ').append(pathPrefix).append(path)
                .append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            h.append(CoreExchange.checked(headers.get(i))).append(": ")
                    .append(CoreExchange.checked(headers.get(i + 1))).append("\r\n");
        }
        if (body != null) {
            h.append("Content-Length: ").append(body.length()).append("\r\n");
        }
        return h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no answer in time");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
    }

    /** The exchange failed before any byte of the answer arrived. */
    private static final class NothingReceived extends IOException {

        private static final long serialVersionUID = 1L;

        NothingReceived(IOException cause) {
            super(cause);
        }
    }

    /** One connection: the socket, its output buffer and what is read of it. */
    private static final class Connection {

        final Socket socket;
        /** The TCP socket, under the TLS layer if there is one. */
        final Socket plain;
        final InputStream in;
        final OutputStream out;
        final byte[] buffer = new byte[16 * 1024];
        int position;
        int limit;
        boolean keepAlive;
        long idleSince;

        Connection(Socket socket, Socket plain) throws IOException {
            this.socket = socket;
            this.plain = plain;
            this.in = socket.getInputStream();
            this.out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more to do with it
            }
        }

        /** Waits for the first byte of the answer; EOF before it is an IOException (the server closed). */
        void awaitFirstByte(long deadline) throws IOException {
            if (!fill(deadline)) {
                throw new EOFException("the server closed the connection without an answer");
            }
        }

        /** The status line and header fields of an answer (interim 1xx answers passed over). */
        private record Head(int code, long length, boolean chunked) {
        }

        Answer readAnswer(long deadline) throws IOException {
            return readBodyAsText(readHead(deadline), deadline);
        }

        /**
         * A 2xx answer's body streamed into {@code target}, at most {@code max} bytes (a larger one is not kept, and
         * the connection is closed rather than read to its end); any other answer read as text.
         */
        Download readInto(Path target, long max, long deadline) throws IOException {
            Head head = readHead(deadline);
            if (head.code() < 200 || head.code() >= 300) {
                Answer text = readBodyAsText(head, deadline);
                return new Download(text.status(), 0, text.body());
            }
            boolean kept = false;
            try (OutputStream file = Files.newOutputStream(target)) {
                long written = copyBody(head, file, max, deadline);
                kept = written >= 0;
                return new Download(head.code(), written, null);
            } finally {
                if (!kept) {
                    Files.deleteIfExists(target);
                }
            }
        }

        private Answer readBodyAsText(Head head, long deadline) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (copyBody(head, body, MAX_ANSWER, deadline) < 0) {
                throw new IOException("the answer is larger than " + MAX_ANSWER + " bytes");
            }
            return new Answer(head.code(), body.toString(StandardCharsets.UTF_8));
        }

        private Head readHead(long deadline) throws IOException {
            while (true) {
                String status = line(deadline);
                if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ') {
                    throw new IOException("not an HTTP/1.x answer: " + snippet(status));
                }
                int code;
                try {
                    code = Integer.parseInt(status.substring(9, 12));
                } catch (NumberFormatException e) {
                    throw new IOException("not an HTTP status: " + snippet(status), e);
                }
                boolean http10 = status.charAt(7) == '0';
                long length = -1;
                boolean chunked = false;
                Boolean connection = null;
                int headBytes = status.length();
                for (String header = line(deadline); !header.isEmpty(); header = line(deadline)) {
                    headBytes += header.length();
                    if (headBytes > MAX_HEAD) {
                        throw new IOException("the answer's header is larger than " + MAX_HEAD + " bytes");
                    }
                    int colon = header.indexOf(':');
                    if (colon <= 0) {
                        continue;
                    }
                    String name = header.substring(0, colon).trim();
                    String value = header.substring(colon + 1).trim();
                    if (name.equalsIgnoreCase("Content-Length")) {
                        try {
                            length = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            throw new IOException("bad Content-Length: " + snippet(value), e);
                        }
                    } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                        chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                    } else if (name.equalsIgnoreCase("Connection")) {
                        String v = value.toLowerCase(Locale.ROOT);
                        connection = v.contains("close")
                                ? Boolean.FALSE
                                : v.contains("keep-alive") ? Boolean.TRUE : connection;
                    }
                }
                if (code >= 100 && code < 200) {
                    continue; // 100 Continue and other interim answers: the final one follows
                }
                keepAlive = connection != null ? connection : !http10;
                return new Head(code, length, chunked);
            }
        }

        /**
         * Copies the body of the answer {@code head} introduced to {@code out}: at most {@code max} bytes. Returns
         * how many, or -1 when it is longer (then the rest is not read, and the connection is not kept).
         */
        private long copyBody(Head head, OutputStream out, long max, long deadline) throws IOException {
            if (head.code() == 204 || head.code() == 304) {
                return 0;
            }
            long copied;
            if (head.chunked()) {
                copied = copyChunked(out, max, deadline);
            } else if (head.length() >= 0) {
                copied = head.length() > max ? -1 : copyExactly(head.length(), out, deadline);
            } else {
                keepAlive = false; // the body ends with the connection
                copied = copyToEnd(out, max, deadline);
            }
            if (copied < 0) {
                keepAlive = false;
            }
            return copied;
        }

        private long copyChunked(OutputStream out, long max, long deadline) throws IOException {
            long total = 0;
            while (true) {
                String sizeLine = line(deadline);
                int end = sizeLine.indexOf(';');
                String hex = (end < 0 ? sizeLine : sizeLine.substring(0, end)).trim();
                long size;
                try {
                    size = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size: " + snippet(sizeLine), e);
                }
                if (size < 0) {
                    throw new IOException("bad chunk size: " + snippet(sizeLine));
                }
                if (total + size > max) {
                    return -1;
                }
                if (size == 0) {
                    while (!line(deadline).isEmpty()) {
                        // trailers: none that matter
                    }
                    return total;
                }
                total += copyExactly(size, out, deadline);
                if (!line(deadline).isEmpty()) {
                    throw new IOException("a chunk does not end with CRLF");
                }
            }
        }

        private long copyExactly(long length, OutputStream out, long deadline) throws IOException {
            long done = 0;
            while (done < length) {
                if (position == limit && !fill(deadline)) {
                    throw new EOFException("the answer ended after " + done + " of " + length + " bytes");
                }
                int n = (int) Math.min(length - done, limit - position);
                out.write(buffer, position, n);
                position += n;
                done += n;
            }
            return length;
        }

        private long copyToEnd(OutputStream out, long max, long deadline) throws IOException {
            long total = 0;
            while (position < limit || fill(deadline)) {
                if (total + (limit - position) > max) {
                    return -1;
                }
                out.write(buffer, position, limit - position);
                total += limit - position;
                position = limit;
            }
            return total;
        }

        /** A line without its CRLF (or LF), as ISO-8859-1. */
        private String line(long deadline) throws IOException {
            StringBuilder line = new StringBuilder(64);
            while (true) {
                if (position == limit && !fill(deadline)) {
                    throw new EOFException("the answer ended within its header");
                }
                int b = buffer[position++] & 0xFF;
                if (b == '\n') {
                    int n = line.length();
                    return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
                }
                if (line.length() >= MAX_HEAD) {
                    throw new IOException("a line of the answer's header is longer than " + MAX_HEAD + " bytes");
                }
                line.append((char) b);
            }
        }

        /** Reads more into the buffer if it is used up; false at the end of the stream. */
        private boolean fill(long deadline) throws IOException {
            if (position < limit) {
                return true;
            }
            socket.setSoTimeout(remainingMillis(deadline));
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        private static String snippet(String text) {
            return text.length() <= 80 ? text : text.substring(0, 80) + "…";
        }
    }
}
