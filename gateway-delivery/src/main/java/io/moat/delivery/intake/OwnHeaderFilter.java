package io.moat.delivery.intake;

import java.io.IOException;
import java.io.InputStream;

/**
 * Removes, from a message's header section as a client sent it, the fields named {@code X-Moat-*}: those names are
 * the gateway's own (its verdict, {@code X-Moat-Scan}), and a sender who writes one must not reach the recipient
 * with a verdict of its choosing next to ours. A field's continuation lines go with it. Everything after the header
 * section (the first empty line) passes untouched, read in blocks as the caller asks.
 */
public final class OwnHeaderFilter extends InputStream {

    private static final byte[] PREFIX = {'x', '-', 'm', 'o', 'a', 't', '-'};

    private final InputStream in;
    /** A field name's first bytes, read to decide and not yet given out. */
    private final byte[] pending = new byte[PREFIX.length];
    private int pendingLength;
    private int pendingPosition;
    private boolean body;
    private boolean lineStart = true;
    private boolean dropping;
    private int removed;

    public OwnHeaderFilter(InputStream in) {
        this.in = in;
    }

    /** How many fields were removed so far. */
    public int removed() {
        return removed;
    }

    @Override
    public int read() throws IOException {
        while (true) {
            if (pendingPosition < pendingLength) {
                return pending[pendingPosition++] & 0xff;
            }
            if (body) {
                return in.read();
            }
            int c = in.read();
            if (c < 0) {
                return -1;
            }
            if (lineStart) {
                lineStart = c == '\n';
                if (c == '\r' || c == '\n') {
                    body = true; // the empty line that ends the header section
                    dropping = false;
                    return c;
                }
                if (c != ' ' && c != '\t') {
                    dropping = startsOwnField(c);
                    if (dropping) {
                        removed++;
                    }
                    continue;
                }
            } else if (c == '\n') {
                lineStart = true;
            }
            if (!dropping) {
                return c;
            }
        }
    }

    /**
     * Reads the start of a new field's name, {@code first} already read, as far as it matches {@code X-Moat-}:
     * true if it does (the bytes read are dropped), else the bytes read are given out next.
     */
    private boolean startsOwnField(int first) throws IOException {
        pendingPosition = 0;
        pendingLength = 0;
        int c = first;
        while (true) {
            pending[pendingLength++] = (byte) c;
            if (Character.toLowerCase(c) != PREFIX[pendingLength - 1]) {
                if (c == '\n') {
                    lineStart = true;
                }
                return false;
            }
            if (pendingLength == PREFIX.length) {
                pendingLength = 0;
                return true;
            }
            c = in.read();
            if (c < 0) {
                return false;
            }
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (body && pendingPosition == pendingLength) {
            return in.read(b, off, len);
        }
        int n = 0;
        while (n < len && !(body && pendingPosition == pendingLength)) {
            int c = read();
            if (c < 0) {
                return n == 0 ? -1 : n;
            }
            b[off + n++] = (byte) c;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
