package io.moat.delivery.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.delivery.dsn.DsnBuilder;
import io.moat.delivery.outbound.DeliveryAgent.MailOptions;
import io.moat.delivery.outbound.DeliveryAgent.Outcome;
import io.moat.delivery.outbound.DeliveryAgent.Refusal;
import io.moat.delivery.outbound.DeliveryAgent.Result;
import io.moat.devtools.ReceivedMail;
import io.moat.devtools.SmtpSink;
import io.moat.settings.profiles.SmtpTarget;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.testkit.ScriptedSmtpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMTPUTF8 (RFC 6531) and 8BITMIME (RFC 6152) carried to the downstream server, against real servers on 127.0.0.1:
 * subethasmtp's (the devtools sink, which offers both) and a scripted one that offers what a test asks for.
 */
class DeliveryAgentMailParametersTest {

    private static final byte[] ADDED = "X-Moat-Scan: clean; no attachments\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String UTF8_RECIPIENT = "j\u00f6s\u00e9@ex\u00e4mple.com";
    private static final String UTF8_SENDER = "\u00e9l\u00e8ve@\u00e9cole.example";
    private static final MailOptions BOTH = new MailOptions(true, true);

    @TempDir
    Path dir;

    private final DeliveryAgent agent = new DeliveryAgent("moat.test", Duration.ofSeconds(20));
    private Path utf8Message;
    private byte[] utf8Bytes;
    private Path asciiMessage;

