package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/** Messages put into the shared IT gateway's quarantine, for the tests of its REST API and of its console pages. */
final class Quarantined {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    private Quarantined() {
    }

    /** An infected message of its own (EICAR attached): the default rule blocks it. */
    static Mails infected() {
        return new Mails().attach("eicar.com", "application/octet-stream", Mails.EICAR);
    }

    /** Sends the mail and waits until the pipeline has put it in {@code state}; returns its id. */
    static String held(Mails mail, String from, String to, String state) throws Exception {
        String id = Api.queueId(GatewaySmtp.send(from, to, mail.build(from, to)));
        await().atMost(PATIENCE).until(() -> Api.state(id).equals(state));
        return id;
    }

    /** Neither the data directory (database, spool) nor the server's log holds {@code secret}. */
    static void assertNowhereOnDisk(String secret) throws IOException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        Path data = Path.of(System.getProperty("it.data", "target/it-data"));
        try (Stream<Path> files = Stream.concat(Files.walk(data), Stream.of(TestBed.serverLog()))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(indexOf(Files.readAllBytes(file), needle)).as(file.toString()).isEqualTo(-1);
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer : for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
