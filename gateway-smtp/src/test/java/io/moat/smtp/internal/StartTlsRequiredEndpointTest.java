package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.smtp.api.SmtpEncryption;
import io.moat.testkit.TestTls;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@link SmtpEncryption#STARTTLS_REQUIRED}: no mail before STARTTLS ({@code 530 5.7.0}). */
class StartTlsRequiredEndpointTest extends SmtpEndpointContract {

    private static final String MUST_STARTTLS = "530 5.7.0 Must issue a STARTTLS command first";

    @Override
    SmtpEncryption encryption() {
        return SmtpEncryption.STARTTLS_REQUIRED;
    }

    @Override
    SmtpClient ready() throws IOException {
        SmtpClient client = plain();
        client.command("EHLO client.test");
        assertThat(client.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
        client.startTls(TestTls.client());
        return client;
    }

    @Override
    String startTlsReplyWhenReady() {
        return "503 5.5.1 TLS already active";
    }

    @Test
    void beforeTlsMailCommandsAre530AndSessionCommandsAreServed() throws IOException {
        try (SmtpClient client = plain()) {
            assertThat(client.command("EHLO client.test").lines()).anyMatch(line -> line.endsWith("STARTTLS"));
            assertThat(client.command("MAIL FROM:<alice@sender.test>")).isEqualTo(MUST_STARTTLS);
            assertThat(client.command("RCPT TO:<bob@example.com>")).isEqualTo(MUST_STARTTLS);
            assertThat(client.command("DATA")).isEqualTo(MUST_STARTTLS);
            assertThat(client.command("AUTH PLAIN AGJvYgBzZWNyZXQ=")).isEqualTo(MUST_STARTTLS);
            assertThat(client.command("VRFY bob")).isEqualTo(MUST_STARTTLS);
            assertThat(client.command("EXPN staff")).isEqualTo(MUST_STARTTLS);
            client.write("BDAT 6 LAST\r\nQUIT\r\n");
            assertThat(client.reply()).isEqualTo(MUST_STARTTLS);

            assertThat(client.command("HELO client.test")).isEqualTo("250 mx.test");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            assertThat(client.command("RSET")).isEqualTo("250 2.0.0 Ok");
            assertThat(client.command("HELP")).startsWith("214 2.0.0 ");
            assertThat(client.command("QUIT")).startsWith("221 2.0.0 ");
        }
        assertThat(factory.calls).isEmpty();
    }
}
