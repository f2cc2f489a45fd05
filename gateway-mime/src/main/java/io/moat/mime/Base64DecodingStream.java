package io.moat.mime;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes a base64 body (RFC 2045, section 6.8) block by block, with the rules of Angus Mail's
 * {@code BASE64DecoderStream}, so that a message decodes to the same bytes as before: characters outside the
 * alphabet (line breaks, spaces, anything else) are skipped; {@code =} ends a quantum of two or three characters
 * and decoding goes on after it; a quantum cut short by the end of the data, a padding character after fewer than
 * two, or a character of the alphabet where the second {@code =} belongs is an error, which the extractor answers
 * by scanning the whole message.
 *
 * <p>Angus's decoder fetches each character through a method call and took two fifths of the gateway's CPU with
 * 1 MB messages (ADR 0029). One difference: Angus decodes the byte 0xFF as {@code A} (its table leaves the last
 * entry at zero); here it is skipped like every other byte outside the alphabet, as mail clients do, so that the
 * scan sees what the recipient will see.
 */
final class Base64DecodingStream extends InputStream {

    private static final int SKIP = -1;
    private static final int PAD = -2;
    private static final byte[] VALUES = new byte[256];
    /**
     * A character's value already shifted to its place in a quantum, for the first to the fourth character: a
     * quantum of four characters of the alphabet is the OR of four entries; anything else makes it negative.
     */
    private static final int[] FIRST = new int[256];
    private static final int[] SECOND = new int[256];
    private static final int[] THIRD = new int[256];
    private static final int[] FOURTH = new int[256];
    /** Writes a quantum's three bytes, and one more that the next quantum writes over, in one store. */
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    static {
        Arrays.fill(VALUES, (byte) SKIP);
        for (int[] table : new int[][]{FIRST, SECOND, THIRD, FOURTH}) {
            Arrays.fill(table, -1);
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            char c = alphabet.charAt(i);
            VALUES[c] = (byte) i;
            FIRST[c] = i << 18;
            SECOND[c] = i << 12;
            THIRD[c] = i << 6;
            FOURTH[c] = i;
        }
        VALUES['='] = PAD;
    }

    private final InputStream in;
    private final byte[] input;
    private final byte[] output;
    private int outPos;
    private int outLen;
    private int quantum; // the characters of the current quantum, 6 bits each
    private int got; // how many the quantum holds
    private boolean awaitingPad; // after "xx=", the second '=' must come before the next character
    private boolean ended;

    Base64DecodingStream(InputStream in) {
        this(in, 16 * 1024);
    }

    Base64DecodingStream(InputStream in, int blockSize) {
        this.in = in;
        this.input = new byte[blockSize];
        // a block of n characters, with up to 3 left from the block before, decodes to at most 3n/4 + 3 bytes;
        // one more for the fourth byte of the last quantum's store
        this.output = new byte[blockSize + 4];
    }

    @Override
    public int read() throws IOException {
        return decoded() ? output[outPos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!decoded()) {
            return -1;
        }
        int n = Math.min(len, outLen - outPos);
        System.arraycopy(output, outPos, b, off, n);
        outPos += n;
        return n;
    }

    /** Decoded bytes not read yet. */
    @Override
    public int available() {
        return outLen - outPos;
    }

    /** Whether decoded bytes wait to be read, decoding blocks until some do; {@code false} at the end. */
    private boolean decoded() throws IOException {
        while (outPos == outLen) {
            if (ended) {
                return false;
            }
            decodeBlock();
        }
        return true;
    }

    private void decodeBlock() throws IOException {
        int n = in.read(input);
        outPos = 0;
        outLen = 0;
        if (n < 0) {
            ended = true;
            if (awaitingPad) {
                throw new IOException("base64: the data ended where a second padding character (=) belongs");
            }
            if (got != 0) {
                throw new IOException("base64: needed 4 characters but only got " + got + " before the end");
            }
            return;
        }
        int out = 0;
        int i = 0;
        while (i < n) {
            if (got == 0 && !awaitingPad) { // most of a body: lines of quanta of four characters of the alphabet
                while (i <= n - 4) {
                    int q = FIRST[input[i] & 0xff] | SECOND[input[i + 1] & 0xff] | THIRD[input[i + 2] & 0xff]
                            | FOURTH[input[i + 3] & 0xff];
                    if (q < 0) { // a line break, padding, the odd byte
                        break;
                    }
                    INTS.set(output, out, q << 8);
                    out += 3;
                    i += 4;
                }
                if (i == n) {
                    break;
                }
            }
            int v = VALUES[input[i++] & 0xff];
            if (v == SKIP) {
                continue;
            }
            if (awaitingPad) {
                if (v != PAD) {
                    throw new IOException("base64: a character of the alphabet where a padding character belongs");
                }
                awaitingPad = false;
                continue;
            }
            if (v == PAD) {
                if (got < 2) {
                    throw new IOException("base64: a padding character (=) after only " + got + " characters");
                }
                if (got == 2) {
                    output[out++] = (byte) (quantum >> 4);
                    awaitingPad = true;
                } else {
                    output[out++] = (byte) (quantum >> 10);
                    output[out++] = (byte) (quantum >> 2);
                }
                quantum = 0;
                got = 0;
                continue;
            }
            quantum = quantum << 6 | v;
            if (++got == 4) {
                output[out++] = (byte) (quantum >> 16);
                output[out++] = (byte) (quantum >> 8);
                output[out++] = (byte) quantum;
                quantum = 0;
                got = 0;
            }
        }
        outLen = out;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
