package io.moat.devtools;

/** Encodings that test mail is written in, where the JDK has none: test and demo code, never in the EAR. */
public final class Encodings {

    private Encodings() {
    }

    /**
     * The lines of a uuencoded block, without its {@code begin} and {@code end} lines: up to 45 bytes a line, each
     * line's length first, as {@code uuencode} writes them; lines separated by CRLF.
     */
    public static String uuencode(byte[] data) {
        StringBuilder text = new StringBuilder();
        for (int start = 0; start < data.length; start += 45) {
            int n = Math.min(45, data.length - start);
            text.append((char) (32 + n));
            for (int i = start; i < start + n; i += 3) {
                int v = (data[i] & 0xff) << 16 | (i + 1 < data.length ? (data[i + 1] & 0xff) << 8 : 0)
                        | (i + 2 < data.length ? data[i + 2] & 0xff : 0);
                for (int shift = 18; shift >= 0; shift -= 6) {
                    int c = (v >> shift) & 0x3f;
                    text.append(c == 0 ? '`' : (char) (32 + c));
                }
            }
            if (start + 45 < data.length) {
                text.append("\r\n");
            }
        }
        return text.toString();
    }
}
