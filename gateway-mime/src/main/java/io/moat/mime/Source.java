package io.moat.mime;

import jakarta.mail.internet.SharedInputStream;
import jakarta.mail.util.SharedFileInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes entities are read from, through views of ranges of one shared stream: the spool file, or a forwarded message
 * decoded into memory or into a file of its own ({@code file}, removed when closed).
 */
record Source(SharedInputStream shared, long size, Path file) implements Closeable {

    /** Each view of the spool file reads through a buffer of this size (Jakarta Mail's default is 2 KB). */
    static final int READ_BUFFER = 16 * 1024;

    /** The spool file {@code message}, read in place (never removed by {@link #close()}). */
    static Source spool(Path message) throws IOException {
        return new Source(new SharedFileInputStream(message.toFile(), READ_BUFFER), Files.size(message), null);
    }

    /** The bytes of {@code [start, end)}, read as they are asked for. */
    InputStream stream(long start, long end) {
        return shared.newStream(start, end);
    }

    /** The bytes of {@code [start, end)}, read into memory: for a range known to be small (a header section). */
    byte[] bytes(long start, long end) throws IOException {
        try (InputStream in = stream(start, end)) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            ((InputStream) shared).close();
        } finally {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }
}
