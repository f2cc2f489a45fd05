package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.smtp.api.SmtpClientInfo;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.smtp.api.SmtpEndpointConfig;
import io.moat.smtp.api.SmtpEnvelope;
import io.moat.smtp.api.SmtpReply;
import io.moat.testkit.TestTls;
import jakarta.resource.ResourceException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every endpoint does, whatever its TLS mode, once a client is ready to send mail (after STARTTLS where it is
 * required, over TLS from the start for implicit TLS). Scripted conversations on 127.0.0.1 port 0 with a fake
 * container; one subclass per {@link SmtpEncryption}, after James' {@code AbstractSMTPServerTest}.
 */
abstract class SmtpEndpointContract {

    protected final FakeEndpointFactory factory = new FakeEndpointFactory();
    protected SmtpListener listener;

    abstract SmtpEncryption encryption();

    /** A connection past the greeting, ready for EHLO and mail: over TLS where this mode requires it. */
    abstract SmtpClient ready() throws IOException;

    /** The start of the reply to STARTTLS on a {@link #ready()} connection. */
    abstract String startTlsReplyWhenReady();

    /** Whether EHLO on a {@link #ready()} connection offers STARTTLS. */
    boolean startTlsOfferedWhenReady() {
        return false;
    }

    @BeforeEach
    void startListener() throws ResourceException {
        SmtpEncryption encryption = encryption();
        listener = new SmtpListener(
                Endpoints.endpoint(encryption, encryption == SmtpEncryption.NONE ? null : TestTls.server()), factory);
        listener.start();
    }

    @AfterEach
    void stopListener() {
        listener.stop();
    }

    /** Replaces the listener by one with {@code config}, DATA's rate floor applying after {@code dataRateGrace}. */
    void restart(SmtpEndpointConfig config, Duration dataRateGrace) throws ResourceException {
        listener.stop();
        listener = new SmtpListener(config, factory, SmtpListener.DRAIN_TIMEOUT, dataRateGrace);
        listener.start();
    }

    /** The server closed the connection: the end of the stream, or a reset; never a read that timed out. */
    static void assertClosed(SmtpClient client) {
        try {
            assertThat(client.readToEnd()).isEmpty();
        } catch (IOException e) {
            assertThat(e).as("the connection should be closed, not silent").isNotInstanceOf(
                    SocketTimeoutException.class);
        }
    }

