package io.moat.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.tls.internal.Certificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real handshakes on 127.0.0.1, port 0, against a client that trusts the two digital IDs. */
@Timeout(20)
class ServerTlsContextTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int TIMEOUT_MILLIS = 5000;

    private static DigitalId first;
    private static DigitalId second;
    private static SSLContext client;

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private ServerSocket listening;
    private GreetingTlsServer server;

    @BeforeAll
    static void digitalIds() throws Exception {
        first = SelfSigned.generate("first.example.com", Instant.now(), Duration.ofDays(1));
        second = SelfSigned.generate("second.example.com", Instant.now(), Duration.ofDays(1));
        KeyStore trusted = KeyStores.trustStore(List.of(first.certificate(), second.certificate()));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
    }

    @AfterEach
    void stop() throws Exception {
        if (listening != null) {
            listening.close();
        }
        if (server != null) {
            server.close();
        }
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void presentsTheCurrentCertificateToEachNewConnection() throws Exception {
        ServerTlsContext tls = new ServerTlsContext(first, TlsSettings.defaults());
        int port = implicitTlsServer(tls);

        assertThat(fingerprint(connect(port))).isEqualTo(fingerprint(first.certificate()));

        tls.swap(second);

        assertThat(tls.digitalId()).isSameAs(second);
        assertThat(fingerprint(connect(port))).isEqualTo(fingerprint(second.certificate()));
        assertThat(fingerprint(connect(port))).isEqualTo(fingerprint(second.certificate()));
    }

    @Test
    void settingsApplyToTheNextConnection() throws Exception {
        ServerTlsContext tls = new ServerTlsContext(first, TlsSettings.defaults());
        int port = implicitTlsServer(tls);
        assertThat(session(port, "TLSv1.2").getProtocol()).isEqualTo("TLSv1.2");

        tls.settings(new TlsSettings(List.of("TLSv1.3"), List.of()));

        assertThatThrownBy(() -> session(port, "TLSv1.2")).isInstanceOf(SSLException.class);
        assertThat(session(port, "TLSv1.3").getProtocol()).isEqualTo("TLSv1.3");
        assertThat(tls.settings().protocols()).containsExactly("TLSv1.3");
    }

    @Test
    void cipherSuitesAreRestrictedToo() throws Exception {
        ServerTlsContext tls = new ServerTlsContext(first,
                new TlsSettings(List.of("TLSv1.2"), List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")));
        int port = implicitTlsServer(tls);

        assertThat(session(port, "TLSv1.2").getCipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        assertThat(tls.serverSocketFactory().getDefaultCipherSuites())
                .containsExactly("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    }

    @Test
    void startTlsLayersOverAPlainConnection() throws Exception {
        ServerTlsContext tls = new ServerTlsContext(first, new TlsSettings(List.of("TLSv1.3"), List.of()));
        listening = new ServerSocket(0, 50, LOOPBACK);
        Future<String> served = executor.submit(() -> {
            try (Socket plain = listening.accept()) {
                plain.setSoTimeout(TIMEOUT_MILLIS);
                String command = readLine(plain.getInputStream());
                writeLine(plain.getOutputStream(), "220 ready to start TLS");
                SSLSocket secure = tls.layer(plain, true);
                assertThat(secure.getUseClientMode()).isFalse();
                secure.startHandshake();
                writeLine(secure.getOutputStream(), "250 hello over " + secure.getSession().getProtocol());
                return command + " / " + readLine(secure.getInputStream());
            }
        });

        try (Socket plain = new Socket(LOOPBACK, listening.getLocalPort())) {
            plain.setSoTimeout(TIMEOUT_MILLIS);
            writeLine(plain.getOutputStream(), "STARTTLS");
            assertThat(readLine(plain.getInputStream())).isEqualTo("220 ready to start TLS");
            try (SSLSocket secure = (SSLSocket) client.getSocketFactory().createSocket(plain, "localhost",
                    listening.getLocalPort(), true)) {
                secure.startHandshake();
                assertThat(readLine(secure.getInputStream())).isEqualTo("250 hello over TLSv1.3");
                assertThat(fingerprint((X509Certificate) secure.getSession().getPeerCertificates()[0]))
                        .isEqualTo(fingerprint(first.certificate()));
                writeLine(secure.getOutputStream(), "QUIT");
            }
        }
        assertThat(served.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)).isEqualTo("STARTTLS / QUIT");
    }

    /** Serves TLS connections one after the other: handshake, then a greeting line. Returns the port. */
    private int implicitTlsServer(ServerTlsContext tls) throws IOException {
        server = new GreetingTlsServer(tls);
        return server.port();
    }

    private static X509Certificate connect(int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(LOOPBACK, port)) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.startHandshake();
            assertThat(readLine(socket.getInputStream())).isEqualTo(GreetingTlsServer.GREETING);
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static javax.net.ssl.SSLSession session(int port, String protocol) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(LOOPBACK, port)) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setEnabledProtocols(new String[]{protocol});
            socket.startHandshake();
            assertThat(readLine(socket.getInputStream())).isEqualTo(GreetingTlsServer.GREETING);
            return socket.getSession();
        }
    }

    private static String fingerprint(X509Certificate certificate) {
        return Certificates.sha256Fingerprint(certificate);
    }

    /** One line, byte by byte: nothing after it is read ahead, as STARTTLS needs. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static void writeLine(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
