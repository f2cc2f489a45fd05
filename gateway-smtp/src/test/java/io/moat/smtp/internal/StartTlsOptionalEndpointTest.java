package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.smtp.api.SmtpEncryption;
import io.moat.testkit.TestTls;
import java.io.IOException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** {@link SmtpEncryption#STARTTLS_OPTIONAL}: STARTTLS offered, clear text still served. */
class StartTlsOptionalEndpointTest extends SmtpEndpointContract {

    @Override
    SmtpEncryption encryption() {
        return SmtpEncryption.STARTTLS_OPTIONAL;
    }

    @Override
    SmtpClient ready() throws IOException {
        return plain();
    }

    @Override
    String startTlsReplyWhenReady() {
        return "220 2.0.0 Ready to start TLS";
    }

    @Override
    boolean startTlsOfferedWhenReady() {
        return true;
    }

    @Test
    void starttlsStartsTheSessionOverAndIsNotOfferedAgain() throws IOException {
        try (SmtpClient client = plain()) {
            assertThat(client.command("EHLO client.test").lines()).anyMatch(line -> line.endsWith("STARTTLS"));
            assertThat(client.command("MAIL FROM:<alice@sender.test>")).isEqualTo("250 2.1.0 Ok");
            assertThat(client.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
            SSLSocket tls = client.startTls(TestTls.client());
            assertThat(tls.getSession().getPeerCertificates()[0]).isEqualTo(TestTls.ID.certificate());

            // RFC 3207 4.2: nothing from before TLS is kept, neither EHLO nor the transaction
            assertThat(client.command("MAIL FROM:<alice@sender.test>")).isEqualTo(
                    "503 5.5.1 Send HELO or EHLO first");
            assertThat(client.command("EHLO client.test")).doesNotContain("STARTTLS").startsWith("250-mx.test");
            assertThat(client.command("RCPT TO:<bob@example.com>")).isEqualTo("503 5.5.1 Need MAIL command");
            assertThat(client.command("STARTTLS")).isEqualTo("503 5.5.1 TLS already active");

            client.command("MAIL FROM:<alice@sender.test>");
            client.command("RCPT TO:<bob@example.com>");
            client.command("DATA");
            assertThat(client.command("Subject: secret\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 ");
            assertThat(factory.envelopes.get(0).client().tlsProtocol()).isEqualTo(tls.getSession().getProtocol());
            assertThat(factory.envelopes.get(0).client().tlsCipher()).isEqualTo(tls.getSession().getCipherSuite());
        }
    }

    @Test
    void commandsPipelinedBehindStarttlsAreDiscardedNotRunAfterTheHandshake() throws IOException {
        try (SmtpClient client = plain()) {
            client.command("EHLO client.test");
            client.write("STARTTLS\r\nRSET\r\n"); // one write: the plaintext command injection probe
            assertThat(client.reply()).isEqualTo("220 2.0.0 Ready to start TLS");
            client.startTls(TestTls.client());

            // had RSET been run, its 250 would come first
            assertThat(client.command("EHLO client.test")).startsWith("250-mx.test\n");
            assertThat(client.command("HELP")).startsWith("214 2.0.0 ");
        }
    }

    @Test
    void aFailedStarttlsHandshakeIsCountedAndEndsOnlyThatSession() throws IOException {
        try (SmtpClient other = plain(); SmtpClient client = plain()) {
            other.command("EHLO other.test");
            client.command("EHLO client.test");
            assertThat(client.command("STARTTLS")).startsWith("220 ");
            client.write("this is not a TLS client hello\r\n");
            client.readToEnd();

            Endpoints.eventually(() -> listener.status().failedHandshakes() == 1);
            assertThat(other.command("MAIL FROM:<alice@sender.test>")).isEqualTo("250 2.1.0 Ok");
        }
    }
}
