package io.moat.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
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
        assertThat(Files.list(dataDir.resolve("spool/incoming/node-1"))).isEmpty();
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
        assertThat(Files.list(dataDir.resolve("spool/incoming/node-1"))).isEmpty();
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

    @Test
    void theNextMessageIsWrittenOverARemovedMessagesFile() throws IOException {
        MessageSpool spool = new MessageSpool(dataDir);
        spool.store("old", new byte[0], new ByteArrayInputStream("x".repeat(5000).getBytes(StandardCharsets.US_ASCII)));
        Object inode = inode(spool.message("old"));
        spool.delete("old");
        assertThat(Files.exists(spool.message("old"))).isFalse();
        assertThat(files("free")).hasSize(1);

        MessageSpool.Stored stored = spool.store("new", "H: 1\r\n".getBytes(StandardCharsets.US_ASCII),
                new ByteArrayInputStream("shorter\r\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(inode(spool.message("new"))).isEqualTo(inode);
        assertThat(Files.readString(spool.message("new"))).isEqualTo("H: 1\r\nshorter\r\n");
        assertThat(stored.size()).isEqualTo(Files.size(spool.message("new")));
        assertThat(files("free")).isEmpty();
        assertThat(files("incoming")).isEmpty();
    }

    @Test
    void aLongerMessageOverAShorterFreeFile() throws IOException {
        MessageSpool spool = new MessageSpool(dataDir);
        Object inode = storedAndRemoved(spool, "old", 5);
        String longer = "y".repeat(200_000);
        spool.store("new", new byte[0], new ByteArrayInputStream(longer.getBytes(StandardCharsets.US_ASCII)));
        assertThat(inode(spool.message("new"))).isEqualTo(inode);
        assertThat(Files.readString(spool.message("new"))).isEqualTo(longer);
    }

    @Test
    void thePoolKeepsNoMoreFilesThanItsLimit() throws IOException {
        MessageSpool spool = new MessageSpool(dataDir, "node-1", 1, 1_000_000);
        spool.store("a", new byte[0], new ByteArrayInputStream(new byte[100]));
        spool.store("b", new byte[0], new ByteArrayInputStream(new byte[100]));
        Object a = inode(spool.message("a"));
        spool.delete("a");
        spool.delete("b");
        assertThat(Files.exists(spool.message("b"))).isFalse();
        assertThat(files("free")).hasSize(1).allSatisfy(f -> assertThat(inode(f)).isEqualTo(a));
    }

    @Test
    void thePoolKeepsNoMoreBytesThanItsLimit() throws IOException {
        MessageSpool spool = new MessageSpool(dataDir, "node-1", 10, 150);
        spool.store("a", new byte[0], new ByteArrayInputStream(new byte[100]));
        spool.store("b", new byte[0], new ByteArrayInputStream(new byte[100]));
        spool.delete("a");
        spool.delete("b");
        assertThat(files("free")).hasSize(1);
        spool.store("c", new byte[0], new ByteArrayInputStream(new byte[10]));
        spool.delete("c"); // the pool is empty again after c took a's file, so c's file fits
        assertThat(files("free")).hasSize(1);
        assertThat(files("messages")).isEmpty();
    }

    @Test
    void aFailedStoreOverAFreeFileLeavesNothingBehind() throws IOException {
        MessageSpool spool = new MessageSpool(dataDir);
        storedAndRemoved(spool, "old", 100);
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("client went away");
            }
        };
        assertThatThrownBy(() -> spool.store("m", new byte[0], failing)).hasMessageContaining("client went away");
        assertThat(files("free")).isEmpty();
        assertThat(files("messages")).isEmpty();

        spool.store("m", new byte[0], new ByteArrayInputStream(new byte[]{7}));
        assertThat(Files.readAllBytes(spool.message("m"))).containsExactly(7);
    }

    @Test
    void aFreeFileRemovedByHandIsPassedOver() throws IOException {
        MessageSpool spool = new MessageSpool(dataDir);
        storedAndRemoved(spool, "old", 100);
        for (Path f : files("free")) {
            Files.delete(f);
        }
        spool.store("m", new byte[0], new ByteArrayInputStream(new byte[]{7}));
        assertThat(Files.readAllBytes(spool.message("m"))).containsExactly(7);
    }

    @Test
    void atStartupTheLastRunsFreeFilesAreTakenIntoThePoolAndHalfWrittenOnesRemoved() throws IOException {
        MessageSpool before = new MessageSpool(dataDir);
        Object inode = storedAndRemoved(before, "old", 100);
        Files.writeString(dataDir.resolve("spool/incoming/node-1/cut.tmp"), "half");

        MessageSpool after = new MessageSpool(dataDir);
        assertThat(after.discardIncomplete()).isEqualTo(1);
        assertThat(files("incoming")).isEmpty();
        after.store("m", new byte[0], new ByteArrayInputStream(new byte[]{7}));
        assertThat(inode(after.message("m"))).isEqualTo(inode);
        assertThat(Files.readAllBytes(after.message("m"))).containsExactly(7);
    }

    @Test
    void freeFilesAreTakenOnceEvenIfStartupRunsTwice() throws IOException {
        Object inode = storedAndRemoved(new MessageSpool(dataDir), "old", 100);
        MessageSpool after = new MessageSpool(dataDir, "node-1", 1, 1_000_000);
        after.discardIncomplete();
        after.discardIncomplete(); // taking the file again would count it twice: a full pool, and the file deleted

        assertThat(files("free")).hasSize(1);
        after.store("m", new byte[0], new ByteArrayInputStream(new byte[]{1}));
        assertThat(inode(after.message("m"))).isEqualTo(inode);
    }

    @Test
    void atStartupFreeFilesBeyondThePoolsLimitAreRemoved() throws IOException {
        MessageSpool before = new MessageSpool(dataDir);
        before.store("a", new byte[0], new ByteArrayInputStream(new byte[100])); // both stored before either is removed,
        before.store("b", new byte[0], new ByteArrayInputStream(new byte[100])); // so that they are two files
        before.delete("a");
        before.delete("b");
        assertThat(files("free")).hasSize(2);

        new MessageSpool(dataDir, "node-1", 1, 1_000_000).discardIncomplete();
        assertThat(files("free")).hasSize(1);
    }

    @Test
    void twoNodesSharingTheSpoolTakeNeitherEachOthersFreeNorHalfWrittenFiles() throws IOException {
        MessageSpool a = new MessageSpool(dataDir, "node-a");
        MessageSpool b = new MessageSpool(dataDir, "node-b");
        Object aFree = storedAndRemoved(a, "old-a", 100);
        Path bWriting = Files.writeString(dataDir.resolve("spool/incoming/node-b/m.tmp"), "being written");

        MessageSpool aAgain = new MessageSpool(dataDir, "node-a"); // node A starts again while B works
        assertThat(aAgain.discardIncomplete()).isZero();
        assertThat(bWriting).exists();
        b.store("new-b", new byte[0], new ByteArrayInputStream(new byte[]{2}));
        assertThat(inode(b.message("new-b"))).isNotEqualTo(aFree); // B took no file of A's pool
        aAgain.store("new-a", new byte[0], new ByteArrayInputStream(new byte[]{1}));
        assertThat(inode(aAgain.message("new-a"))).isEqualTo(aFree);
        assertThat(b.storedNames()).containsExactlyInAnyOrder("new-a", "new-b"); // the messages are shared

        MessageSpool bAgain = new MessageSpool(dataDir, "node-b");
        assertThat(bAgain.discardIncomplete()).isEqualTo(1);
        assertThat(bWriting).doesNotExist();
    }

    @Test
    void filesThatAnEarlierBuildLeftInTheSharedFoldersAreRemovedAtStartup() throws IOException {
        Files.createDirectories(dataDir.resolve("spool/free"));
        Files.createDirectories(dataDir.resolve("spool/incoming"));
        Path oldFree = Files.writeString(dataDir.resolve("spool/free/3f2a-1"), "an old message");
        Path oldHalf = Files.writeString(dataDir.resolve("spool/incoming/m.1.tmp"), "half");

        MessageSpool spool = new MessageSpool(dataDir, "node-1");
        assertThat(spool.discardIncomplete()).isEqualTo(1);

        assertThat(oldFree).doesNotExist();
        assertThat(oldHalf).doesNotExist();
        assertThat(dataDir.resolve("spool/free/node-1")).isDirectory();
    }

    @Test
    void theSpoolsIdentityIsMadeOnceAndReadAlikeByEveryNode() throws Exception {
        ExecutorService nodes = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                MessageSpool spool = new MessageSpool(dataDir, "node-" + i);
                ids.add(nodes.submit(spool::identity));
            }
            String first = ids.get(0).get();
            assertThat(first).matches("[0-9a-f-]{36}");
            for (Future<String> id : ids) {
                assertThat(id.get()).isEqualTo(first);
            }
        } finally {
            nodes.shutdownNow();
        }
        assertThat(new MessageSpool(dataDir).identity())
                .isEqualTo(Files.readString(dataDir.resolve("spool/.spool-id")));
        try (Stream<Path> left = Files.list(dataDir.resolve("spool"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void aNodeIdThatIsNotOneFolderIsRefused() {
        for (String bad : new String[]{"", "a/b", "..", ".hidden"}) {
            assertThatThrownBy(() -> new MessageSpool(dataDir, bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** Stores a message of {@code size} bytes and removes it again; returns its file's inode. */
    private static Object storedAndRemoved(MessageSpool spool, String name, int size) throws IOException {
        spool.store(name, new byte[0], new ByteArrayInputStream(new byte[size]));
        Object inode = inode(spool.message(name));
        spool.delete(name);
        return inode;
    }

    /** The files of a spool folder; node-1's own for {@code incoming} and {@code free}. */
    private List<Path> files(String folder) throws IOException {
        Path path = dataDir.resolve("spool").resolve(folder);
        if (folder.equals("incoming") || folder.equals("free")) {
            path = path.resolve("node-1");
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.toList();
        }
    }

    private static Object inode(Path file) {
        try {
            return Files.getAttribute(file, "unix:ino");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
