package io.moat.smtp.client.internal;

import io.moat.smtp.client.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * Reads one reply of an SMTP server (RFC 5321 4.2): lines of a three-digit code, {@code -} on all but the last, and
 * text. Bounded: RFC 5321 4.5.3.1.5 allows 512 octets a reply line, and a server that sends more than
 * {@value #MAX_LINE} octets a line or {@value #MAX_LINES} lines a reply is not an SMTP server; the connection is then
 * given up. The text is read as UTF-8 (RFC 6531 lets replies hold it), malformed octets replaced.
 */
final class ReplyReader {

    static final int MAX_LINE = 8 * 1024;
    static final int MAX_LINES = 200;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);

    /** The next reply; code -1 where the connection ended before its last line. */
    Reply read(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int lines = 0; lines < MAX_LINES; lines++) {
            String next = readLine(in);
            if (next == null) {
                return new Reply(-1, text.isEmpty() ? "[EOF]" : text.toString());
            }
            if (next.length() < 3 || !digits(next) || next.length() > 3 && next.charAt(3) != ' '
                    && next.charAt(3) != '-') {
                throw new ProtocolException("not an SMTP reply line: " + printable(next));
            }
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(next);
            if (next.length() == 3 || next.charAt(3) == ' ') {
                return new Reply(Integer.parseInt(next, 0, 3, 10), text.toString());
            }
        }
        throw new ProtocolException("a reply of more than " + MAX_LINES + " lines");
    }

    private static boolean digits(String line) {
        return line.charAt(0) >= '2' && line.charAt(0) <= '5' && Character.isDigit(line.charAt(1))
                && Character.isDigit(line.charAt(2));
    }

    /** A line without its CRLF (or bare LF), or {@code null} at the end of the stream. */
    private String readLine(InputStream in) throws IOException {
        line.reset();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                return null; // a line cut off by the end counts as none: the reply did not arrive
            }
            if (line.size() == MAX_LINE) {
                throw new ProtocolException("a reply line of more than " + MAX_LINE + " octets");
            }
            line.write(b);
        }
        int length = line.size();
        byte[] bytes = line.toByteArray();
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    private static String printable(String line) {
        String cut = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
