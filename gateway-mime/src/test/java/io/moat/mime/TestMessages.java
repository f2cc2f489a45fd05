package io.moat.mime;

import java.util.Base64;

/** What the tests of this module build their messages from, and how they find a part in one. */
final class TestMessages {

    static final String CRLF = "\r\n";
    static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    private TestMessages() {
    }

    /** Base64 in lines of 76 characters, CRLF-separated, as a mail client writes it. */
    static String base64(byte[] data) {
        return Base64.getMimeEncoder().encodeToString(data);
    }

    /** {@code size} bytes of every value, different for each {@code seed}. */
    static byte[] binary(int size, int seed) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + seed);
        }
        return data;
    }

    /** Where the {@code n}th body part of the multipart delimited by {@code boundary} begins in {@code text}. */
    static long entityStart(String text, String boundary, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = text.indexOf("--" + boundary + CRLF, at + 1);
        }
        return at + boundary.length() + 4;
    }

    /** Where that part ends: at the line break before the next delimiter. */
    static long entityEnd(String text, String boundary, int n) {
        return text.indexOf(CRLF + "--" + boundary, (int) entityStart(text, boundary, n));
    }
}
