package io.moat.mime;

/**
 * Whether text or bytes stay within 7-bit ASCII: what decides if a message needs SMTPUTF8 (addresses, RFC 6531) or
 * an 8-bit path (content, RFC 6152) downstream.
 */
public final class Octets {

    private Octets() {
    }

    /** Whether every character of {@code text} is ASCII. */
    public static boolean ascii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Whether the first {@code length} of {@code bytes} hold an octet above 127. */
    public static boolean eightBit(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return true;
            }
        }
        return false;
    }
}
