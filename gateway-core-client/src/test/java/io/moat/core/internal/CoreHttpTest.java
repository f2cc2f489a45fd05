package io.moat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.moat.tls.WriteDeadlines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CoreHttp} against a scripted server on a raw socket: what goes over the wire, kept and stale connections,
 * the forms of an answer's body, the deadline and TLS with host name verification. {@link ApacheCoreHttpTest} holds
 * the other {@link CoreExchange} of the A/B (ADR 0026) to the same.
 */
class CoreHttpTest {

    /** The exchange under test. */
    CoreExchange exchange(URI uri, SSLContext tls, javax.net.ssl.SSLParameters parameters, Duration timeout,
            WriteDeadlines writes) {
        return writes == null
                ? new CoreHttp(uri, tls, parameters, timeout)
                : new CoreHttp(uri, tls, parameters, timeout, writes);
    }

    /** What the error says of an answer that ended after 6 of its 100 bytes. */
    String cutShortMessage() {
        return "6 of 100 bytes";
    }

    /** What the error says of an answer that is an SMTP greeting. */
    String notHttpMessage() {
        return "not an HTTP/1.x answer: 220 mail.example";
    }

    /** Whether the exchange streams files ({@link CoreExchange#download}). */
    boolean downloads() {
        return true;
    }

    /** What the scripted server does with one request on a connection: answer it, or not. */
    private interface Script {
        /** Writes the answer for request number {@code n} (from 0) of the whole server; false closes the connection. */
        boolean answer(int n, String head, byte[] body, OutputStream out) throws IOException, InterruptedException;
    }

    private ServerSocket server;
    private Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private final BlockingQueue<String> heads = new LinkedBlockingQueue<>();
    private final List<byte[]> bodies = new ArrayList<>();

