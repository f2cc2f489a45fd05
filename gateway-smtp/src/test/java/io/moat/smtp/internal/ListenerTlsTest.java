package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.smtp.api.SmtpEncryption;
import io.moat.testkit.TestTls;
import io.moat.tls.ServerTlsContext;
import io.moat.tls.TlsSettings;
import jakarta.resource.ResourceException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint's TLS context is shared with the application: its settings and certificate apply per handshake. */
class ListenerTlsTest {

    private final FakeEndpointFactory factory = new FakeEndpointFactory();
    private final List<SmtpListener> listeners = new ArrayList<>();

    @AfterEach
    void stopAll() {
        listeners.forEach(SmtpListener::stop);
    }

    private SmtpListener start(SmtpEncryption encryption, ServerTlsContext tls) throws ResourceException {
        SmtpListener listener = new SmtpListener(Endpoints.endpoint(encryption, tls), factory);
        listeners.add(listener);
        listener.start();
        return listener;
    }

    @Test
    void aTls13OnlyEndpointRefusesATls12Client() throws Exception {
        SmtpListener listener = start(SmtpEncryption.IMPLICIT_TLS,
                new ServerTlsContext(TestTls.ID, new TlsSettings(List.of("TLSv1.3"), List.of())));

        assertThatThrownBy(() -> SmtpClient.implicitTls(listener.port(), TestTls.client(), "TLSv1.2"))
                .isInstanceOf(IOException.class);
        Endpoints.eventually(() -> listener.status().failedHandshakes() == 1);

        try (SmtpClient client = SmtpClient.implicitTls(listener.port(), TestTls.client())) {
            assertThat(((SSLSocket) client.socket()).getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(client.reply()).startsWith("220 ");
        }
    }

    @Test
    void aTls13OnlyEndpointRefusesATls12ClientAfterStarttls() throws Exception {
        SmtpListener listener = start(SmtpEncryption.STARTTLS_REQUIRED,
                new ServerTlsContext(TestTls.ID, new TlsSettings(List.of("TLSv1.3"), List.of())));
        try (SmtpClient client = SmtpClient.plain(listener.port())) {
            client.reply();
            client.command("EHLO client.test");
            assertThat(client.command("STARTTLS")).startsWith("220 ");
            SSLSocket tls = (SSLSocket) TestTls.client().getSocketFactory().createSocket(client.socket(),
                    "127.0.0.1", listener.port(), true);
            tls.setEnabledProtocols(new String[]{"TLSv1.2"});
            assertThatThrownBy(tls::startHandshake).isInstanceOf(IOException.class);
        }
        Endpoints.eventually(() -> listener.status().failedHandshakes() == 1);
    }

    @Test
    void aCertificateSwappedInTheSharedContextIsPresentedByTheNextHandshake() throws Exception {
        ServerTlsContext shared = TestTls.server();
        SmtpListener implicit = start(SmtpEncryption.IMPLICIT_TLS, shared);
        SmtpListener starttls = start(SmtpEncryption.STARTTLS_OPTIONAL, shared);
        try (SmtpClient before = SmtpClient.implicitTls(implicit.port(), TestTls.client())) {
            assertThat(peerCertificate(before)).isEqualTo(TestTls.ID.certificate());
            before.reply();

            shared.swap(TestTls.OTHER_ID);

            try (SmtpClient after = SmtpClient.implicitTls(implicit.port(), TestTls.client())) {
                assertThat(peerCertificate(after)).isEqualTo(TestTls.OTHER_ID.certificate());
            }
            try (SmtpClient after = SmtpClient.plain(starttls.port())) {
                after.reply();
                after.command("EHLO client.test");
                after.command("STARTTLS");
                after.startTls(TestTls.client());
                assertThat(peerCertificate(after)).isEqualTo(TestTls.OTHER_ID.certificate());
            }
            // the session made before the swap goes on
            assertThat(before.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
        assertThat(implicit.status().failedHandshakes()).isZero();
    }

    private static Object peerCertificate(SmtpClient client) throws IOException {
        return ((SSLSocket) client.socket()).getSession().getPeerCertificates()[0];
    }
}
