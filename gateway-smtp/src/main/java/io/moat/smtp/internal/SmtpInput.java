package io.moat.smtp.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a client sends on one connection (before or after TLS), read as SMTP command lines or as the content of
 * DATA. It buffers what it reads; after STARTTLS a new one is made over the TLS stream and what this one still holds
 * is dropped, so that nothing pipelined behind STARTTLS in clear text is ever taken for a command. Every blocking read
 * is timed by the session's {@link ReadDeadlines}.
 */
final class SmtpInput {

    /** RFC 5321 4.5.3.1.4: a command line is at most 512 octets, CRLF included. */
    static final int MAX_COMMAND_LINE = 512;

    private final InputStream in;
    private final ReadDeadlines deadlines;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;

    /** Reads without time limits (tests, fuzzing). */
    SmtpInput(InputStream in) {
        this(in, ReadDeadlines.none());
    }

    SmtpInput(InputStream in, ReadDeadlines deadlines) {
        this.in = in;
        this.deadlines = deadlines;
    }

    /** The next byte, or -1 when the client closed the connection. */
    int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    /**
     * Reads and drops {@code count} bytes (a BDAT chunk that is refused).
     *
     * @throws EOFException the client closed the connection first
     */
    void skip(long count) throws IOException {
        long left = count;
        while (left > 0) {
            if (position == limit && !fill()) {
                throw new EOFException("the client closed the connection within a BDAT chunk");
            }
            int n = (int) Math.min(left, limit - position);
            position += n;
            left -= n;
        }
    }

    /**
     * Copies buffered bytes up to the first CR or LF (not included), at most {@code length}, without blocking: the
     * middle of a line of DATA content in one copy rather than a byte at a time.
     *
     * @return how many bytes were copied; 0 when the next buffered byte is a CR or LF, or nothing is buffered
     */
    int readInLine(byte[] target, int offset, int length) {
        int end = Math.min(limit, position + length);
        int start = position;
        int i = start;
        while (i < end && buffer[i] != '\r' && buffer[i] != '\n') {
            i++;
        }
        int n = i - start;
        System.arraycopy(buffer, start, target, offset, n);
        position = i;
        return n;
    }

    /** How many bytes are buffered here, readable without blocking. */
    int buffered() {
        return limit - position;
    }

    private boolean fill() throws IOException {
        int n;
        do {
            long started = deadlines.beforeRead();
            try {
                n = in.read(buffer, 0, buffer.length);
            } catch (SocketTimeoutException e) {
                throw deadlines.timedOut(e);
            }
            deadlines.afterRead(started, n);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /**
     * Reads one command line, up to and including its LF. A line longer than {@link #MAX_COMMAND_LINE} is read to
     * its end and reported as too long; a line ending in a bare LF or holding a bare CR is reported as such, so that
     * neither leaves the session waiting for a CRLF that never comes.
     *
     * @return the line, or {@code null} when the client closed the connection (a partial last line is dropped)
     */
    CommandLine readCommand() throws IOException {
        byte[] line = new byte[MAX_COMMAND_LINE];
        int length = 0; // octets before the LF
        boolean bareCr = false;
        int previous = -1;
        while (true) {
            int b = read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                if (length + 1 > MAX_COMMAND_LINE) {
                    return new CommandLine("", CommandLine.Problem.TOO_LONG);
                }
                if (previous != '\r' || bareCr) {
                    return new CommandLine("", CommandLine.Problem.BARE_NEWLINE);
                }
                return new CommandLine(new String(line, 0, length - 1, StandardCharsets.UTF_8),
                        CommandLine.Problem.NONE);
            }
            if (previous == '\r') {
                bareCr = true; // a CR followed by anything but LF
            }
            if (length < line.length) {
                line[length] = (byte) b;
            }
            length++;
            previous = b;
        }
    }

    /**
     * Drops what the client sent that has not been read yet: what this object buffered and what the connection
     * holds now. For STARTTLS, before the {@code 220}: the client must wait for it (RFC 3207 4.2), so anything here
     * was pipelined in clear text and must not reach the TLS session.
     *
     * @return the number of octets dropped
     */
    long discardPending() throws IOException {
        long dropped = limit - position;
        position = limit;
        int available;
        while ((available = in.available()) > 0 && dropped < buffer.length * 16L) {
            long skipped = in.skip(available);
            if (skipped <= 0) {
                break;
            }
            dropped += skipped;
        }
        return dropped;
    }

    /**
     * One command line as read.
     *
     * @param text the line without its CRLF; empty when {@code problem} is not {@link Problem#NONE}
     * @param problem what is wrong with the line as a whole
     */
    record CommandLine(String text, Problem problem) {

        enum Problem {
            NONE, TOO_LONG, BARE_NEWLINE
        }
    }
}
