package io.moat.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.testkit.SmtpClient;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmtpSinkTest {

    private static final String BODY = "From: a@example.org\r\nSubject: t\u00e4st\r\n\r\n..leading dot\r\n"
            + "line two\r\n.x\r\n";
    private static final String DELIVERED = "From: a@example.org\r\nSubject: t\u00e4st\r\n\r\n.leading dot\r\n"
            + "line two\r\nx\r\n";

    @TempDir
    Path dir;
    private SmtpSink sink;

    @AfterEach
    void stop() {
        if (sink != null) {
            sink.stop();
        }
    }

    @Test
    void keepsEnvelopeAndExactDotUnstuffedData() throws IOException {
        List<ReceivedMail> seen = new CopyOnWriteArrayList<>();
        sink = SmtpSink.builder().onMessage(seen::add).build().start();
        assertThat(sink.port()).isPositive();
        Instant before = Instant.now();
        try (SmtpClient smtp = new SmtpClient(sink.port())) {
            assertThat(smtp.greeting()).startsWith("220 ");
            SmtpClient.expect(smtp.command("EHLO test"), "250");
            assertThat(smtp.mail("a@example.org", BODY, "b@example.net", "c@example.com")).startsWith("250");
            assertThat(smtp.mail("", "Subject: bounce\r\n\r\nx\r\n", "a@example.org")).startsWith("250");
        }
        List<ReceivedMail> messages = sink.messages();
        assertThat(messages).hasSize(2);
        ReceivedMail first = messages.get(0);
        assertThat(first.from()).isEqualTo("a@example.org");
        assertThat(first.recipients()).containsExactly("b@example.net", "c@example.com");
        assertThat(first.data()).isEqualTo(DELIVERED.getBytes(StandardCharsets.UTF_8));
        assertThat(first.text()).doesNotContain("Received:");
        assertThat(first.at()).isBetween(before, Instant.now());
        assertThat(messages.get(1).from()).isEmpty();
        assertThat(seen).isEqualTo(messages);
    }

    @Test
    void writesEachMessageToTheDirectory() throws IOException {
        Path out = dir.resolve("sink");
        sink = SmtpSink.builder().directory(out).build().start();
        assertThat(out).isDirectory();
        try (SmtpClient smtp = new SmtpClient(sink.port())) {
            SmtpClient.expect(smtp.command("HELO test"), "250");
            SmtpClient.expect(smtp.mail("a@example.org", BODY, "b@example.net"), "250");
            SmtpClient.expect(smtp.mail("a@example.org", "Subject: 2\r\n\r\nsecond\r\n", "b@example.net"), "250");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(out)) {
            files = list.sorted().toList();
        }
        assertThat(files).hasSize(2);
        assertThat(files.get(0).getFileName().toString()).matches("1-\\d{8}T\\d{6}\\.\\d{3}Z\\.eml");
        assertThat(files.get(1).getFileName().toString()).startsWith("2-");
        assertThat(Files.readAllBytes(files.get(0))).isEqualTo(DELIVERED.getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(files.get(1))).isEqualTo("Subject: 2\r\n\r\nsecond\r\n");
    }

    @Test
    void refusedRecipientIsRefusedAtRcptUntilAcceptedAgain() throws IOException {
        sink = SmtpSink.builder().build().start();
        sink.refuseRecipient("Nobody@example.net", 550, "5.1.1 user unknown");
        try (SmtpClient smtp = new SmtpClient(sink.port())) {
            SmtpClient.expect(smtp.command("EHLO test"), "250");
            SmtpClient.expect(smtp.command("MAIL FROM:<a@example.org>"), "250");
            assertThat(smtp.command("RCPT TO:<nobody@example.net>")).isEqualTo("550 5.1.1 user unknown");
            SmtpClient.expect(smtp.command("RCPT TO:<b@example.net>"), "250");
            SmtpClient.expect(smtp.command("RSET"), "250");
            sink.acceptRecipient("nobody@example.net");
            SmtpClient.expect(smtp.mail("a@example.org", BODY, "nobody@example.net"), "250");
        }
        assertThat(sink.messages()).singleElement().satisfies(m -> assertThat(m.recipients())
                .containsExactly("nobody@example.net"));
        assertThatThrownBy(() -> sink.refuseRecipient("x@example.net", 250, "ok"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectNextRefusesDataWithTheGivenCode() throws IOException {
        sink = SmtpSink.builder().directory(dir).build().start();
        sink.rejectNext(2, 451, "4.3.2 Try again later");
        try (SmtpClient smtp = new SmtpClient(sink.port())) {
            SmtpClient.expect(smtp.command("EHLO test"), "250");
            assertThat(smtp.mail("a@example.org", BODY, "b@example.net")).isEqualTo("451 4.3.2 Try again later");
            SmtpClient.expect(smtp.command("RSET"), "250");
            assertThat(smtp.mail("a@example.org", BODY, "b@example.net")).startsWith("451 ");
            SmtpClient.expect(smtp.command("RSET"), "250");
            assertThat(smtp.mail("a@example.org", BODY, "b@example.net")).startsWith("250");
        }
        assertThat(sink.messages()).hasSize(1);
        try (Stream<Path> list = Files.list(dir)) {
            assertThat(list.count()).isEqualTo(1);
        }
        sink.rejectNext(1, 554, "5.7.1 No thanks");
        try (SmtpClient smtp = new SmtpClient(sink.port())) {
            SmtpClient.expect(smtp.command("EHLO test"), "250");
            assertThat(smtp.mail("a@example.org", BODY, "b@example.net")).isEqualTo("554 5.7.1 No thanks");
        }
        assertThat(sink.messages()).hasSize(1);
        assertThatThrownBy(() -> sink.rejectNext(1, 250, "ok")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void snapshotsAreImmutableAndClearForgets() throws IOException {
        sink = SmtpSink.builder().build().start();
        try (SmtpClient smtp = new SmtpClient(sink.port())) {
            SmtpClient.expect(smtp.command("EHLO test"), "250");
            SmtpClient.expect(smtp.mail("a@example.org", BODY, "b@example.net"), "250");
        }
        List<ReceivedMail> messages = sink.messages();
        assertThatThrownBy(() -> messages.add(messages.get(0))).isInstanceOf(UnsupportedOperationException.class);
        messages.get(0).data()[0] = 'X';
        assertThat(sink.messages().get(0).data()[0]).isEqualTo((byte) 'F');
        assertThat(messages.get(0).toString()).contains("size=").doesNotContain("leading dot");
        sink.clear();
        assertThat(sink.messages()).isEmpty();
        assertThat(messages).hasSize(1);
    }

    @Test
    void restartsOnTheSamePort() throws IOException {
        sink = SmtpSink.builder().build().start();
        int port = sink.port();
        try (SmtpClient smtp = new SmtpClient(port)) {
            SmtpClient.expect(smtp.command("EHLO test"), "250");
            SmtpClient.expect(smtp.mail("a@example.org", BODY, "b@example.net"), "250");
        }
        sink.stop();
        assertThat(sink.isRunning()).isFalse();
        assertThatThrownBy(() -> new SmtpClient(port)).isInstanceOf(ConnectException.class);
        sink.start();
        assertThat(sink.port()).isEqualTo(port);
        try (SmtpClient smtp = new SmtpClient(port)) {
            SmtpClient.expect(smtp.command("EHLO test"), "250");
            SmtpClient.expect(smtp.mail("d@example.org", BODY, "b@example.net"), "250");
        }
        assertThat(sink.messages()).extracting(ReceivedMail::from).containsExactly("a@example.org", "d@example.org");
    }

    @Test
    void acceptsMailAfterStartTls() throws Exception {
        CoreEmulatorHttpsTest.keytoolCertificate(dir, "RSA");
        sink = SmtpSink.builder().startTls(dir.resolve("key.pem"), dir.resolve("cert.pem")).build().start();
        assertThat(sink.startTls()).isTrue();
        try (SmtpClient smtp = new SmtpClient(sink.port())) {
            SmtpClient.expect(smtp.command("EHLO test"), "250");
            smtp.startTls(CoreEmulatorHttpsTest.trustContext(dir.resolve("cert.pem")));
            SmtpClient.expect(smtp.command("EHLO test"), "250");
            SmtpClient.expect(smtp.mail("a@example.org", BODY, "b@example.net"), "250");
        }
        assertThat(sink.messages()).singleElement()
                .satisfies(m -> assertThat(m.data()).isEqualTo(DELIVERED.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void offersNoStartTlsByDefault() throws IOException {
        sink = SmtpSink.builder().build().start();
        assertThat(sink.startTls()).isFalse();
        try (SmtpClient smtp = new SmtpClient(sink.port())) {
            SmtpClient.expect(smtp.command("EHLO test"), "250");
            assertThat(smtp.command("STARTTLS")).matches("[45]\\d\\d .*");
        }
    }
}