    @BeforeEach
    void spool() throws IOException {
        utf8Bytes = String.join("\r\n",
                "From: =?utf-8?q?Ali=C3=A7e?= <alice@example.com>",
                "To: Jos\u00e9 <" + UTF8_RECIPIENT + ">",
                "Subject: Gr\u00fc\u00dfe aus K\u00f6ln \u2014 \u4f60\u597d",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit",
                "",
                "\u00e7a va? \u2603",
                ".a line starting with a dot",
                "").getBytes(StandardCharsets.UTF_8);
        utf8Message = Files.write(dir.resolve("utf8.eml"), utf8Bytes);
        asciiMessage = Files.write(dir.resolve("ascii.eml"),
                "From: alice@example.com\r\nSubject: plain\r\n\r\nseven bits\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @AfterEach
    void close() {
        agent.closeIdle();
    }

    private static SmtpTarget plain(int port) {
        return new SmtpTarget("127.0.0.1", port, SmtpEncryption.NONE, null, false, null, null);
    }

    private static byte[] sent(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ADDED);
        out.writeBytes(message);
        return out.toByteArray();
    }

    private static String mailLine(ScriptedSmtpServer server) {
        return server.lines().stream().filter(l -> l.startsWith("MAIL")).findFirst().orElseThrow();
    }

    @Test
    void aUtf8RecipientIsDeliveredIntactByteForByteWhereTheServerOffersSmtpUtf8() throws IOException {
        SmtpSink sink = SmtpSink.builder().port(0).build().start();
        try {
            Result result = agent.deliver(List.of(plain(sink.port())), utf8Message, ADDED, "alice@example.com",
                    List.of(UTF8_RECIPIENT), BOTH);

            assertThat(result.outcome()).as(result.reply()).isEqualTo(Outcome.DELIVERED);
            ReceivedMail received = sink.messages().get(0);
            assertThat(received.recipients()).containsExactly(UTF8_RECIPIENT);
            assertThat(received.from()).isEqualTo("alice@example.com");
            assertThat(received.data()).isEqualTo(sent(utf8Bytes));
        } finally {
            sink.stop();
        }
    }

    @Test
    void theParametersAndUtf8AddressesGoOnTheWireAsTheServerOffersThem() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().pipelining().smtpUtf8()) {
            Result result = agent.deliver(List.of(plain(server.port())), utf8Message, ADDED, UTF8_SENDER,
                    List.of(UTF8_RECIPIENT, "bob@example.org"), BOTH);

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(server.lines()).contains("MAIL FROM:<" + UTF8_SENDER + "> SMTPUTF8 BODY=8BITMIME",
                    "RCPT TO:<" + UTF8_RECIPIENT + ">", "RCPT TO:<bob@example.org>");
            // still pipelined: MAIL, both RCPTs and DATA in one write
            assertThat(server.commandsSentAhead()).isEqualTo(3);
        }
    }

    @Test
    void aNonAsciiAddressAsksForSmtpUtf8EvenWhenTheClientDidNotDeclareIt() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().smtpUtf8()) {
            Result result = agent.deliver(List.of(plain(server.port())), asciiMessage, ADDED, "alice@example.com",
                    List.of(UTF8_RECIPIENT), MailOptions.NONE);

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(mailLine(server)).isEqualTo("MAIL FROM:<alice@example.com> SMTPUTF8");
        }
    }

    @Test
    void aMessageThatDeclaredNothingGoesOutWithNoParameters() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().smtpUtf8()) {
            Result result = agent.deliver(List.of(plain(server.port())), utf8Message, ADDED, "alice@example.com",
                    List.of("bob@example.org"));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(mailLine(server)).isEqualTo("MAIL FROM:<alice@example.com>");
        }
    }

    @Test
    void aDeclaredSmtpUtf8MessageFailsForGoodWith567WhereTheServerDoesNotOfferItAndNothingIsSent()
            throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
            Result result = agent.deliver(List.of(plain(server.port())), utf8Message, ADDED, "alice@example.com",
                    List.of("bob@example.org", "carol@example.org"), BOTH);

            assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
            assertThat(result.delivered()).isEmpty();
            assertThat(result.permanentlyRefused()).extracting(Refusal::recipient)
                    .containsExactly("bob@example.org", "carol@example.org");
            assertThat(result.reply()).startsWith("554 5.6.7 ").contains("SMTPUTF8");
            assertThat(DsnBuilder.status(result.reply(), false)).isEqualTo("5.6.7");
            assertThat(server.commands()).containsExactly("EHLO");
            // nothing was begun on the connection: it waits for the next message
            assertThat(agent.idleConnections()).isEqualTo(1);
        }
    }

    @Test
    void withoutSmtpUtf8OnlyTheRecipientsThatNeedItFailTheOthersAreDelivered() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
            Result result = agent.deliver(List.of(plain(server.port())), asciiMessage, ADDED, "alice@example.com",
                    List.of(UTF8_RECIPIENT, "bob@example.org"), MailOptions.NONE);

            assertThat(result.outcome()).isEqualTo(Outcome.PARTIAL);
            assertThat(result.delivered()).containsExactly("bob@example.org");
            assertThat(result.permanentlyRefused()).singleElement().satisfies(r -> {
                assertThat(r.recipient()).isEqualTo(UTF8_RECIPIENT);
                assertThat(r.reply()).startsWith("554 5.6.7 ");
            });
            assertThat(server.deliveredTo()).containsExactly("bob@example.org");
            assertThat(mailLine(server)).isEqualTo("MAIL FROM:<alice@example.com>");
        }
    }

    @Test
    void aNonAsciiSenderNeedsSmtpUtf8ForEveryRecipient() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
            Result result = agent.deliver(List.of(plain(server.port())), asciiMessage, ADDED, UTF8_SENDER,
                    List.of("bob@example.org"), MailOptions.NONE);

            assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
            assertThat(result.reply()).startsWith("554 5.6.7 ");
            assertThat(server.commands()).doesNotContain("MAIL");
        }
    }

    @Test
    void eightBitTextDeclaredSoFailsWith563WhereTheServerHasNo8BitMimeAndIsNeverConverted() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().smtpUtf8().without8BitMime()) {
            Result result = agent.deliver(List.of(plain(server.port())), utf8Message, ADDED, "alice@example.com",
                    List.of("bob@example.org"), new MailOptions(false, true));

            assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
            assertThat(result.reply()).startsWith("554 5.6.3 ").contains("8BITMIME");
            assertThat(server.commands()).doesNotContain("MAIL");
        }
    }

    @Test
    void aMessageDeclared8BitThatIsSevenBitGoesWithoutBodyToAServerWithout8BitMime() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().without8BitMime()) {
            Result result = agent.deliver(List.of(plain(server.port())), asciiMessage, ADDED, "alice@example.com",
                    List.of("bob@example.org"), new MailOptions(false, true));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(mailLine(server)).isEqualTo("MAIL FROM:<alice@example.com>");
        }
    }

    @Test
    void body8BitMimeIsDeclaredWhereTheClientDeclaredItAndTheServerOffersIt() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
            Result result = agent.deliver(List.of(plain(server.port())), utf8Message, ADDED, "alice@example.com",
                    List.of("bob@example.org"), new MailOptions(false, true));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(mailLine(server)).isEqualTo("MAIL FROM:<alice@example.com> BODY=8BITMIME");
            // the 8-bit text as it is, octet for octet (the scripted server keeps it as ISO-8859-1 characters)
            String subject = "Subject: Gr\u00fc\u00dfe aus K\u00f6ln \u2014 \u4f60\u597d\r\n";
            assertThat(server.messages()).singleElement().asString().contains(
                    new String(subject.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        }
    }
}
