package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.smtp.internal.MailPath.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The paths of MAIL FROM and RCPT TO (RFC 5321 4.1.2). */
class MailPathTest {

    @Test
    void takesTheAddressAndTheParameters() {
        MailPath path = MailPath.parse("FROM:<alice@sender.test> size=1000 SMTPUTF8", "FROM", true);

        assertThat(path.problem()).isEqualTo(Problem.NONE);
        assertThat(path.address()).isEqualTo("alice@sender.test");
        assertThat(path.parameters()).containsEntry("SIZE", "1000").containsEntry("SMTPUTF8", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"from:<a@b.test>", "FROM: <a@b.test>", "FROM:a@b.test", "FROM:<@relay.test:a@b.test>",
            "FROM:<\"a b\"@b.test>", "FROM:<a.b+c@[192.0.2.1]>", "FROM:<j\u00f6rg@m\u00fcller.test>",
            "FROM:<a@b-c.test>", "FROM:<a@[IPv6:2001:db8::1]>", "FROM:<a@[IPv6:::ffff:192.0.2.1]>",
            "FROM:<a@[x-tag:anything]>"})
    void acceptsTheSyntaxClientsUse(String arguments) {
        assertThat(MailPath.parse(arguments, "FROM", true).problem()).isEqualTo(Problem.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FROM:<a@@b.test>", "FROM:<a@b.test", "FROM:<a b@b.test>", "FROM:<a@>", "FROM:<@b.test>",
            "FROM:<a..b@b.test>", "FROM:<a@-b.test>", "FROM:<a@b..test>", "FROM:<a@b.test>x", "FROM:<a<b@b.test>",
            "FROM:<a@[1.2.3.4>", "FROM:<a@[1.2.3]>", "FROM:<a@[1.2.3.256]>", "FROM:<a@[IPv6:/00::1]>",
            "FROM:a@[IPv6:/00::>1]", "FROM:a@[x-tag:a>b]", "FROM:a@[x-tag:a\"b]", "FROM:<a@[:x]>", "FROM:<a@[IPv6:]>"})
    void refusesMalformedAddresses(String arguments) {
        assertThat(MailPath.parse(arguments, "FROM", true).problem()).isEqualTo(Problem.ADDRESS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TO:<a@b.test>", "FROM <a@b.test>", "FROM:", "FROM:<a@b.test> =x", "FROM:<a@b.test> SIZE="})
    void refusesWhatIsNotAMailCommand(String arguments) {
        assertThat(MailPath.parse(arguments, "FROM", true).problem()).isEqualTo(Problem.SYNTAX);
    }

    @Test
    void theNullPathIsForSendersAndPostmasterForRecipients() {
        assertThat(MailPath.parse("FROM:<>", "FROM", true).address()).isEmpty();
        assertThat(MailPath.parse("TO:<>", "TO", false).problem()).isEqualTo(Problem.ADDRESS);
        assertThat(MailPath.parse("TO:<Postmaster>", "TO", false).address()).isEqualTo("Postmaster");
        assertThat(MailPath.parse("FROM:<postmaster>", "FROM", true).problem()).isEqualTo(Problem.ADDRESS);
    }

    @Test
    void refusesALocalPartOver64Octets() {
        assertThat(MailPath.parse("TO:<" + "a".repeat(64) + "@b.test>", "TO", false).problem())
                .isEqualTo(Problem.NONE);
        assertThat(MailPath.parse("TO:<" + "a".repeat(65) + "@b.test>", "TO", false).problem())
                .isEqualTo(Problem.ADDRESS);
    }
}