    private final List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            acceptor.join(5_000);
            for (Socket s : open) {
                s.close();
            }
        }
    }

    private URI serve(Script script) throws IOException {
        return serve(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), script);
    }

    private URI serve(ServerSocket socket, Script script) {
        server = socket;
        AtomicInteger requests = new AtomicInteger();
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    open.add(s);
                    Thread conversation = new Thread(() -> converse(s, script, requests));
                    conversation.setDaemon(true);
                    conversation.start();
                } catch (IOException closed) {
                    return; // the test is over
                }
            }
        });
        acceptor.start();
        String scheme = socket instanceof SSLServerSocket ? "https" : "http";
        return URI.create(scheme + "://localhost:" + socket.getLocalPort() + "/core");
    }

    private void converse(Socket s, Script script, AtomicInteger requests) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                int length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                byte[] body = in.readNBytes(length);
                heads.add(head);
                synchronized (bodies) {
                    bodies.add(body);
                }
                if (!script.answer(requests.getAndIncrement(), head, body, out)) {
                    return;
                }
                out.flush();
            }
        } catch (IOException | InterruptedException closed) {
            // the test is over, or the connection is
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static boolean json(OutputStream out, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        return true;
    }

    private CoreExchange client(URI uri, Duration timeout) {
        return exchange(uri, null, null, timeout, null);
    }

    private static CoreExchange.Body bytes(byte[] content) {
        return CoreExchange.Body.of(content);
    }

    @Test
    void requestCarriesHostPathHeadersAndBodyWithItsLength() throws Exception {
        CoreExchange http = client(serve((n, head, body, out) -> json(out, 200, "{\"data_id\":\"é1\"}")),
                Duration.ofSeconds(5));
        byte[] content = new byte[40_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }

        CoreExchange.Answer answer = http.exchange("POST", "/file", List.of("apikey", "k1", "filename", "a%20b.txt"),
                bytes(content));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"data_id\":\"é1\"}");
        String head = heads.poll(5, TimeUnit.SECONDS);
        assertThat(head).startsWith("POST /core/file HTTP/1.1\r\n")
                .contains("\r\nHost: localhost:" + server.getLocalPort() + "\r\n")
                .contains("\r\napikey: k1\r\n").contains("\r\nfilename: a%20b.txt\r\n")
                .contains("\r\nContent-Length: 40000\r\n");
        assertThat(bodies.get(0)).isEqualTo(content);
    }

    @Test
    void aDownloadWithoutLengthOrChunksEndsWithTheConnectionAndIsCutAtTheCap() throws Exception {
        assumeTrue(downloads());
        byte[] file = new byte[70_000];
        for (int i = 0; i < file.length; i++) {
            file[i] = (byte) (i * 7);
        }
        CoreExchange http = client(serve((n, head, body, out) -> {
            out.write("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(file);
            return false; // the body ends with the connection
        }), Duration.ofSeconds(5));
        Path target = Files.createTempFile("converted", ".bin");
        try {
            CoreExchange.Download whole = http.download("/file/converted/x", List.of(), target, file.length);
            assertThat(whole.written()).isEqualTo(file.length);
            assertThat(Files.readAllBytes(target)).isEqualTo(file);

            CoreExchange.Download cut = http.download("/file/converted/x", List.of(), target, file.length - 1);
            assertThat(cut.tooLarge()).isTrue();
            assertThat(target).doesNotExist();
            assertThat(heads.poll(5, TimeUnit.SECONDS)).startsWith("GET /core/file/converted/x HTTP/1.1\r\n");
        } finally {
            Files.deleteIfExists(target);
        }
    }

    @Test
    void aDownloadsErrorAnswerIsReadAsTextAndNothingIsWritten() throws Exception {
        assumeTrue(downloads());
        CoreExchange http = client(serve((n, head, body, out) -> json(out, 404, "{\"err\":\"Not Found\"}")),
                Duration.ofSeconds(5));
        Path target = Files.createTempFile("converted", ".bin");
        Files.delete(target);

        CoreExchange.Download answer = http.download("/file/converted/x", List.of(), target, 1000);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.text()).isEqualTo("{\"err\":\"Not Found\"}");
        assertThat(target).doesNotExist();
        assertThat(http.download("/file/converted/y", List.of(), target, 1000).status()).isEqualTo(404);
        assertThat(connections.get()).as("the connection is kept after an error answer").isEqualTo(1);
    }

    @Test
    void aFileCutShortIsAnErrorAndNotKept() throws Exception {
        assumeTrue(downloads());
        CoreExchange http = client(serve((n, head, body, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsix by".getBytes(StandardCharsets.ISO_8859_1));
            return false;
        }), Duration.ofSeconds(5));
        Path target = Files.createTempFile("converted", ".bin");
        Files.delete(target);

        assertThatThrownBy(() -> http.download("/file/converted/x", List.of(), target, 1000))
                .isInstanceOf(IOException.class).hasMessageContaining("6 of 100 bytes");
        assertThat(target).doesNotExist();
    }

    @Test
    void connectionIsKeptForTheNextRequest() throws Exception {
        CoreExchange http = client(serve((n, head, body, out) -> json(out, 200, "{\"n\":" + n + "}")),
                Duration.ofSeconds(5));

        for (int i = 0; i < 5; i++) {
            assertThat(http.exchange("GET", "/file/x", List.of(), null).body()).isEqualTo("{\"n\":" + i + "}");
        }

        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void connectionTheServerClosedWhileIdleIsReplacedWithoutAnError() throws Exception {
        // the server answers and then closes, without saying so: the kept connection is dead when next used
        CoreExchange http = client(serve((n, head, body, out) -> {
            json(out, 200, "{\"n\":" + n + "}");
            out.flush();
            return false;
        }), Duration.ofSeconds(5));

        assertThat(http.exchange("POST", "/file", List.of(), bytes(new byte[]{1})).body()).isEqualTo("{\"n\":0}");
        Thread.sleep(200); // the close has arrived
        assertThat(http.exchange("POST", "/file", List.of(), bytes(new byte[]{2})).body()).isEqualTo("{\"n\":1}");

        assertThat(connections.get()).isEqualTo(2);
        assertThat(bodies).hasSize(2);
    }

    @Test
    void answerSayingCloseIsNotKept() throws Exception {
        CoreExchange http = client(serve((n, head, body, out) -> {
            out.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"
                    .getBytes(StandardCharsets.ISO_8859_1));
            return true; // the server keeps it open regardless: only the header tells the client not to reuse it
        }), Duration.ofSeconds(5));

        http.exchange("GET", "/version", List.of(), null);
        http.exchange("GET", "/version", List.of(), null);

        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void chunkedAnswerIsJoinedAndTheConnectionKept() throws Exception {
        CoreExchange http = client(serve((n, head, body, out) -> {
            out.write(("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\n{\"a\":\r\n4\r\n\"b\"}\r\n0\r\nX-Trailer: 1\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return true;
        }), Duration.ofSeconds(5));

        assertThat(http.exchange("GET", "/file/x", List.of(), null).body()).isEqualTo("{\"a\":\"b\"}");
        assertThat(http.exchange("GET", "/file/x", List.of(), null).body()).isEqualTo("{\"a\":\"b\"}");
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void answerWithoutLengthEndsWithTheConnection() throws Exception {
        CoreExchange http = client(serve((n, head, body, out) -> {
            out.write("HTTP/1.0 200 OK\r\n\r\n{\"old\":true}".getBytes(StandardCharsets.ISO_8859_1));
            return false;
        }), Duration.ofSeconds(5));

        assertThat(http.exchange("GET", "/version", List.of(), null).body()).isEqualTo("{\"old\":true}");
        assertThat(http.exchange("GET", "/version", List.of(), null).body()).isEqualTo("{\"old\":true}");
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void answerCutShortIsAnError() throws Exception {
        CoreExchange http = client(serve((n, head, body, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"part".getBytes(StandardCharsets.ISO_8859_1));
            return false;
        }), Duration.ofSeconds(5));

        assertThatThrownBy(() -> http.exchange("GET", "/version", List.of(), null))
                .isInstanceOf(IOException.class).hasMessageContaining(cutShortMessage());
    }

    @Test
    void answerLargerThanTheLimitIsRefused() throws Exception {
        CoreExchange http = client(serve((n, head, body, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + (CoreExchange.MAX_ANSWER + 1) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return false;
        }), Duration.ofSeconds(5));

        assertThatThrownBy(() -> http.exchange("GET", "/version", List.of(), null))
                .isInstanceOf(IOException.class).hasMessageContaining("larger than");
    }

    @Test
    void notHttpIsAnError() throws Exception {
        CoreExchange http = client(serve((n, head, body, out) -> {
            out.write("220 mail.example ESMTP\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return false;
        }), Duration.ofSeconds(5));

        assertThatThrownBy(() -> http.exchange("GET", "/version", List.of(), null))
                .isInstanceOf(IOException.class).hasMessageContaining(notHttpMessage());
    }

    @Test
    void theDeadlineCoversTheWholeAnswerNotEachRead() throws Exception {
        // a byte every 100 ms: no read waits long, but the answer takes far longer than the timeout
        CoreExchange http = client(serve((n, head, body, out) -> {
            byte[] answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.ISO_8859_1);
            for (byte b : answer) {
                out.write(b);
                out.flush();
                Thread.sleep(100);
            }
            return true;
        }), Duration.ofMillis(500));

        long start = System.nanoTime();
        assertThatThrownBy(() -> http.exchange("GET", "/file/x", List.of(), null))
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
    }

    /**
     * A server that accepts connections and never reads from them, as a Core that hangs mid-upload; with a TLS
     * context it completes the handshake first.
     */
    private URI deaf(SSLContext tls) throws IOException {
        server = new ServerSocket();
        server.setReceiveBufferSize(4096);
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    connections.incrementAndGet();
                    if (tls != null) {
                        javax.net.ssl.SSLSocket secure = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                                .createSocket(s, null, s.getPort(), true);
                        secure.setUseClientMode(false);
                        secure.startHandshake();
                        open.add(secure);
                    }
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.start();
        return URI.create((tls == null ? "http" : "https") + "://localhost:" + server.getLocalPort() + "/core");
    }

    /** Far more than the socket buffers on both sides hold: the write blocks until the server reads. */
    private static final CoreExchange.Body ENDLESS = new CoreExchange.Body() {
        @Override
        public long length() {
            return 1L << 40;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            byte[] chunk = new byte[64 * 1024];
            for (long left = length(); left > 0; left -= chunk.length) {
                out.write(chunk);
            }
        }
    };

    private void failsAtTheDeadline(CoreExchange http, WriteDeadlines writes) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> http.exchange("POST", "/file", List.of(), ENDLESS))
                .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("did not take the request");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(650),
                Duration.ofSeconds(3));
        assertThat(connections.get()).as("not sent again on a new connection").isEqualTo(1);
        assertThat(writes.watched()).isZero();
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without a deadline the write never ends
    void aServerThatStopsReadingTheUploadFailsItAtTheDeadline() throws Exception {
        WriteDeadlines writes = new WriteDeadlines(TimeUnit.MILLISECONDS.toNanos(50));
        failsAtTheDeadline(exchange(deaf(null), null, null, Duration.ofMillis(700), writes), writes);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void overTlsTooTheUploadFailsAtTheDeadline(@TempDir Path dir) throws Exception {
        SSLContext[] contexts = localhostTls(dir);
        WriteDeadlines writes = new WriteDeadlines(TimeUnit.MILLISECONDS.toNanos(50));
        failsAtTheDeadline(exchange(deaf(contexts[0]), contexts[1], null, Duration.ofMillis(700), writes),
                writes);
    }

    @Test
    void exchangesThatEndInTimeLeaveNothingWatched() throws Exception {
        WriteDeadlines writes = new WriteDeadlines(TimeUnit.MILLISECONDS.toNanos(50));
        CoreExchange http = exchange(serve((n, head, body, out) -> n != 1 && json(out, 200, "{}")), null, null,
                Duration.ofSeconds(5), writes);

        http.exchange("POST", "/file", List.of(), bytes(new byte[100_000]));
        http.exchange("GET", "/file/x", List.of(), null); // closed unanswered, sent again on a new connection
        http.exchange("GET", "/file/x", List.of(), null);
        Thread.sleep(300); // several looks of the watchdog: nothing closed that was in use

        assertThat(http.exchange("GET", "/file/x", List.of(), null).status()).isEqualTo(200);
        assertThat(writes.watched()).isZero();
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void headerValuesCannotCarryAnotherHeaderAndAreNotQuoted() throws Exception {
        CoreExchange http = client(serve((n, head, body, out) -> json(out, 200, "{}")), Duration.ofSeconds(5));

        assertThatThrownBy(() -> http.exchange("GET", "/version", List.of("apikey", "secret\r\nX-Evil: 1"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
        assertThat(heads).isEmpty();
    }

    /** A self-signed certificate for localhost: the server's context and a client's context that trusts it. */
    private static SSLContext[] localhostTls(Path dir) throws Exception {
        Path store = dir.resolve("core.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "core", "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "san=dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
        return new SSLContext[]{serverContext, trusting};
    }

    @Test
    void httpsOffersOnlyForwardSecretAeadSuitesUnlessTheParametersNameOthers(@TempDir Path dir) throws Exception {
        SSLContext[] contexts = localhostTls(dir);
        SSLServerSocket cbcOnly = (SSLServerSocket) contexts[0].getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        cbcOnly.setEnabledCipherSuites(new String[]{"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
        URI uri = serve(cbcOnly, (n, head, body, out) -> json(out, 200, "{\"tls\":true}"));

        assertThatThrownBy(() -> exchange(uri, contexts[1], null, Duration.ofSeconds(5), null)
                .exchange("GET", "/version", List.of(), null)).isInstanceOf(SSLHandshakeException.class);
        javax.net.ssl.SSLParameters named = new javax.net.ssl.SSLParameters();
        named.setCipherSuites(new String[]{"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
        assertThat(exchange(uri, contexts[1], named, Duration.ofSeconds(5), null)
                .exchange("GET", "/version", List.of(), null).body()).isEqualTo("{\"tls\":true}");
        assertThat(heads).hasSize(1);
    }

    @Test
    void httpsVerifiesTheCertificateAndTheHostName(@TempDir Path dir) throws Exception {
        SSLContext[] contexts = localhostTls(dir);
        SSLContext serverContext = contexts[0];
        SSLContext trusting = contexts[1];
        URI uri = serve(serverContext.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress()), (n, head, body, out) -> json(out, 200, "{\"tls\":true}"));
        javax.net.ssl.SSLParameters tls12 = new javax.net.ssl.SSLParameters();
        tls12.setProtocols(new String[]{"TLSv1.2"});

        CoreExchange http = exchange(uri, trusting, tls12, Duration.ofSeconds(5), null);
        assertThat(http.exchange("GET", "/version", List.of(), null).body()).isEqualTo("{\"tls\":true}");
        assertThat(http.exchange("GET", "/version", List.of(), null).body()).isEqualTo("{\"tls\":true}");
        assertThat(connections.get()).isEqualTo(1);

        // the same certificate, trusted, but the server asked for by another name: refused
        URI byAddress = URI.create("https://127.0.0.1:" + server.getLocalPort() + "/core");
        assertThatThrownBy(() -> exchange(byAddress, trusting, null, Duration.ofSeconds(5), null)
                .exchange("GET", "/version", List.of(), null)).isInstanceOf(SSLHandshakeException.class);
        // not trusted: refused
        assertThatThrownBy(() -> exchange(uri, SSLContext.getDefault(), null, Duration.ofSeconds(5), null)
                .exchange("GET", "/version", List.of(), null)).isInstanceOf(SSLHandshakeException.class);
        assertThat(heads).hasSize(2);
    }
}
