package io.moat.smtp.client;

/**
 * A reply of the server (RFC 5321 4.2).
 *
 * @param code its three-digit code, or -1 where the connection ended instead
 * @param text every line of it, codes included, joined by {@code \n} (as Angus Mail gave it), or {@code [EOF]}
 */
public record Reply(int code, String text) {

    /** A 2xx reply. */
    public boolean positive() {
        return code >= 200 && code < 300;
    }

    /** The first line, e.g. {@code 220 mx.example.com ESMTP} of a greeting. */
    public String firstLine() {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
