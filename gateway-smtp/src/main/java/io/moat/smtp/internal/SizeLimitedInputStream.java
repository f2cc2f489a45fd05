package io.moat.smtp.internal;

import io.moat.smtp.api.MessageTooLargeException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Passes bytes through until more than the limit have been read, then throws {@link MessageTooLargeException}. */
final class SizeLimitedInputStream extends FilterInputStream {

    private final long limit;
    private long count;
    private boolean exceeded;

    SizeLimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Whether the reader went past the limit (whatever became of the exception). */
    boolean exceeded() {
        return exceeded;
    }

    long limit() {
        return limit;
    }

    private void count(long n) throws MessageTooLargeException {
        count += n;
        if (count > limit) {
            exceeded = true;
            throw new MessageTooLargeException(limit);
        }
    }
}
