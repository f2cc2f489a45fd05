package io.moat.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real handshakes on 127.0.0.1 with a client that trusts one digital ID, opportunistically or strictly. */
@Timeout(20)
class OpportunisticTrustManagerTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int TIMEOUT_MILLIS = 5000;

    private static DigitalId trusted;
    private static DigitalId stranger;
    private static X509ExtendedTrustManager verifying;

    private GreetingTlsServer server;

    @BeforeAll
    static void digitalIds() throws Exception {
        trusted = SelfSigned.generate("localhost", Instant.now(), Duration.ofDays(1));
        stranger = SelfSigned.generate("stranger.example.com", Instant.now(), Duration.ofDays(1));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(KeyStores.trustStore(List.of(trusted.certificate())));
        verifying = (X509ExtendedTrustManager) factory.getTrustManagers()[0];
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anUntrustedServerIsStillEncryptedAndToldAsUnverifiedWithTheReason() throws Exception {
        int port = server(stranger, TlsSettings.defaults());

        SSLSession session = handshake(opportunistic(), port, "localhost", null);

        assertThat(session.getCipherSuite()).isIn(TlsSettings.FORWARD_SECRET_AEAD);
        assertThat(OpportunisticTrustManager.unverified(session)).hasValueSatisfying(
                reason -> assertThat(reason).contains("PKIX path building failed"));
    }

    @Test
    void aTrustedServerWithItsNameIsVerified() throws Exception {
        int port = server(trusted, TlsSettings.defaults());

        SSLSession session = handshake(opportunistic(), port, "localhost", "HTTPS");

        assertThat(OpportunisticTrustManager.unverified(session)).isEmpty();
    }

    @Test
    void aTrustedCertificateForAnotherNameIsUnverifiedWhereTheNameIsChecked() throws Exception {
        int port = server(trusted, TlsSettings.defaults());

        SSLSession session = handshake(opportunistic(), port, "mx.example.org", "HTTPS");

        assertThat(OpportunisticTrustManager.unverified(session)).hasValueSatisfying(
                reason -> assertThat(reason).contains("mx.example.org"));
        // without endpoint identification only the chain counts
        assertThat(OpportunisticTrustManager.unverified(handshake(opportunistic(), port, "mx.example.org", null)))
                .isEmpty();
    }

    @Test
    void theStrictCheckAloneRefusesWhatTheOpportunisticOneRecords() throws Exception {
        int port = server(stranger, TlsSettings.defaults());
        SSLContext strict = SSLContext.getInstance("TLS");
        strict.init(null, new javax.net.ssl.TrustManager[]{verifying}, null);

        assertThatThrownBy(() -> handshake(strict, port, "localhost", null)).isInstanceOf(SSLHandshakeException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aResumedSessionKeepsWhatTheFirstHandshakeFound(String protocol) throws Exception {
        int port = server(stranger, new TlsSettings(List.of(protocol), List.of()));
        SSLContext client = opportunistic();

        SSLSession first = handshake(client, port, "localhost", null);
        SSLSession second = handshake(client, port, "localhost", null);

        assertThat(second.getProtocol()).isEqualTo(protocol);
        if (protocol.equals("TLSv1.2")) {
            assertThat(second.getId()).as("resumed").isEqualTo(first.getId());
        }
        assertThat(OpportunisticTrustManager.unverified(second)).isEqualTo(OpportunisticTrustManager.unverified(first))
                .hasValueSatisfying(reason -> assertThat(reason).contains("PKIX path building failed"));
    }

    @Test
    void aSessionOfAnotherContextIsNeverReportedVerified() throws Exception {
        int port = server(trusted, TlsSettings.defaults());
        SSLContext strict = SSLContext.getInstance("TLS");
        strict.init(null, new javax.net.ssl.TrustManager[]{verifying}, null);

        assertThat(OpportunisticTrustManager.unverified(handshake(strict, port, "localhost", null)))
                .hasValue("the server's certificate was not checked on this connection");
    }

    private static SSLContext opportunistic() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[]{new OpportunisticTrustManager(verifying)}, null);
        return context;
    }

    /** TLS over a plain connection to {@code port}, as STARTTLS does, naming {@code host}; reads the greeting. */
    private static SSLSession handshake(SSLContext context, int port, String host, String identification)
            throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(LOOPBACK, port), TIMEOUT_MILLIS);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm(identification);
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            assertThat(readLine(socket.getInputStream())).isEqualTo(GreetingTlsServer.GREETING);
            return socket.getSession();
        }
    }

    private int server(DigitalId id, TlsSettings settings) throws IOException {
        server = new GreetingTlsServer(new ServerTlsContext(id, settings));
        return server.port();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n' && b != -1; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
