package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.smtp.internal.SmtpInput.CommandLine;
import io.moat.smtp.internal.SmtpInput.CommandLine.Problem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Command lines: CRLF-terminated, 512 octets at most, never a wait for a CRLF that does not come. */
class SmtpInputTest {

    private static SmtpInput input(String wire) {
        return new SmtpInput(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsLinesWithoutTheirCrlf() throws IOException {
        SmtpInput in = input("EHLO client.test\r\nMAIL FROM:<j\u00f6rg@example.com>\r\n");

        assertThat(in.readCommand()).isEqualTo(new CommandLine("EHLO client.test", Problem.NONE));
        assertThat(in.readCommand().text()).isEqualTo("MAIL FROM:<j\u00f6rg@example.com>");
        assertThat(in.readCommand()).isNull();
    }

    @Test
    void aLineOf512OctetsIsTakenAndOneOf513IsTooLong() throws IOException {
        String longest = "x".repeat(510);
        SmtpInput in = input(longest + "\r\n" + longest + "y\r\nNOOP\r\n");

        assertThat(in.readCommand().text()).isEqualTo(longest);
        assertThat(in.readCommand().problem()).isEqualTo(Problem.TOO_LONG);
        assertThat(in.readCommand().text()).isEqualTo("NOOP");
    }

    @Test
    void bareLineEndsAreReportedAtTheNextLf() throws IOException {
        SmtpInput in = input("NOOP\nNO\rOP\r\nNOOP\r\n");

        assertThat(in.readCommand().problem()).isEqualTo(Problem.BARE_NEWLINE);
        assertThat(in.readCommand().problem()).isEqualTo(Problem.BARE_NEWLINE);
        assertThat(in.readCommand().text()).isEqualTo("NOOP");
    }

    @Test
    void aPartialLastLineIsTheEnd() throws IOException {
        assertThat(input("QUI").readCommand()).isNull();
    }

    @Test
    void pendingBytesAreDiscarded() throws IOException {
        SmtpInput in = input("STARTTLS\r\nRSET\r\nMAIL FROM:<a@b.test>\r\n");

        assertThat(in.readCommand().text()).isEqualTo("STARTTLS");
        assertThat(in.discardPending()).isEqualTo("RSET\r\nMAIL FROM:<a@b.test>\r\n".length());
        assertThat(in.readCommand()).isNull();
    }
}
