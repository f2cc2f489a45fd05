package io.moat.delivery.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.delivery.outbound.DeliveryAgent.Outcome;
import io.moat.delivery.outbound.DeliveryAgent.Refusal;
import io.moat.delivery.outbound.DeliveryAgent.Result;
import io.moat.devtools.ReceivedMail;
import io.moat.devtools.SmtpSink;
import io.moat.settings.profiles.SmtpTarget;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.testkit.ScriptedSmtpServer;
import io.moat.tls.WriteDeadlines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeliveryAgentTest {

    private static final byte[] ADDED = "X-Moat-Scan: clean; 1 attachment scanned\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private SmtpSink sink;
    private DeliveryAgent agent;
    private List<SmtpTarget> downstream;
    private Path message;
    private byte[] messageBytes;

    @BeforeEach
    void start() throws IOException {
        sink = SmtpSink.builder().port(0).build().start();
        agent = new DeliveryAgent("moat.test", TIMEOUT);
        downstream = List.of(plain(sink.port()));
        messageBytes = String.join("\r\n",
                "From: Alice <alice@example.com>",
                "To: bob@example.org",
                "Subject: dots and bytes",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit",
                "",
                "first line",
                ".a line starting with a dot",
                ".",
                "..two dots",
                "Gr\u00fc\u00dfe \u2014 8-bit text stays as it is",
                "  trailing spaces   ",
                "",
                "last line",
                "").getBytes(StandardCharsets.UTF_8);
        message = dir.resolve("spooled.eml");
        Files.write(message, messageBytes);
    }

    @AfterEach
    void stop() {
        sink.stop();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }

    @Test
    void deliversTheAddedHeadersAndTheSpoolFileByteForByte() {
        Result result = agent.deliver(downstream, message, ADDED, "alice@example.com", List.of("bob@example.org"));

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(result.server()).isEqualTo("smtp://127.0.0.1:" + sink.port());
        assertThat(result.reply()).startsWith("250");
        assertThat(sink.messages()).hasSize(1);
        ReceivedMail received = sink.messages().get(0);
        assertThat(received.data()).isEqualTo(concat(ADDED, messageBytes));
        assertThat(received.text()).contains("\r\n.a line starting with a dot\r\n.\r\n..two dots\r\n");
        // the connection that carried it, in clear text, waits for the next message
        assertThat(agent.idleConnectionList()).singleElement().satisfies(c -> assertThat(c.tls()).isNull());
    }

    @Test
    void envelopeCarriesTheSenderAndAllRecipientsInOrder() {
        Result result = agent.deliver(downstream, message, ADDED, "alice@example.com",
                List.of("bob@example.org", "carol@example.org", "dave@example.net"));

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        ReceivedMail received = sink.messages().get(0);
        assertThat(received.from()).isEqualTo("alice@example.com");
        assertThat(received.recipients()).containsExactly("bob@example.org", "carol@example.org", "dave@example.net");
    }

    @Test
    void nullSenderGoesOutAsAnEmptyReversePath() {
        Result result = agent.deliver(downstream, message, ADDED, "", List.of("alice@example.com"));

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        // SmtpSink records MAIL FROM:<> as the empty string (see ReceivedMail#from)
        assertThat(sink.messages()).singleElement().extracting(ReceivedMail::from).isEqualTo("");
    }

    @Test
    void emptyAddedHeadersSendTheSpoolFileAlone() {
        Result result = agent.deliver(downstream, message, new byte[0], "alice@example.com",
                List.of("bob@example.org"));

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(sink.messages().get(0).data()).isEqualTo(messageBytes);
    }

    @Test
    void temporaryRejectionIsTemporaryWithTheReply() {
        sink.rejectNext(1, 451, "4.3.0 Mailbox busy, try again later");

        Result result = agent.deliver(downstream, message, ADDED, "alice@example.com", List.of("bob@example.org"));

        assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
        assertThat(result.reply()).startsWith("451").contains("4.3.0 Mailbox busy, try again later");
        assertThat(result.server()).isEqualTo("smtp://127.0.0.1:" + sink.port());
        assertThat(sink.messages()).isEmpty();

        Result retry = agent.deliver(downstream, message, ADDED, "alice@example.com", List.of("bob@example.org"));
        assertThat(retry.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(sink.messages()).hasSize(1);
    }

    @Test
    void permanentRejectionIsPermanentWithTheReply() {
        sink.rejectNext(1, 550, "5.7.1 Message refused by policy");

        Result result = agent.deliver(downstream, message, ADDED, "alice@example.com", List.of("bob@example.org"));

        assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
        assertThat(result.reply()).startsWith("550").contains("5.7.1 Message refused by policy");
        assertThat(sink.messages()).isEmpty();
    }

    @Test
    void recipientRefusedPermanentlyIsPermanent() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
            server.refuse("nobody@example.org", "550 5.1.1 <nobody@example.org>: no such user");
            Result result = deliverTo(server, "alice@example.com",
                    List.of("nobody@example.org"));

            assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
            assertThat(result.reply()).startsWith("550").contains("5.1.1 <nobody@example.org>: no such user");
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void recipientRefusedTemporarilyIsTemporary() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
            server.refuse("busy@example.org", "450 4.2.1 mailbox busy");
            Result result = deliverTo(server, "alice@example.com",
                    List.of("busy@example.org"));

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
            assertThat(result.reply()).startsWith("450").contains("4.2.1 mailbox busy");
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void linesStartingWithADotAreStuffedOnTheWire() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
            Result result = deliverTo(server, "alice@example.com",
                    List.of("bob@example.org", "carol@example.org"));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(server.deliveredTo()).containsExactly("bob@example.org", "carol@example.org");
            // the scripted server keeps the DATA lines as sent, without unstuffing
            assertThat(server.messages()).singleElement().asString()
                    .startsWith("X-Moat-Scan: clean; 1 attachment scanned\r\nFrom: Alice <alice@example.com>\r\n")
                    .contains("\r\nfirst line\r\n..a line starting with a dot\r\n..\r\n...two dots\r\n")
                    .endsWith("\r\nlast line\r\n");
        }
    }

    @Test
    void oneRefusedRecipientDoesNotStopDeliveryToTheOthers() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
            server.refuse("nobody@example.org", "550 5.1.1 <nobody@example.org>: no such user");
            Result result = deliverTo(server, "alice@example.com",
                    List.of("bob@example.org", "nobody@example.org"));

            assertThat(server.deliveredTo()).containsExactly("bob@example.org");
            assertThat(result.outcome()).isEqualTo(Outcome.PARTIAL);
            assertThat(result.delivered()).containsExactly("bob@example.org");
            assertThat(result.permanentlyRefused()).singleElement().satisfies(r -> {
                assertThat(r.recipient()).isEqualTo("nobody@example.org");
                assertThat(r.reply()).startsWith("550").contains("5.1.1");
            });
            assertThat(result.temporarilyRefused()).isEmpty();
        }
    }

    private static SmtpTarget plain(int port) {
        return new SmtpTarget("127.0.0.1", port, SmtpEncryption.NONE, null, false, null, null);
    }

    private Result deliverTo(ScriptedSmtpServer server, String mailFrom, List<String> recipients) {
        return agent.deliver(List.of(plain(server.port())), message, ADDED, mailFrom, recipients);
    }

    @Test
    void aSpoolFileRemovedWhileItIsSentIsNotDelivered() throws Exception {
        // a FIFO lets the test remove the file's name between the bytes the agent reads, as a reused spool file
        // would be removed and written over if another claim finished the message during a slow delivery
        Path fifo = dir.resolve("slow.eml");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(messageBytes, 0, 40);
                out.flush();
                Files.move(fifo, dir.resolve("released"));
                out.write(messageBytes, 40, messageBytes.length - 40);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.start();

        Result result = agent.deliver(downstream, fifo, ADDED, "alice@example.com", List.of("bob@example.org"));
        writer.join();

        assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
        assertThat(sink.messages()).isEmpty();
        Result next = agent.deliver(downstream, message, ADDED, "alice@example.com", List.of("bob@example.org"));
        assertThat(next.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(sink.messages()).singleElement().extracting(ReceivedMail::data)
                .isEqualTo(concat(ADDED, messageBytes));
    }

    @Test
    void unreachableServerIsTemporary() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        DeliveryAgent impatient = new DeliveryAgent("moat.test", Duration.ofSeconds(5));

        Result result = impatient.deliver(List.of(plain(closedPort)), message, ADDED, "alice@example.com",
                List.of("bob@example.org"));

        assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
        assertThat(result.server()).isEqualTo("smtp://127.0.0.1:" + closedPort);
        assertThat(result.reply()).startsWith("connection to smtp://127.0.0.1:" + closedPort + " failed");
        assertThat(result.temporarilyRefused()).containsExactly("bob@example.org");
        assertThat(result.tlsProtocol()).isNull();
        assertThat(result.note()).isNull();
    }

    @Test
    void clearTextByConfigurationHasNoTlsFactsAndNoNote() {
        Result result = agent.deliver(downstream, message, ADDED, "alice@example.com", List.of("bob@example.org"));

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(result.tlsProtocol()).isNull();
        assertThat(result.tlsCipher()).isNull();
        assertThat(result.note()).isNull();
    }

    @Test
    void anInvalidRecipientIsRefusedPermanentlyWithoutConnecting() {
        Result result = agent.deliver(downstream, message, ADDED, "alice@example.com", List.of("not an address@"));

        assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
        assertThat(result.reply()).startsWith("553 5.1.3");
        assertThat(sink.messages()).isEmpty();
    }

    @Test
    void atLeastOneServerIsNeeded() {
        assertThatThrownBy(() -> agent.deliver(List.of(), message, ADDED, "alice@example.com",
                List.of("bob@example.org")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void connectionsAreMadeWithNagleOffSoThatTheEndOfAMessageIsNotHeldBack() throws IOException {
        RecordingSockets sockets = new RecordingSockets();
        DeliveryAgent withSockets = new DeliveryAgent("moat.test", TIMEOUT, sockets);

        Result result = withSockets.deliver(downstream, message, ADDED, "alice@example.com",
                List.of("bob@example.org"));

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(sockets.made).singleElement().satisfies(socket -> {
            assertThat(socket.getPort()).isEqualTo(sink.port());
            assertThat(socket.getTcpNoDelay()).isTrue();
        });
        withSockets.closeIdle();
    }

    @Test
    void aSecondMessageToTheSameServerGoesOverTheKeptConnectionAfterRset() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
            List<SmtpTarget> target = List.of(plain(server.port()));
            assertThat(agent.deliver(target, message, ADDED, "alice@example.com", List.of("bob@example.org"))
                    .outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(agent.idleConnections()).isEqualTo(1);
            assertThat(agent.deliver(target, message, ADDED, "alice@example.com", List.of("carol@example.org"))
                    .outcome()).isEqualTo(Outcome.DELIVERED);

            assertThat(server.connections()).isEqualTo(1);
            assertThat(server.deliveredTo()).containsExactly("bob@example.org", "carol@example.org");
            assertThat(server.commands()).containsExactly("EHLO", "MAIL", "RCPT", "DATA", "RSET", "MAIL", "RCPT",
                    "DATA");
            agent.closeIdle();
            assertThat(agent.idleConnections()).isZero();
        }
    }

    @Test
    void withoutPipeliningEachCommandWaitsForItsReply() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
            List<SmtpTarget> target = List.of(plain(server.port()));
            agent.deliver(target, message, ADDED, "alice@example.com", List.of("bob@example.org", "carol@example.org"));
            agent.deliver(target, message, ADDED, "alice@example.com", List.of("dave@example.org"));

            assertThat(server.deliveredTo()).containsExactly("bob@example.org", "carol@example.org",
                    "dave@example.org");
            assertThat(server.commandsSentAhead()).isZero();
        }
    }

    @Test
    void withPipeliningTheEnvelopeGoesOutTogetherAndTheKeptConnectionIsCheckedByItsRset() throws IOException {
        // the server answers MAIL and RCPT only once DATA has come: a client waiting for each reply would time out
        DeliveryAgent impatient = new DeliveryAgent("moat.test", Duration.ofSeconds(3));
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().pipelining()) {
            List<SmtpTarget> target = List.of(plain(server.port()));
            Result first = impatient.deliver(target, message, ADDED, "alice@example.com",
                    List.of("bob@example.org", "carol@example.org"));
            Result second = impatient.deliver(target, message, ADDED, "<>", List.of("dave@example.org"));

            assertThat(first.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(first.reply()).isEqualTo("250 2.0.0 queued");
            assertThat(second.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(server.commands()).containsExactly("EHLO", "MAIL", "RCPT", "RCPT", "DATA", "RSET", "MAIL",
                    "RCPT", "DATA");
            assertThat(server.commandsSentAhead()).isPositive();
            assertThat(server.deliveredTo()).containsExactly("bob@example.org", "carol@example.org",
                    "dave@example.org");
            assertThat(server.messages()).hasSize(2).allSatisfy(text -> assertThat(text)
                    .startsWith("X-Moat-Scan: clean; 1 attachment scanned\r\nFrom: Alice <alice@example.com>\r\n")
                    .contains("\r\n..a line starting with a dot\r\n..\r\n...two dots\r\n")
                    .endsWith("\r\nlast line\r\n"));
            assertThat(impatient.idleConnections()).isEqualTo(1);
            impatient.closeIdle();
        }
    }

    @Test
    void pipelinedRefusalsAreSortedPerRecipient() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().pipelining()) {
            server.refuse("nobody@example.org", "550 5.1.1 <nobody@example.org>: no such user");
            server.refuse("busy@example.org", "450 4.2.1 mailbox busy");
            Result result = deliverTo(server, "alice@example.com",
                    List.of("bob@example.org", "nobody@example.org", "busy@example.org"));

            assertThat(result.outcome()).isEqualTo(Outcome.PARTIAL);
            assertThat(result.delivered()).containsExactly("bob@example.org");
            assertThat(result.permanentlyRefused()).singleElement().satisfies(r -> {
                assertThat(r.recipient()).isEqualTo("nobody@example.org");
                assertThat(r.reply()).isEqualTo("550 5.1.1 <nobody@example.org>: no such user");
            });
            assertThat(result.temporarilyRefused()).containsExactly("busy@example.org");
            assertThat(server.deliveredTo()).containsExactly("bob@example.org");
        }
    }

    @Test
    void whenEveryPipelinedRecipientIsRefusedAServerThatStillTakesDataGetsNoMessage() throws IOException {
        // this server answers DATA with 354 although no recipient was taken (RFC 2920 wants 503 or 554 there)
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().pipelining()) {
            server.refuse("nobody@example.org", "550 5.1.1 no such user");
            Result result = deliverTo(server, "alice@example.com", List.of("nobody@example.org"));

            assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
            assertThat(result.reply()).isEqualTo("550 5.1.1 no such user");
            assertThat(agent.idleConnections()).isZero();
            assertThat(server.messages()).isEmpty();
            assertThat(deliverTo(server, "alice@example.com", List.of("bob@example.org")).outcome())
                    .isEqualTo(Outcome.DELIVERED);
            assertThat(server.connections()).isEqualTo(2);
            assertThat(server.deliveredTo()).containsExactly("bob@example.org");
        }
    }

    /**
     * A server that closed a kept connection while it waited, or that refuses MAIL on it with 421; with PIPELINING
     * the RSET at the head of the group finds it out, without it the RSET of its own.
     */
    @ParameterizedTest
    @CsvSource({"true, true", "true, false", "false, true", "false, false"})
    void aKeptConnectionThatFailsBeforeMailIsReplacedWithoutDeferringTheMessage(boolean pipelining, boolean hangUp)
            throws IOException {
        ScriptedSmtpServer scripted = pipelining ? new ScriptedSmtpServer().pipelining() : new ScriptedSmtpServer();
        try (ScriptedSmtpServer server = hangUp
                ? scripted.hangUpAfterData(true)
                : scripted.refuseMail("421 4.3.2 too many messages on one connection", 1)) {
            List<SmtpTarget> target = List.of(plain(server.port()));
            agent.deliver(target, message, ADDED, "alice@example.com", List.of("bob@example.org"));
            Result second = agent.deliver(target, message, ADDED, "alice@example.com", List.of("carol@example.org"));

            assertThat(second.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(server.connections()).isEqualTo(2);
            assertThat(server.deliveredTo()).containsExactly("bob@example.org", "carol@example.org");
        }
    }

    @Test
    void aPipelinedMailRefusalOnANewConnectionIsTheServersAnswer() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().pipelining()
                .refuseMail("550 5.7.1 sender refused", 0)) {
            Result result = deliverTo(server, "alice@example.com", List.of("bob@example.org", "carol@example.org"));

            assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
            assertThat(result.reply()).isEqualTo("550 5.7.1 sender refused");
            assertThat(result.permanentlyRefused()).extracting(Refusal::recipient)
                    .containsExactly("bob@example.org", "carol@example.org");
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void aKeptConnectionOnWhichTheServerRefusesMailIsCheckedWithRsetAndReplaced() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()
                .refuseMail("421 4.3.2 too many messages on one connection", 1)) {
            List<SmtpTarget> target = List.of(plain(server.port()));
            agent.deliver(target, message, ADDED, "alice@example.com", List.of("bob@example.org"));
            Result second = agent.deliver(target, message, ADDED, "alice@example.com", List.of("carol@example.org"));

            assertThat(second.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(server.connections()).isEqualTo(2);
            assertThat(server.deliveredTo()).containsExactly("bob@example.org", "carol@example.org");
            assertThat(server.commands()).containsExactly("EHLO", "MAIL", "RCPT", "DATA", "RSET", "MAIL", "EHLO",
                    "MAIL", "RCPT", "DATA");
        }
    }

    @Test
    void mailRefusedOnANewConnectionIsTheServersAnswer() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().refuseMail("421 4.3.2 not now", 0)) {
            Result result = agent.deliver(List.of(plain(server.port())), message, ADDED, "alice@example.com",
                    List.of("bob@example.org"));

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
            assertThat(result.reply()).contains("421 4.3.2 not now");
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void aConnectionWhoseTransactionFailedIsNotKept() throws IOException {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
            server.refuse("nobody@example.org", "550 5.1.1 no such user");
            List<SmtpTarget> target = List.of(plain(server.port()));
            assertThat(agent.deliver(target, message, ADDED, "alice@example.com", List.of("nobody@example.org"))
                    .outcome()).isEqualTo(Outcome.PERMANENT);
            assertThat(agent.idleConnections()).isZero();
            assertThat(agent.deliver(target, message, ADDED, "alice@example.com", List.of("bob@example.org"))
                    .outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocked write ignores interrupts
    void aServerThatStopsReadingTheTextIsCutOffAtTheTimeout() throws IOException {
        // more than the loopback's socket buffers hold, so that the writes block once the server stops reading
        Path big = dir.resolve("big.eml");
        try (OutputStream out = Files.newOutputStream(big)) {
            out.write("From: alice@example.com\r\nSubject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] line = ("x".repeat(76) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 32 * 1024 * 1024 / line.length; i++) {
                out.write(line);
            }
        }
        DeliveryAgent impatient = new DeliveryAgent("moat.test", Duration.ofSeconds(1));
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().stopReadingInData()) {
            long start = System.nanoTime();
            Result result = impatient.deliver(List.of(plain(server.port())), big, ADDED, "alice@example.com",
                    List.of("bob@example.org"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
            assertThat(result.temporarilyRefused()).containsExactly("bob@example.org");
            assertThat(result.reply()).contains("in time");
            assertThat(took).isLessThan(Duration.ofSeconds(30));
            assertThat(impatient.idleConnections()).isZero();
            assertThat(WriteDeadlines.SHARED.watched()).isZero();
        }
    }
}
