package io.moat.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageSpoolTest {

    @TempDir
    Path dataDir;

    @Test
    void storesHeaderThenContentUnderTheGivenName() throws IOException {
        MessageSpool spool = new MessageSpool(dataDir);
        byte[] header = "Received: from x\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] body = "Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

        MessageSpool.Stored stored = spool.store("m1", header, new ByteArrayInputStream(body));

        assertThat(stored.size()).isEqualTo(header.length + body.length);
        assertThat(Files.readString(spool.message("m1"))).isEqualTo("Received: from x\r\nSubject: s\r\n\r\nbody\r\n");
        assertThat(Files.list(dataDir.resolve("spool/incoming"))).isEmpty();
    }

    @Test
    void streamsLargeContentWithoutHoldingIt() throws IOException {
        MessageSpool spool = new MessageSpool(dataDir);
        long size = 64L * 1024 * 1024; // larger than a test JVM would hold comfortably as one array twice
        MessageSpool.Stored stored = spool.store("big", new byte[0], new GeneratedStream(size));
        assertThat(stored.size()).isEqualTo(size);
        assertThat(Files.size(spool.message("big"))).isEqualTo(size);
    }

    @Test
    void aFailedStoreLeavesNothingBehind() throws IOException {
        MessageSpool spool = new MessageSpool(dataDir);
        InputStream failing = new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                if (n++ > 10) {
                    throw new IOException("client went away");
                }
                return 'x';
            }
        };
        assertThatThrownBy(() -> spool.store("m2", new byte[0], failing)).hasMessageContaining("client went away");
        assertThat(Files.exists(spool.message("m2"))).isFalse();
        assertThat(Files.list(dataDir.resolve("spool/incoming"))).isEmpty();
    }

    @Test
    void deleteRemovesMessageAndParts() throws IOException {
        MessageSpool spool = new MessageSpool(dataDir);
        spool.store("m3", new byte[0], new ByteArrayInputStream(new byte[]{1}));
        Files.writeString(Files.createDirectories(spool.partsOf("m3")).resolve("0"), "part");
        spool.delete("m3");
        assertThat(Files.exists(spool.message("m3"))).isFalse();
        assertThat(Files.exists(dataDir.resolve("spool/parts/m3"))).isFalse();
    }

    /** Produces {@code size} bytes without allocating them. */
    private static final class GeneratedStream extends InputStream {
        private long left;

        GeneratedStream(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? 'a' : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 'a');
            left -= n;
            return n;
        }
    }
}
