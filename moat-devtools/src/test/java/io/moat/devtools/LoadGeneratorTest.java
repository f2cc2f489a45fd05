package io.moat.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadGeneratorTest {

    private static final String FILE = "From: a@example.org\nSubject: load\n\n.dot line\r\nlast line";
    private static final String DELIVERED = "From: a@example.org\r\nSubject: load\r\n\r\n.dot line\r\nlast line\r\n";

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
    void sendsEachMessageOnItsOwnConnection() throws Exception {
        sink = SmtpSink.builder().build().start();
        assertSent(run(false));
    }

    @Test
    void sendsOverStartTls() throws Exception {
        CoreEmulatorHttpsTest.keytoolCertificate(dir, "RSA");
        sink = SmtpSink.builder().startTls(dir.resolve("key.pem"), dir.resolve("cert.pem")).build().start();
        assertSent(run(true));
    }

    @Test
    void countsFailuresWhenStartTlsIsNotOffered() throws Exception {
        sink = SmtpSink.builder().build().start();
        LoadGenerator.Result result = run(true);
        assertThat(result.sent()).isZero();
        assertThat(result.failed()).isEqualTo(20);
        assertThat(sink.messages()).isEmpty();
    }

    @Test
    void refusesBadArguments() {
        assertThatThrownBy(() -> LoadGenerator.run(new String[]{"--sessions", "3"}, System.err))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--server");
        assertThatThrownBy(() -> LoadGenerator.run(new String[]{"--bogus"}, System.err))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void makesCrlfDotStuffedLines() {
        assertThat(new String(LoadGenerator.dataLines(".a\n..b\r\nc.\r\n".getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.US_ASCII)).isEqualTo("..a\r\n...b\r\nc.\r\n");
        assertThat(LoadGenerator.dataLines(new byte[0])).isEmpty();
    }

    private LoadGenerator.Result run(boolean startTls) throws Exception {
        Path file = Files.writeString(dir.resolve("message.eml"), FILE);
        List<String> args = new ArrayList<>(List.of("--server", "127.0.0.1:" + sink.port(), "--sessions", "3",
                "--messages", "20", "--file", file.toString(), "--from", "a@example.org", "--to", "b@example.net"));
        if (startTls) {
            args.add("--starttls");
        }
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        LoadGenerator.Result result = LoadGenerator.run(args.toArray(String[]::new),
                new PrintStream(errors, true, StandardCharsets.UTF_8));
        assertThat(result.toString()).matches("sent=\\d+ failed=\\d+ seconds=\\d+\\.\\d{3}");
        return result;
    }

    private void assertSent(LoadGenerator.Result result) {
        assertThat(result.sent()).isEqualTo(20);
        assertThat(result.failed()).isZero();
        assertThat(sink.messages()).hasSize(20).allSatisfy(m -> {
            assertThat(m.from()).isEqualTo("a@example.org");
            assertThat(m.recipients()).containsExactly("b@example.net");
            assertThat(m.text()).isEqualTo(DELIVERED);
        });
    }
}
