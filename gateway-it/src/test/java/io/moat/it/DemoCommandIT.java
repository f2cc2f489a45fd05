package io.moat.it;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo, with the real swaks client (Debian package swaks; .ci/run installs it). */
class DemoCommandIT {

    @TempDir
    Path dir;

    @BeforeEach
    void doubles() {
        TestBed.up();
    }

    @Test
    void swaksWithEicarAttachmentIsBlocked() throws Exception {
        Path eicar = Files.write(dir.resolve("eicar.txt"), Mails.EICAR);
        String id = Swaks.send("--to", "user@example.com", "--attach", eicar.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> Api.state(id).equals("BLOCKED"));
    }

    @Test
    void swaksWithCleanAttachmentIsDelivered() throws Exception {
        Path report = Files.writeString(dir.resolve("report.txt"), "quarterly figures", StandardCharsets.UTF_8);
        String id = Swaks.send("--to", "user@example.com", "--attach", report.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> Api.state(id).equals("DELIVERED"));
    }
}
