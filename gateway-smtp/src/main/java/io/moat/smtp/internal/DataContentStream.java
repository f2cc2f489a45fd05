package io.moat.smtp.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The content of one DATA command (RFC 5321 4.1.1.4): the bytes up to the line holding a single dot, with the
 * leading dot of stuffed lines removed and nothing else changed. The message ends only at {@code CRLF.CRLF}.
 *
 * <p>
 * A bare CR or LF (one not part of a CRLF pair, RFC 5321 2.3.8) makes the message unacceptable: the reader gets a
 * {@link BareNewlineException} from then on, so that the MDB stores nothing, and the session refuses the message
 * once its end is reached. A dot line that is delimited by a bare CR or LF ({@code LF.LF}, {@code CRLF.LF},
 * {@code LF.CRLF}, {@code CR.CR} ...) is where other servers may see the end of the message (SMTP smuggling): it
 * ends the content here too, {@link #endedAmbiguously()} says so, and the session closes the connection after its
 * reply rather than read the rest as commands.
 *
 * <p>
 * A failure of the connection is remembered and thrown again by every later read and by {@link #drain()}, so that
 * the session never waits twice for a dead client.
 *
 * <p>
 * What the reader leaves is read and dropped by {@link #drain()}, but never more than the session allows for one
 * DATA in all (the size limit plus the endpoint's discard limit): a client that goes on sending is not read to its
 * end, {@link #ended()} stays false, and the session closes the connection after its reply.
 */
final class DataContentStream extends InputStream {

    /** Thrown to the reader once the content holds a bare CR or LF. */
    static final class BareNewlineException extends IOException {
        private static final long serialVersionUID = 1L;

        BareNewlineException() {
            super("bare CR or LF in message content");
        }
    }

    private enum State {
        /** After a CRLF, or at the start: a dot here is stuffing or the end. */
        LINE_START,
        /** After a bare CR or LF: a dot line here is an ambiguous end. */
        LOOSE_LINE_START,
        /** A dot at the start of a line. */
        DOT,
        /** A dot at the start of a line, then CR. */
        DOT_CR,
        /** Inside a line. */
        IN_LINE,
        /** After a CR inside or at the start of a line. */
        CR
    }

    private final SmtpInput in;
    private final long drainLimit;
    /** Octets taken from the input so far (before unstuffing). */
    private long consumed;
    private State state = State.LINE_START;
    private boolean strictDot;
    private final int[] pending = new int[2];
    private int pendingCount;
    private int pendingPosition;
    private boolean ended;
    private boolean ambiguousEnd;
    private boolean bareNewline;
    private IOException failure;

    /** Content that {@link #drain()} reads to its end, however long (tests). */
    DataContentStream(SmtpInput in) {
        this(in, Long.MAX_VALUE);
    }

    /**
     * @param drainLimit the most octets of this DATA read in all (by the reader and by {@link #drain()}) before
     *        {@link #drain()} gives up looking for the end
     */
    DataContentStream(SmtpInput in, long drainLimit) {
        this.in = in;
        this.drainLimit = drainLimit;
    }

    @Override
    public int read() throws IOException {
        if (bareNewline) {
            throw new BareNewlineException();
        }
        int b = next();
        if (bareNewline) {
            throw new BareNewlineException();
        }
        return b;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int n = 0;
        while (n < length) {
            if (state == State.IN_LINE && pendingPosition == pendingCount && !bareNewline) {
                // inside a line every byte but CR and LF is content as it is: copy the run of them at once
                int copied = in.readInLine(target, offset + n, length - n);
                consumed += copied;
                n += copied;
                if (n == length) {
                    break;
                }
            }
            if (n > 0 && pendingPosition == pendingCount && !ended && in.buffered() == 0) {
                break; // hand out what we have rather than block for more
            }
            int b = read();
            if (b < 0) {
                break;
            }
            target[offset + n++] = (byte) b;
        }
        return n == 0 ? -1 : n;
    }

    @Override
    public int available() {
        return pendingCount - pendingPosition;
    }

    /**
     * Reads and drops the rest of the content, so that the message's lines are never taken for commands; stops
     * without reaching the end once the drain limit has been read.
     *
     * @return whether the end of the content was reached ({@link #ended()})
     * @throws IOException the connection failed or closed before the end of the content
     */
    boolean drain() throws IOException {
        while (consumed < drainLimit) {
            if (next() < 0) {
                return true;
            }
        }
        return ended;
    }

    /** Whether the end of the content ({@code CRLF.CRLF}, or an ambiguous one) has been read. */
    boolean ended() {
        return ended;
    }

    /** Whether the content held a bare CR or LF, so far. */
    boolean bareNewline() {
        return bareNewline;
    }

    /** Whether the content ended at a dot line delimited by a bare CR or LF rather than at {@code CRLF.CRLF}. */
    boolean endedAmbiguously() {
        return ambiguousEnd;
    }

    /** The next content byte, ignoring {@link #bareNewline}; -1 at the end. */
    private int next() throws IOException {
        while (pendingPosition == pendingCount) {
            if (ended) {
                return -1;
            }
            pendingPosition = 0;
            pendingCount = 0;
            step(raw());
        }
        return pending[pendingPosition++];
    }

    private int raw() throws IOException {
        if (failure != null) {
            throw failure;
        }
        int b;
        try {
            b = in.read();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        if (b < 0) {
            failure = new EOFException("the client closed the connection during DATA");
            throw failure;
        }
        consumed++;
        return b;
    }

    private void step(int b) {
        switch (state) {
            case LINE_START, LOOSE_LINE_START -> lineStart(b);
            case DOT -> {
                if (b == '\r') {
                    state = State.DOT_CR;
                } else if (b == '\n') {
                    end(false);
                } else {
                    if (!strictDot) {
                        emit('.'); // not a real line start: the dot is content
                    }
                    inLine(b);
                }
            }
            case DOT_CR -> end(b == '\n' && strictDot);
            case IN_LINE -> inLine(b);
            case CR -> {
                if (b == '\n') {
                    emit('\r');
                    emit('\n');
                    state = State.LINE_START;
                } else {
                    bareNewline = true;
                    emit('\r');
                    if (b == '\r') {
                        state = State.CR;
                    } else {
                        state = State.LOOSE_LINE_START;
                        lineStart(b);
                    }
                }
            }
        }
    }

    private void lineStart(int b) {
        if (b == '.') {
            strictDot = state == State.LINE_START;
            state = State.DOT;
        } else {
            inLine(b);
        }
    }

    private void inLine(int b) {
        if (b == '\r') {
            state = State.CR;
        } else if (b == '\n') {
            bareNewline = true;
            emit('\n');
            state = State.LOOSE_LINE_START;
        } else {
            emit(b);
            state = State.IN_LINE;
        }
    }

    private void end(boolean proper) {
        ended = true;
        if (!proper) {
            ambiguousEnd = true;
            bareNewline = true;
        }
    }

    private void emit(int b) {
        pending[pendingCount++] = b;
    }
}
