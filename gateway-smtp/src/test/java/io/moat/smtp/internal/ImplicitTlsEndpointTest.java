package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.smtp.api.SmtpEncryption;
import io.moat.testkit.TestTls;
import java.io.IOException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** {@link SmtpEncryption#IMPLICIT_TLS}: the TLS handshake comes first (RFC 8314). */
class ImplicitTlsEndpointTest extends SmtpEndpointContract {

    @Override
    SmtpEncryption encryption() {
        return SmtpEncryption.IMPLICIT_TLS;
    }

    @Override
    SmtpClient ready() throws IOException {
        SmtpClient client = SmtpClient.implicitTls(listener.port(), TestTls.client());
        assertThat(client.reply()).isEqualTo("220 mx.test ESMTP Moat");
        return client;
    }

    @Override
    String startTlsReplyWhenReady() {
        return "503 5.5.1 TLS already active";
    }

    @Test
    void theCertificateOfTheEndpointIsPresented() throws IOException {
        try (SmtpClient client = ready()) {
            SSLSocket tls = (SSLSocket) client.socket();
            assertThat(tls.getSession().getPeerCertificates()[0]).isEqualTo(TestTls.ID.certificate());
        }
    }

    @Test
    void aClearTextClientIsDroppedAndCountedWhileTlsSessionsGoOn() throws IOException {
        try (SmtpClient tls = ready()) {
            assertThat(tls.command("EHLO client.test")).startsWith("250-");
            try (SmtpClient plain = SmtpClient.plain(listener.port())) {
                plain.send("EHLO client.test");
                assertThat(plain.readToEnd()).doesNotContain("220").doesNotContain("250");
            }
            Endpoints.eventually(() -> listener.status().failedHandshakes() == 1);

            assertThat(tls.command("MAIL FROM:<alice@sender.test>")).isEqualTo("250 2.1.0 Ok");
            assertThat(tls.command("RCPT TO:<bob@example.com>")).isEqualTo("250 2.1.5 Ok");
            tls.command("DATA");
            assertThat(tls.command("Subject: x\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 ");
        }
        assertThat(listener.status().failedHandshakes()).isEqualTo(1);
    }
}
