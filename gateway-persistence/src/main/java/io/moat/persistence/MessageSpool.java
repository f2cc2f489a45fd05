package io.moat.persistence;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The raw bytes of messages on disk, one file per message under {@code <data dir>/spool/messages}, and the decoded
 * attachments of each message in a folder beside it. Content is streamed through a 64 KiB buffer and never held
 * whole in memory; a stored file is fsynced and then moved into place, so a file under its final name is always
 * complete.
 *
 * <p>The files of removed messages are not unlinked but moved to {@code spool/free} (up to {@value #POOL_FILES} files
 * and {@value #POOL_BYTES} bytes), and the next message is written over one of them: creating a file costs the file
 * system an inode allocation, which on ext4 scans past the inodes freed moments before (a sixth of the gateway's CPU
 * with hundreds of messages a second, ADR 0032). A free file holds an old message's bytes until it is written over,
 * as an unlinked file's blocks do until they are reused.
 *
 * <p>Several nodes may share the spool (a shared data directory, ADR 44): what one node writes before it is a message
 * ({@code incoming/<node>}) and its pool ({@code free/<node>}) are its own, so that a node starting again clears and
 * takes back only its own; {@code messages}, {@code parts}, {@code marked} and {@code orphaned} are named by message
 * id and shared.
 */
public final class MessageSpool {

    private static final int BUFFER = 64 * 1024;
    static final int POOL_FILES = 16_384;
    static final long POOL_BYTES = 256L * 1024 * 1024;

    private final Path messages;
    private final Path parts;
    private final Path incoming;
    private final Path free;
    private final Path orphaned;
    private final Path marked;
    private final int poolFiles;
    private final long poolBytes;
    /** Free files, the most recently freed first (their blocks are most likely still cached). */
    private final Deque<Free> pool = new ConcurrentLinkedDeque<>();
    private final AtomicInteger pooledFiles = new AtomicInteger();
    private final AtomicLong pooledBytes = new AtomicLong();
    /** Names of free files: a random prefix of this instance (no name of an earlier run can meet them), a counter. */
    private final String freePrefix = UUID.randomUUID() + "-";
    private final AtomicLong freeNames = new AtomicLong();
    /** The free files found at startup are taken once: twice, two stores could write over the same file. */
    private final AtomicBoolean adopted = new AtomicBoolean();

    /** A spool that a single node uses ({@code node-1}), for tests and tools. */
    public MessageSpool(Path dataDirectory) {
        this(dataDirectory, "node-1");
    }

    /** The spool under {@code dataDirectory} as the node {@code node} uses it. */
    public MessageSpool(Path dataDirectory, String node) {
        this(dataDirectory, node, POOL_FILES, POOL_BYTES);
    }

    /** With the free pool limited to {@code poolFiles} files of {@code poolBytes} bytes in all (0: no pool). */
    MessageSpool(Path dataDirectory, String node, int poolFiles, long poolBytes) {
        if (node.isEmpty() || node.contains("/") || node.contains("\\") || node.startsWith(".")) {
            throw new IllegalArgumentException("not a node id: " + node);
        }
        Path root = dataDirectory.resolve("spool");
        this.messages = root.resolve("messages");
        this.parts = root.resolve("parts");
        this.incoming = root.resolve("incoming").resolve(node);
        this.free = root.resolve("free").resolve(node);
        this.orphaned = root.resolve("orphaned");
        this.marked = root.resolve("marked");
        this.poolFiles = poolFiles;
        this.poolBytes = poolBytes;
        try {
            Files.createDirectories(messages);
            Files.createDirectories(parts);
            Files.createDirectories(incoming);
            Files.createDirectories(free);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the spool under " + root
                    + "; check that moat.data-dir is writable by the server", e);
        }
    }

    /**
     * The spool's identity: a random id in {@code spool/.spool-id}, made by the first node that looks (atomically, as
     * a hard link, so that two nodes starting at once read the same). The database records it, and a node whose data
     * directory holds another spool (a shared directory not mounted) is refused before it judges the records by it.
     */
    public String identity() throws IOException {
        Path marker = messages.getParent().resolve(".spool-id");
        if (!Files.exists(marker)) {
            Path written = Files.createTempFile(messages.getParent(), ".spool-id", ".tmp");
            try {
                Files.writeString(written, UUID.randomUUID().toString());
                try (FileChannel file = FileChannel.open(written, StandardOpenOption.WRITE)) {
                    file.force(true);
                }
                Files.createLink(marker, written);
            } catch (FileAlreadyExistsException e) {
                // another node made it first: theirs is the spool's
            } finally {
                Files.deleteIfExists(written);
            }
        }
        return Files.readString(marker).strip();
    }

    /** What a store wrote: the name to find it again and its size in bytes. */
    public record Stored(String name, long size) {
    }

    /** A file in {@code spool/free}, with its size when it was freed. */
    private record Free(Path file, long size) {
    }

    /**
     * Writes {@code header} followed by everything from {@code content} to the spool, durably.
     *
     * @param name the file name to use (the message id)
     */
    public Stored store(String name, byte[] header, InputStream content) throws IOException {
        Target t = open(name);
        long size;
        try (FileChannel file = t.channel();
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(file), BUFFER)) {
            out.write(header);
            size = header.length + content.transferTo(out);
            out.flush();
            if (t.oldSize() > size) {
                file.truncate(size); // the rest of the old message
            }
            file.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(t.file());
            throw e;
        }
        Path target = messages.resolve(name);
        try {
            Files.move(t.file(), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(t.file(), target, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Stored(name, size);
    }

    /** Where a store writes before it moves the file into place, and the size of what was there before. */
    private record Target(Path file, FileChannel channel, long oldSize) {
    }

    /** A free file from the pool to write over, or a new file in {@code spool/incoming} if there is none. */
    private Target open(String name) throws IOException {
        for (Free f = takeFree(); f != null; f = takeFree()) {
            try {
                return new Target(f.file(), FileChannel.open(f.file(), StandardOpenOption.WRITE), f.size());
            } catch (NoSuchFileException e) {
                // removed by hand: the next one
            }
        }
        Path file = incoming.resolve(name + "." + UUID.randomUUID() + ".tmp");
        return new Target(file, FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW), 0);
    }

    /**
     * Makes the names of stored files durable: fsyncs the directory they were moved into. The data of each file is
     * forced before its move (in {@link #store}), but on a power cut the move itself, an entry in the directory, can
     * be lost unless the directory is synced too (fsync(2)); one sync covers every move made before it, so callers
     * that answer a client ({@code 250}) share one, with the database's write (the delivery module's group commit).
     */
    public void syncDirectory() throws IOException {
        try (FileChannel directory = FileChannel.open(messages, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** Whether any message file is stored (without listing them all). */
    public boolean holdsMessages() throws IOException {
        try (Stream<Path> files = Files.list(messages)) {
            return files.findAny().isPresent();
        }
    }

    /** The names of the message files stored now (for the reconciliation with the records at start-up). */
    public List<String> storedNames() throws IOException {
        try (Stream<Path> files = Files.list(messages)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** The names of the parts folders there are now. */
    public List<String> partsFolders() throws IOException {
        try (Stream<Path> folders = Files.list(parts)) {
            return folders.map(p -> p.getFileName().toString()).toList();
        }
    }

    /**
     * Moves a message file that has no record to {@code spool/orphaned}, where an admin can look at it; nothing is
     * ever acknowledged without a record, but a file is not thrown away on that reasoning alone.
     *
     * @return where it is now
     */
    public Path orphan(String name) throws IOException {
        Files.createDirectories(orphaned);
        Path target = orphaned.resolve(name);
        Files.move(messages.resolve(name), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** The stored message file. */
    public Path message(String name) {
        return messages.resolve(name);
    }

    /**
     * The folder for a message's decoded attachments. It is not created here: whoever writes the first part
     * creates it, so a message whose parts are only ever held in memory costs no folder.
     */
    public Path partsOf(String name) {
        return parts.resolve(name);
    }

    /** Removes a message's decoded attachments (they are only needed while scanning). */
    public void deleteParts(String name) throws IOException {
        Path folder = parts.resolve(name);
        if (Files.exists(folder)) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * The copy of a message that its security rule changed for delivery (header fields, subject tag, disclaimer,
     * blocked content removed); the stored message itself stays as it came.
     */
    public Path marked(String name) {
        return marked.resolve(name);
    }

    /** Writes the bytes of a marked copy; see {@link #storeMarked}. */
    @FunctionalInterface
    public interface CopyWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes the marked copy of message {@code name} durably (fsynced, then moved into place), so that a delivery in
     * a later claim finds it after a crash.
     *
     * @return its size in bytes
     */
    public long storeMarked(String name, CopyWriter writer) throws IOException {
        Files.createDirectories(marked);
        Path temporary = incoming.resolve(name + ".marked");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024)) {
                writer.write(out);
                out.flush();
                channel.force(true);
            }
            Files.move(temporary, marked.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            return Files.size(marked.resolve(name));
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Removes a message, its parts and its marked copy; the message's file goes to the free pool while it has room. */
    public void delete(String name) throws IOException {
        deleteParts(name);
        Files.deleteIfExists(marked.resolve(name));
        Path file = messages.resolve(name);
        if (!release(file)) {
            Files.deleteIfExists(file);
        }
    }

    /** Moves a file into the free pool if it has room; false if it has none (the file is left where it was). */
    private boolean release(Path file) throws IOException {
        if (pooledFiles.get() >= poolFiles) {
            return false;
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            return true; // already gone: nothing to pool or delete
        }
        if (pooledBytes.get() + size > poolBytes) {
            return false;
        }
        Path target = free.resolve(freePrefix + freeNames.incrementAndGet());
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            return false;
        }
        addFree(new Free(target, size));
        return true;
    }

    private void addFree(Free f) {
        pooledFiles.incrementAndGet();
        pooledBytes.addAndGet(f.size());
        pool.push(f);
    }

    private Free takeFree() {
        Free f = pool.poll();
        if (f != null) {
            pooledFiles.decrementAndGet();
            pooledBytes.addAndGet(-f.size());
        }
        return f;
    }

    /**
     * At startup: removes this node's half-written files of stores that never finished (a crash during DATA), and
     * takes the free files its last run left into the pool (a store cut off while writing over one left only a free
     * file). Files that a build before per-node folders left directly in {@code incoming} and {@code free} are
     * removed (a free file cannot be told to be one node's).
     *
     * @return the number of half-written files removed
     */
    public int discardIncomplete() throws IOException {
        int count = 0;
        try (Stream<Path> files = Files.list(incoming)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
                count++;
            }
        }
        for (Path shared : List.of(incoming.getParent(), free.getParent())) {
            try (Stream<Path> files = Files.list(shared)) {
                for (Path p : files.filter(Files::isRegularFile).toList()) {
                    Files.deleteIfExists(p);
                    count += shared.equals(incoming.getParent()) ? 1 : 0;
                }
            }
        }
        if (!adopted.compareAndSet(false, true)) {
            return count;
        }
        try (Stream<Path> files = Files.list(free)) {
            for (Path p : files.toList()) {
                long size = Files.size(p);
                if (pooledFiles.get() < poolFiles && pooledBytes.get() + size <= poolBytes) {
                    addFree(new Free(p, size));
                } else {
                    Files.deleteIfExists(p);
                }
            }
        }
        return count;
    }
}
