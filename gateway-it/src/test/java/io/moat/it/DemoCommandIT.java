package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo, with the real swaks client (Debian package swaks; .ci/run installs it). */
class DemoCommandIT {

    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as ([0-9a-f-]{36})");

    @TempDir
    Path dir;

    @BeforeEach
    void doubles() {
        TestBed.up();
    }

    @Test
    void swaksWithEicarAttachmentIsBlocked() throws Exception {
        Path eicar = Files.write(dir.resolve("eicar.txt"), Mails.EICAR);
        String id = swaks("--to", "user@example.com", "--attach", eicar.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> Api.state(id).equals("BLOCKED"));
    }

    @Test
    void swaksWithCleanAttachmentIsDelivered() throws Exception {
        Path report = Files.writeString(dir.resolve("report.txt"), "quarterly figures", StandardCharsets.UTF_8);
        String id = swaks("--to", "user@example.com", "--attach", report.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> Api.state(id).equals("DELIVERED"));
    }

    private String swaks(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("swaks", "--server",
                "127.0.0.1:" + TestBed.SMTP_PORT, "--from", "alice@sender.test"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        Matcher queued = QUEUED.matcher(output);
        assertThat(queued.find()).as(output).isTrue();
        return queued.group(1);
    }
}
