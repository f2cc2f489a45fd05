package io.moat.tls.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only their owner may read, written so that no reader ever sees half of one: the content goes to a temporary
 * file in the same directory (owner read/write only where the file system knows POSIX permissions), is forced to
 * disk, and is then moved or linked into place in one step.
 */
public final class SecureFiles {

    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {
    }

    /** Writes {@code file}, replacing it if it exists. */
    public static void replace(Path file, byte[] content) throws IOException {
        Path temp = temp(file, content);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes {@code file}, which must not exist: a {@link FileAlreadyExistsException} leaves what is there alone. */
    public static void create(Path file, byte[] content) throws IOException {
        Path temp = temp(file, content);
        try {
            Files.createLink(file, temp); // fails if file exists, with no moment in which it is half written
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.move(temp, file); // no hard links here: a move that refuses to replace is the next best thing
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Whether {@code directory}'s file system knows POSIX permissions. */
    public static boolean posix(Path directory) {
        return directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static Path temp(Path file, byte[] content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        String prefix = "." + file.getFileName() + ".";
        Path temp = posix(directory)
                ? Files.createTempFile(directory, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(directory, prefix, ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }
}
