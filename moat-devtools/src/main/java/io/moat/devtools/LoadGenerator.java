package io.moat.devtools;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * An SMTP load generator for benchmarks, like Postfix's {@code smtp-source -s N -m M} but able to do
 * {@code STARTTLS}:
 *
 * <pre>
 * java -cp moat-devtools/target/moat-devtools-&lt;version&gt;.jar io.moat.devtools.LoadGenerator \
 *     --server 127.0.0.1:2525 --sessions 10 --messages 1000 --file message.eml \
 *     --from a@example.org --to b@example.net [--starttls]
 * </pre>
 *
 * {@code N} concurrent sessions share {@code M} messages; each message goes on its own connection (connect,
 * {@code EHLO}, [{@code STARTTLS}, {@code EHLO}], {@code MAIL}, {@code RCPT}, {@code DATA} with the file's bytes
 * (CRLF line ends, dot-stuffed), {@code QUIT}). At the end it prints {@code sent=<ok> failed=<n> seconds=<elapsed>}
 * and exits with 1 if any message failed (2 for bad arguments).
 * <p>
 * <b>{@code STARTTLS} trusts any certificate and checks no host name</b>: this is a benchmark tool for test servers
 * on the loopback interface, never to be pointed at a server whose identity matters.
 */
public final class LoadGenerator {

    private static final int TIMEOUT_MILLIS = 60_000;
    private static final int MAX_REPORTED_FAILURES = 10;

    /** The outcome of a run. */
    public record Result(int sent, int failed, double seconds) {
        /** The summary line, {@code sent=<ok> failed=<n> seconds=<elapsed>}. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "sent=%d failed=%d seconds=%.3f", sent, failed, seconds);
        }
    }

    private final String host;
    private final int port;
    private final int sessions;
    private final int messages;
    private final byte[] data;
    private final String from;
    private final String to;
    private final SSLSocketFactory tls; // null: no STARTTLS
    private final AtomicInteger reportedFailures = new AtomicInteger();
    private final PrintStream errors;

    private LoadGenerator(Map<String, String> options, boolean startTls, PrintStream errors) throws IOException {
        String server = required(options, "--server");
        int colon = server.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--server must be host:port, not " + server);
        }
        this.host = server.substring(0, colon).replace("[", "").replace("]", "");
        this.port = Integer.parseInt(server.substring(colon + 1));
        this.sessions = positive(options, "--sessions");
        this.messages = positive(options, "--messages");
        this.data = dataLines(Files.readAllBytes(Path.of(required(options, "--file"))));
        this.from = required(options, "--from");
        this.to = required(options, "--to");
        this.tls = startTls ? trustAll().getSocketFactory() : null;
        this.errors = errors;
    }

    /**
     * Runs from the command line; see the class comment for the arguments.
     *
     * @param args the arguments
     * @throws Exception if the run cannot even start (the message file cannot be read)
     */
    public static void main(String[] args) throws Exception {
        Result result;
        try {
            result = run(args, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: LoadGenerator --server host:port --sessions N --messages M --file message.eml"
                    + " --from a@b --to c@d [--starttls]");
            System.exit(2);
            return;
        }
        System.out.println(result);
        System.exit(result.failed() == 0 ? 0 : 1);
    }

    /**
     * Sends the messages and returns the outcome; the first few failures are described on {@code errors}.
     *
     * @throws IllegalArgumentException for bad arguments
     * @throws IOException               if the message file cannot be read
     * @throws InterruptedException      if interrupted while waiting for the sessions
     */
    public static Result run(String[] args, PrintStream errors) throws IOException, InterruptedException {
        Map<String, String> options = new HashMap<>();
        boolean startTls = false;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--starttls")) {
                startTls = true;
            } else if (List.of("--server", "--sessions", "--messages", "--file", "--from", "--to").contains(name)
                    && i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown or incomplete argument: " + name);
            }
        }
        return new LoadGenerator(options, startTls, errors).run();
    }

    private Result run() throws InterruptedException {
        AtomicInteger remaining = new AtomicInteger(messages);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        int threads = Math.min(sessions, messages);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    while (remaining.getAndDecrement() > 0) {
                        try {
                            sendOne();
                            sent.incrementAndGet();
                        } catch (IOException | RuntimeException e) {
                            failed.incrementAndGet();
                            if (reportedFailures.incrementAndGet() <= MAX_REPORTED_FAILURES) {
                                errors.println("failed: " + e);
                            }
                        }
                    }
                }));
            }
            for (Future<?> worker : workers) {
                try {
                    worker.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(sent.get(), failed.get(), (System.nanoTime() - start) / 1e9);
    }

    /** One message on its own connection. */
    private void sendOne() throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            expect(in, 220, "greeting");
            String capabilities = command(in, out, "EHLO localhost", 250);
            if (tls != null) {
                if (!capabilities.toUpperCase(Locale.ROOT).contains("\nSTARTTLS")) {
                    throw new IOException("the server does not offer STARTTLS");
                }
                command(in, out, "STARTTLS", 220);
                SSLSocket secure = (SSLSocket) tls.createSocket(socket, host, port, true);
                socket = secure;
                secure.startHandshake();
                in = new BufferedInputStream(secure.getInputStream());
                out = new BufferedOutputStream(secure.getOutputStream());
                command(in, out, "EHLO localhost", 250);
            }
            command(in, out, "MAIL FROM:<" + from + ">", 250);
            command(in, out, "RCPT TO:<" + to + ">", 250);
            command(in, out, "DATA", 354);
            out.write(data);
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, 250, "end of data");
            command(in, out, "QUIT", 221);
        } finally {
            socket.close();
        }
    }

    private static String command(InputStream in, OutputStream out, String line, int code) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return expect(in, code, line);
    }

    /** Reads a (multi-line) reply, all its lines with a leading {@code \n} each; fails unless it has {@code code}. */
    private static String expect(InputStream in, int code, String after) throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = line(in);
            reply.append('\n').append(line.length() > 4 ? line.substring(4) : "");
            if (line.length() < 4 || line.charAt(3) != '-') {
                if (!line.startsWith(Integer.toString(code))) {
                    throw new IOException("expected " + code + " after " + after + " but got: " + line);
                }
                return reply.toString();
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** The file as DATA lines: CRLF line ends (also for a bare LF and at the very end), dot-stuffed. */
    static byte[] dataLines(byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + file.length / 32 + 2);
        boolean lineStart = true;
        for (int i = 0; i < file.length; i++) {
            byte b = file[i];
            if (lineStart && b == '.') {
                out.write('.');
            }
            lineStart = false;
            if (b == '\n') {
                out.write('\r');
                out.write('\n');
                lineStart = true;
            } else if (b == '\r' && i + 1 < file.length && file[i + 1] == '\n') {
                continue; // written with the \n
            } else {
                out.write(b);
            }
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** A client context that accepts any server certificate (benchmarks against loopback test servers only). */
    private static SSLContext trustAll() {
        TrustManager anything = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{anything}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    private static int positive(Map<String, String> options, String name) {
        String value = required(options, name);
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(name + " must be a positive number, not " + value);
    }
}