    /**
     * Writes {@code line} (with its CRLF) over and over from another thread, {@code pause} between writes, until
     * {@code limit} octets are written or the connection fails; counts what it wrote.
     */
    static CompletableFuture<Void> keepWriting(SmtpClient client, String line, Duration pause, long limit,
            AtomicLong written) {
        byte[] octets = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
        return CompletableFuture.runAsync(() -> {
            try {
                while (written.get() < limit) {
                    client.socket().getOutputStream().write(octets);
                    written.addAndGet(octets.length);
                    if (!pause.isZero()) {
                        TimeUnit.NANOSECONDS.sleep(pause.toNanos());
                    }
                }
            } catch (IOException e) {
                // the server closed the connection: what the test waits for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** A clear-text connection past the greeting. */
    SmtpClient plain() throws IOException {
        SmtpClient client = SmtpClient.plain(listener.port());
        assertThat(client.reply()).isEqualTo("220 mx.test ESMTP Moat");
        return client;
    }

    @Test
    void acceptsAMessageAndAnswers250OnlyAfterTheCommit() throws IOException {
        SmtpClientInfo info;
        try (SmtpClient client = ready()) {
            assertThat(client.command("EHLO client.test")).startsWith("250-mx.test\n");
            assertThat(client.command("MAIL FROM:<alice@sender.test>")).isEqualTo("250 2.1.0 Ok");
            assertThat(client.command("RCPT TO:<bob@example.com>")).isEqualTo("250 2.1.5 Ok");
            assertThat(client.command("DATA")).startsWith("354 ");
            assertThat(client.command("Subject: hi\r\n\r\n..dot line\r\nbody\r\n."))
                    .isEqualTo("250 2.0.0 Ok: queued as q-1");

            info = factory.envelopes.get(0).client();
            if (client.socket() instanceof SSLSocket tls) {
                assertThat(info.tlsProtocol()).isEqualTo(tls.getSession().getProtocol());
                assertThat(info.tlsCipher()).isEqualTo(tls.getSession().getCipherSuite());
            } else {
                assertThat(info.tlsProtocol()).isNull();
                assertThat(info.tlsCipher()).isNull();
            }
        }
        assertThat(factory.calls).containsExactly("checkRecipient", "release", "before", "deliver", "after",
                "release");
        SmtpEnvelope envelope = factory.envelopes.get(0);
        assertThat(envelope.mailFrom()).isEqualTo("alice@sender.test");
        assertThat(envelope.recipients()).containsExactly("bob@example.com");
        assertThat(info.endpoint()).isEqualTo("test");
        assertThat(info.remoteAddress()).isEqualTo("127.0.0.1");
        assertThat(info.helo()).isEqualTo("client.test");
        assertThat(factory.contents.get(0)).isEqualTo("Subject: hi\r\n\r\n.dot line\r\nbody\r\n");
    }

    @Test
    void smtpUtf8AndBody8BitMimeGivenOnMailAreRecordedOnTheEnvelope() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<j\u00f6s\u00e9@sender.test> SMTPUTF8 BODY=8BITMIME"))
                    .isEqualTo("250 2.1.0 Ok");
            assertThat(client.command("RCPT TO:<\u00e9l\u00e8ve@example.com>")).isEqualTo("250 2.1.5 Ok");
            assertThat(client.command("DATA")).startsWith("354 ");
            assertThat(client.command("Subject: caf\u00e9\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 ");
            assertThat(client.command("MAIL FROM:<alice@sender.test> BODY=7BIT")).isEqualTo("250 2.1.0 Ok");
            client.command("RCPT TO:<bob@example.com>");
            client.command("DATA");
            assertThat(client.command("Subject: plain\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 ");
        }
        assertThat(factory.envelopes).hasSize(2);
        SmtpEnvelope utf8 = factory.envelopes.get(0);
        assertThat(utf8.mailFrom()).isEqualTo("j\u00f6s\u00e9@sender.test");
        assertThat(utf8.recipients()).containsExactly("\u00e9l\u00e8ve@example.com");
        assertThat(utf8.smtpUtf8()).isTrue();
        assertThat(utf8.eightBitMime()).isTrue();
        SmtpEnvelope plain = factory.envelopes.get(1);
        assertThat(plain.smtpUtf8()).isFalse();
        assertThat(plain.eightBitMime()).isFalse();
    }

    @Test
    void aNonAsciiAddressWithoutSmtpUtf8OnMailIsRefused() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<j\u00f6s\u00e9@sender.test>")).startsWith("553 5.6.7 ");
            assertThat(client.command("MAIL FROM:<alice@sender.test>")).isEqualTo("250 2.1.0 Ok");
            assertThat(client.command("RCPT TO:<\u00e9l\u00e8ve@example.com>")).startsWith("553 5.6.7 ");
            assertThat(client.command("RCPT TO:<bob@example.com>")).isEqualTo("250 2.1.5 Ok");
        }
        assertThat(factory.calls).containsExactly("checkRecipient", "release");
    }

    @Test
    void ehloOffersTheExtensionsOfThisEndpoint() throws IOException {
        try (SmtpClient client = ready()) {
            String ehlo = client.command("EHLO client.test");

            assertThat(ehlo.lines()).contains("250-PIPELINING", "250-SIZE 1000", "250-8BITMIME",
                    "250-ENHANCEDSTATUSCODES");
            if (startTlsOfferedWhenReady()) {
                assertThat(ehlo.lines()).anyMatch(line -> line.substring(4).equals("STARTTLS"));
            } else {
                assertThat(ehlo).doesNotContain("STARTTLS");
            }
            assertThat(ehlo.lines()).last().asString().startsWith("250 ");
        }
    }

    @Test
    void starttlsIsAnsweredAsThisModeWants() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            assertThat(client.command("STARTTLS")).startsWith(startTlsReplyWhenReady());
        }
    }

