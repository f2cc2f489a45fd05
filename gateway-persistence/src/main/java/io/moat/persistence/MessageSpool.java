package io.moat.persistence;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The raw bytes of messages on disk, one file per message under {@code <data dir>/spool/messages}, and the decoded
 * attachments of each message in a folder beside it. Content is streamed through a 64 KiB buffer and never held
 * whole in memory; a stored file is fsynced and then moved into place, so a file under its final name is always
 * complete.
 */
public final class MessageSpool {

    private static final int BUFFER = 64 * 1024;

    private final Path messages;
    private final Path parts;
    private final Path incoming;

    public MessageSpool(Path dataDirectory) {
        Path root = dataDirectory.resolve("spool");
        this.messages = root.resolve("messages");
        this.parts = root.resolve("parts");
        this.incoming = root.resolve("incoming");
        try {
            Files.createDirectories(messages);
            Files.createDirectories(parts);
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the spool under " + root
                    + "; check that moat.data-dir is writable by the server", e);
        }
    }

    /** What a store wrote: the name to find it again and its size in bytes. */
    public record Stored(String name, long size) {
    }

    /**
     * Writes {@code header} followed by everything from {@code content} to the spool, durably.
     *
     * @param name the file name to use (the message id)
     */
    public Stored store(String name, byte[] header, InputStream content) throws IOException {
        Path temporary = incoming.resolve(name + "." + UUID.randomUUID() + ".tmp");
        long size;
        try (FileOutputStream file = new FileOutputStream(temporary.toFile());
                OutputStream out = new BufferedOutputStream(file, BUFFER)) {
            out.write(header);
            size = header.length + content.transferTo(out);
            out.flush();
            file.getChannel().force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Path target = messages.resolve(name);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Stored(name, size);
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

    /** Removes a message and its parts. */
    public void delete(String name) throws IOException {
        deleteParts(name);
        Files.deleteIfExists(messages.resolve(name));
    }

    /** Removes half-written files of stores that never finished (a crash during DATA). */
    public int discardIncomplete() throws IOException {
        int count = 0;
        try (Stream<Path> files = Files.list(incoming)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
                count++;
            }
        }
        return count;
    }
}
