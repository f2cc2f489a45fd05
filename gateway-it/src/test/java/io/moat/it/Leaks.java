package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Searches what the shared IT gateway keeps on disk for what it must never keep (a password, say). */
final class Leaks {

    private Leaks() {
    }

    /**
     * Neither the data directory (database, spool) nor the server's log holds {@code secret}. H2 writes commits from
     * its own threads within 500 ms (ADR 16): the search waits a second first, so that what was committed is there.
     */
    static void assertNowhereOnDisk(String secret) throws IOException, InterruptedException {
        Thread.sleep(1000);
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