    @Test
    void heloIsEnoughToSendMail() throws IOException {
        try (SmtpClient client = ready()) {
            assertThat(client.command("HELO client.test")).isEqualTo("250 mx.test");
            assertThat(client.command("MAIL FROM:<>")).isEqualTo("250 2.1.0 Ok");
            assertThat(client.command("RCPT TO:<Postmaster>")).isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void aCommandLineOver512OctetsIs500AndTheSessionStaysInStep() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            // 512 octets with CRLF: the most RFC 5321 4.5.3.1.4 allows
            assertThat(client.command("NOOP " + "x".repeat(512 - 2 - 5))).isEqualTo("250 2.0.0 Ok");
            assertThat(client.command("NOOP " + "x".repeat(512 - 2 - 4))).isEqualTo("500 5.5.2 Line too long");
            assertThat(client.command("MAIL FROM:<" + "a".repeat(5000) + "@sender.test>"))
                    .isEqualTo("500 5.5.2 Line too long");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void malformedAddressesAre501WithTheirEnhancedCodes() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<alice@@sender.test>")).isEqualTo(
                    "501 5.1.7 Bad sender address syntax");
            assertThat(client.command("MAIL FROM:<alice@sender.test")).startsWith("501 5.1.7 ");
            assertThat(client.command("MAIL TO:<alice@sender.test>")).startsWith("501 5.5.4 ");
            assertThat(client.command("MAIL FROM:<alice@sender.test>")).isEqualTo("250 2.1.0 Ok");
            assertThat(client.command("RCPT TO:<bob@>")).isEqualTo("501 5.1.3 Bad recipient address syntax");
            assertThat(client.command("RCPT TO:<bob smith@example.com>")).startsWith("501 5.1.3 ");
            assertThat(client.command("RCPT TO:<>")).startsWith("501 5.1.3 ");
            assertThat(client.command("RCPT <bob@example.com>")).startsWith("501 5.5.4 ");
            assertThat(factory.calls).doesNotContain("checkRecipient");
        }
    }

    @Test
    void theRecipientAfterTheLimitIs452() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<alice@sender.test>");
            for (int i = 0; i < Endpoints.MAX_RECIPIENTS; i++) {
                assertThat(client.command("RCPT TO:<u" + i + "@example.com>")).isEqualTo("250 2.1.5 Ok");
            }
            assertThat(client.command("RCPT TO:<u9@example.com>")).isEqualTo("452 4.5.3 Too many recipients");
            client.command("DATA");
            assertThat(client.command("Subject: x\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 ");
        }
        assertThat(factory.envelopes.get(0).recipients()).hasSize(Endpoints.MAX_RECIPIENTS);
    }

    @Test
    void aDeclaredSizeOverTheLimitIs552AtMail() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<alice@sender.test> SIZE=1001")).startsWith("552 5.3.4 ");
            assertThat(client.command("MAIL FROM:<alice@sender.test> SIZE=99999999999999999999999"))
                    .startsWith("552 5.3.4 ");
            assertThat(client.command("MAIL FROM:<alice@sender.test> SIZE=ten")).startsWith("501 5.5.4 ");
            assertThat(client.command("MAIL FROM:<alice@sender.test> RET=HDRS")).startsWith("555 5.5.4 ");
            assertThat(client.command("MAIL FROM:<alice@sender.test> SIZE=1000 BODY=8BITMIME"))
                    .isEqualTo("250 2.1.0 Ok");
        }
    }

    @Test
    void anOversizedMessageIs552AndTheNextMailNeedsNoRset() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<alice@sender.test>");
            client.command("RCPT TO:<bob@example.com>");
            client.command("DATA");
            StringBuilder big = new StringBuilder("Subject: big\r\n\r\n");
            for (int i = 0; i < 100; i++) {
                big.append("QUIT this line must not be read as a command\r\n");
            }
            assertThat(client.command(big + ".")).isEqualTo(
                    "552 5.3.4 Message size exceeds fixed limit of 1000 bytes");
            assertThat(client.command("MAIL FROM:<alice@sender.test>")).isEqualTo("250 2.1.0 Ok");
            assertThat(client.command("RCPT TO:<bob@example.com>")).isEqualTo("250 2.1.5 Ok");
            client.command("DATA");
            assertThat(client.command("Subject: small\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 ");
        }
        assertThat(factory.calls).contains("rollback");
        assertThat(factory.contents).containsExactly("Subject: small\r\n\r\nbody\r\n");
    }

    @Test
    void aFailedCommitIs451NeverA250AndTheNextMailNeedsNoRset() throws IOException {
        factory.failCommit = true;
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<alice@sender.test>");
            client.command("RCPT TO:<bob@example.com>");
            client.command("DATA");
            assertThat(client.command("Subject: x\r\n\r\nbody\r\n.")).isEqualTo(
                    "451 4.3.0 Message not stored, try again later");
            assertThat(client.command("MAIL FROM:<alice@sender.test>")).isEqualTo("250 2.1.0 Ok");
        }
    }

    @Test
    void aRelayRefusalFromTheMdbIsSentAsItsReply() throws IOException {
        factory.recipientReply = new SmtpReply(550, "5.7.1", "Relaying denied");
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<alice@sender.test>");
            assertThat(client.command("RCPT TO:<eve@elsewhere.test>")).isEqualTo("550 5.7.1 Relaying denied");
            assertThat(client.command("DATA")).isEqualTo("503 5.5.1 Need RCPT command");
        }
        assertThat(factory.calls).doesNotContain("deliver");
    }

    @Test
    void anUnknownCommandIs500() throws IOException {
        try (SmtpClient client = ready()) {
            assertThat(client.command("FOO bar")).isEqualTo("500 5.5.2 Command unrecognized");
            assertThat(client.command("")).isEqualTo("500 5.5.2 Command unrecognized");
            assertThat(client.command("ETRN example.com")).isEqualTo("500 5.5.2 Command unrecognized");
        }
    }

    @Test
    void commandsOutOfSequenceAre503() throws IOException {
        try (SmtpClient client = ready()) {
            assertThat(client.command("MAIL FROM:<alice@sender.test>")).isEqualTo(
                    "503 5.5.1 Send HELO or EHLO first");
            client.command("EHLO client.test");
            assertThat(client.command("RCPT TO:<bob@example.com>")).isEqualTo("503 5.5.1 Need MAIL command");
            assertThat(client.command("DATA")).isEqualTo("503 5.5.1 Need MAIL command");
            client.command("MAIL FROM:<alice@sender.test>");
            assertThat(client.command("MAIL FROM:<alice@sender.test>")).isEqualTo(
                    "503 5.5.1 Sender already specified");
            assertThat(client.command("DATA")).isEqualTo("503 5.5.1 Need RCPT command");
        }
    }

    @Test
    void rsetAndEhloEndTheTransaction() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<alice@sender.test>");
            client.command("RCPT TO:<bob@example.com>");
            assertThat(client.command("RSET")).isEqualTo("250 2.0.0 Ok");
            assertThat(client.command("DATA")).isEqualTo("503 5.5.1 Need MAIL command");
            client.command("MAIL FROM:<alice@sender.test>");
            client.command("EHLO client.test");
            assertThat(client.command("RCPT TO:<bob@example.com>")).isEqualTo("503 5.5.1 Need MAIL command");
        }
    }

    @Test
    void aBareLfInDataRefusesTheMessageAndTheSessionGoesOn() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<alice@sender.test>");
            client.command("RCPT TO:<bob@example.com>");
            client.command("DATA");
            assertThat(client.command("Subject: x\r\n\r\nline one\nline two\r\n.")).startsWith("550 5.6.0 ");
            assertThat(client.command("MAIL FROM:<alice@sender.test>")).isEqualTo("250 2.1.0 Ok");
        }
        assertThat(factory.calls).contains("deliver", "rollback");
        assertThat(factory.envelopes).isEmpty();
    }

    @Test
    void aDotLineEndedByABareLfEndsDataAndTheConnection() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<alice@sender.test>");
            client.command("RCPT TO:<bob@example.com>");
            client.command("DATA");
            // SMTP smuggling: a second message hidden behind an end of data that other servers accept
            client.write("Subject: x\r\n\r\nbody\n.\nMAIL FROM:<eve@evil.test>\r\nRCPT TO:<bob@example.com>\r\n"
                    + "DATA\r\nSubject: smuggled\r\n\r\nboo\r\n.\r\n");
            assertThat(client.reply()).startsWith("550 5.6.0 ");
            assertThat(client.readToEnd()).isEmpty();
        }
        assertThat(factory.calls).containsOnlyOnce("deliver").doesNotContain("after");
        assertThat(factory.envelopes).isEmpty();
    }

    @Test
    void aCommandEndedByABareLfIs500AndNoHang() throws IOException {
        try (SmtpClient client = ready()) {
            client.write("NOOP\n");
            assertThat(client.reply()).startsWith("500 5.5.2 ");
            client.write("NO\rOP\r\n");
            assertThat(client.reply()).startsWith("500 5.5.2 ");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void commandsNotOfferedAre502AndABdatChunkIsNotReadAsCommands() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            assertThat(client.command("VRFY bob")).isEqualTo("502 5.5.1 VRFY command is disabled");
            assertThat(client.command("EXPN staff")).isEqualTo("502 5.5.1 EXPN command is disabled");
            assertThat(client.command("AUTH PLAIN AGJvYgBzZWNyZXQ=")).startsWith("502 5.5.1 ");
            client.write("BDAT 6 LAST\r\nQUIT\r\n");
            assertThat(client.reply()).startsWith("502 5.5.1 ");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            client.write("MAIL FROM:<alice@sender.test>\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<bad@>\r\nDATA\r\n");
            assertThat(client.reply()).isEqualTo("250 2.1.0 Ok");
            assertThat(client.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(client.reply()).startsWith("501 5.1.3 ");
            assertThat(client.reply()).startsWith("354 ");
            assertThat(client.command("Subject: x\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 ");
        }
    }

    @Test
    void quitIsAnsweredAndClosesTheConnection() throws IOException {
        try (SmtpClient client = ready()) {
            assertThat(client.command("QUIT")).startsWith("221 2.0.0 ");
            assertThat(client.readToEnd()).isEmpty();
        }
        Endpoints.eventually(() -> listener.status().connections() == 0);
    }

    @Test
    void theSameMailboxTwiceIsAcceptedAndStoredOnce() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<alice@sender.test>");
            assertThat(client.command("RCPT TO:<bob@example.com>")).isEqualTo("250 2.1.5 Ok");
            assertThat(client.command("RCPT TO:<bob@EXAMPLE.com>")).isEqualTo("250 2.1.5 Ok");
            assertThat(client.command("RCPT TO:<Bob@example.com>")).isEqualTo("250 2.1.5 Ok"); // another local part
            assertThat(client.command("RCPT TO:<postmaster>")).isEqualTo("250 2.1.5 Ok");
            assertThat(client.command("RCPT TO:<Postmaster>")).isEqualTo("250 2.1.5 Ok");
            client.command("DATA");
            assertThat(client.command("Subject: x\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 ");
        }
        assertThat(factory.envelopes.get(0).recipients()).containsExactly("bob@example.com", "Bob@example.com",
                "postmaster");
        assertThat(factory.calls.stream().filter("checkRecipient"::equals)).hasSize(3);
    }

    @Test
    void aSessionPastItsDeadlineHears421AndIsClosedHoweverBusyItIs() throws Exception {
        restart(Endpoints.withTimeLimits(listener.config(), 30, 1, 500), SmtpListener.DATA_RATE_GRACE);
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            long started = System.nanoTime();
            String reply = client.command("NOOP");
            while (reply.startsWith("250") && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(4)) {
                Thread.sleep(100);
                reply = client.command("NOOP");
            }

            assertThat(reply).isEqualTo("421 4.7.0 mx.test Session time limit of 1 s exceeded, closing transmission"
                    + " channel");
            assertClosed(client);
        }
        Endpoints.eventually(() -> listener.status().connections() == 0);
    }

    @Test
    void aClientSendingDataBelowTheRateFloorHears421AndNothingIsStored() throws Exception {
        restart(Endpoints.withTimeLimits(listener.config(), 30, 600, 1000), Duration.ofSeconds(1));
        try (SmtpClient fast = ready()) {
            fast.command("EHLO fast.test");
            fast.command("MAIL FROM:<alice@sender.test>");
            fast.command("RCPT TO:<bob@example.com>");
            fast.command("DATA");
            assertThat(fast.command("Subject: fast\r\n\r\n" + "x".repeat(800) + "\r\n.")).startsWith("250 2.0.0 ");
        }
        AtomicLong written = new AtomicLong();
        try (SmtpClient slow = ready()) {
            slow.command("EHLO slow.test");
            slow.command("MAIL FROM:<alice@sender.test>");
            slow.command("RCPT TO:<bob@example.com>");
            assertThat(slow.command("DATA")).startsWith("354 ");
            // 12 octets every 100 ms: a read every 100 ms, far within the idle timeout, but 120 octets a second
            CompletableFuture<Void> dripping = keepWriting(slow, "0123456789", Duration.ofMillis(100), 1_000_000,
                    written);

            assertThat(slow.reply()).isEqualTo("421 4.7.0 mx.test Data rate below 1000 octets per second, closing"
                    + " transmission channel");
            assertClosed(slow);
            dripping.get(5, TimeUnit.SECONDS);
        }
        assertThat(written.get()).isLessThan(1000);
        assertThat(factory.contents).hasSize(1).allSatisfy(text -> assertThat(text).startsWith("Subject: fast"));
    }

    @Test
    void dataGoingOnPastTheDiscardLimitIs552AndTheConnectionClosesUnread() throws Exception {
        long endless = 50L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<alice@sender.test>");
            client.command("RCPT TO:<bob@example.com>");
            assertThat(client.command("DATA")).startsWith("354 ");
            CompletableFuture<Void> sending = keepWriting(client, "y".repeat(1000), Duration.ZERO, endless, written);

            assertThat(client.reply()).isEqualTo("552 5.3.4 Message size exceeds fixed limit of 1000 bytes");
            assertClosed(client);
            sending.get(10, TimeUnit.SECONDS);
        }
        // the server stopped reading after the size and the discard limit; the rest never left the client
        assertThat(written.get()).isLessThan(endless);
        assertThat(factory.calls).contains("rollback");
        assertThat(factory.envelopes).isEmpty();
    }

    @Test
    void aBdatChunkLargerThanTheDiscardLimitIsNotReadAndTheConnectionCloses() throws IOException {
        try (SmtpClient client = ready()) {
            client.command("EHLO client.test");
            client.write("BDAT " + (Endpoints.MAX_DISCARD_SIZE + 1) + " LAST\r\n");

            assertThat(client.reply()).startsWith("552 5.3.4 BDAT is not supported");
            assertClosed(client);
        }
    }

    @Test
    void aClientThatStopsReadingItsRepliesDoesNotHoldItsSession() throws Exception {
        restart(Endpoints.withTimeLimits(listener.config(), 1, 600, 500), SmtpListener.DATA_RATE_GRACE);
        AtomicLong written = new AtomicLong();
        try (SmtpClient client = ready()) {
            Endpoints.eventually(() -> listener.status().connections() == 1);
            // pipelined commands whose replies are never read: the server's writes block once the buffers are full
            CompletableFuture<Void> flooding = keepWriting(client, "NOOP", Duration.ZERO, 100L * 1024 * 1024,
                    written);

            Endpoints.eventually(() -> listener.status().connections() == 0);
            flooding.get(10, TimeUnit.SECONDS);
        }
        assertThat(written.get()).isLessThan(100L * 1024 * 1024);
    }
}
