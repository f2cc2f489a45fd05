package io.moat.mime;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds where the body parts of a multipart entity lie, by its boundary delimiter lines (RFC 2046, section 5.1.1),
 * in one pass over the entity's bytes read in large blocks.
 *
 * <p>Jakarta Mail's {@code MimeMultipart} searches for the delimiter Boyer-Moore style, stepping at most the
 * boundary's length at a time, and for each step marks, reads and resets its stream; from a spool file each of
 * those is a synchronised call, and with a short boundary a 1 MB message took ~35 ms of CPU, 85 % of what the
 * gateway spent on it (ADR 0029). A delimiter can only begin a line, so looking at the start of each line is
 * enough, at any boundary length.
 *
 * <p>Like Jakarta Mail: lines may end in CRLF or a bare LF; the line break before a delimiter belongs to the
 * delimiter; a delimiter line may carry trailing spaces or tabs (transport padding); a missing close delimiter
 * ends the last part at the end of the entity; preamble and epilogue are not parts. An entity in which the
 * delimiter never appears is an error, which the extractor answers by scanning the whole message.
 */
final class MultipartScanner {

    /** Where one body part (its headers and content) lies: {@code [start, end)} from the entity's first byte. */
    record Range(long start, long end) {
    }

    private static final int BLOCK = 64 * 1024;

    /** The delimiter line's state while a line is read. */
    private static final int PREFIX = 0; // matching "--" + boundary
    private static final int AFTER = 1; // the whole prefix matched, nothing after it yet
    private static final int DASH = 2; // one '-' after the prefix
    private static final int PADDING = 3; // only spaces and tabs after the prefix so far
    private static final int CLOSE = 4; // "--" after the prefix: the close delimiter, whatever follows
    private static final int CONTENT = 5; // not a delimiter line

    private MultipartScanner() {
    }

    /** The body parts of the entity {@code in} holds, whose boundary parameter is {@code boundary}. */
    static List<Range> scan(InputStream in, String boundary) throws IOException, MessagingException {
        return scan(in, boundary, BLOCK, Integer.MAX_VALUE);
    }

    static List<Range> scan(InputStream in, String boundary, int blockSize) throws IOException, MessagingException {
        return scan(in, boundary, blockSize, Integer.MAX_VALUE);
    }

    /**
     * The body parts of the entity, but no more than {@code maxParts} and one: the scan stops at the delimiter that
     * opens the part after {@code maxParts}, so a message of a million empty parts costs no more than its limit
     * (the extra part says the limit was passed; it is not a whole part).
     */
    static List<Range> scanAtMost(InputStream in, String boundary, int maxParts)
            throws IOException, MessagingException {
        return scan(in, boundary, BLOCK, maxParts);
    }

    /**
     * The boundary of a multipart whose {@code boundary} parameter is missing, guessed as Jakarta Mail does (and
     * mail clients with it): the first line starting with {@code --}, without trailing white space, within the
     * first {@code maxPreamble} bytes.
     *
     * @throws MessagingException there is no such line
     */
    static String guessBoundary(InputStream in, int maxPreamble) throws IOException, MessagingException {
        byte[] start = in.readNBytes(maxPreamble);
        int line = 0;
        while (line < start.length) {
            int end = line;
            while (end < start.length && start[end] != '\n') {
                end++;
            }
            if (end < start.length && end - line > 2 && start[line] == '-' && start[line + 1] == '-') {
                String boundary = new String(start, line + 2, end - line - 2, StandardCharsets.ISO_8859_1).strip();
                if (!boundary.isEmpty()) {
                    return boundary;
                }
            }
            line = end + 1;
        }
        throw new MessagingException("multipart without a boundary parameter or a delimiter line");
    }

    private static List<Range> scan(InputStream in, String boundary, int blockSize, int maxParts)
            throws IOException, MessagingException {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] block = new byte[blockSize];
        List<Range> parts = new ArrayList<>();
        long blockStart = 0;
        long lineStart = 0;
        long breakStart = -1; // where the line break before the current line began
        long partStart = -1; // where the open part began, -1 before the first delimiter
        int state = PREFIX;
        int matched = 0;
        boolean cr = false; // the line's last byte so far was CR
        int n;
        while ((n = in.read(block)) >= 0) {
            for (int i = 0; i < n; i++) {
                if (state == CONTENT) { // most lines: on to the line's end without looking at its bytes
                    int end = i;
                    while (end < n && block[end] != '\n') {
                        end++;
                    }
                    if (end > i) {
                        cr = block[end - 1] == '\r';
                    }
                    if (end == n) {
                        break;
                    }
                    i = end;
                }
                byte b = block[i];
                if (b == '\n') {
                    long pos = blockStart + i;
                    if (isDelimiter(state)) {
                        if (partStart >= 0) {
                            parts.add(new Range(partStart, Math.max(partStart, breakStart)));
                        }
                        if (state == CLOSE) {
                            return parts;
                        }
                        if (parts.size() >= maxParts) {
                            parts.add(new Range(pos + 1, pos + 1)); // one more follows: enough to say so
                            return parts;
                        }
                        partStart = pos + 1;
                    }
                    breakStart = cr ? pos - 1 : pos;
                    lineStart = pos + 1;
                    state = PREFIX;
                    matched = 0;
                    cr = false;
                    continue;
                }
                cr = b == '\r';
                switch (state) {
                    case PREFIX -> {
                        if (b != delimiter[matched]) {
                            state = CONTENT;
                        } else if (++matched == delimiter.length) {
                            state = AFTER;
                        }
                    }
                    case AFTER -> state = b == '-' ? DASH : padding(b) ? PADDING : CONTENT;
                    case DASH -> state = b == '-' ? CLOSE : CONTENT;
                    case PADDING -> state = padding(b) ? PADDING : CONTENT;
                    default -> {
                        // CLOSE and CONTENT stay as they are until the line ends
                    }
                }
            }
            blockStart += n;
        }
        // the last line had no line break
        if (lineStart < blockStart && isDelimiter(state)) {
            if (partStart >= 0) {
                parts.add(new Range(partStart, Math.max(partStart, breakStart)));
            }
            return parts;
        }
        if (partStart < 0) {
            throw new MessagingException("Missing start boundary");
        }
        parts.add(new Range(partStart, blockStart)); // no close delimiter: the last part runs to the end
        return parts;
    }

    private static boolean isDelimiter(int state) {
        return state == AFTER || state == PADDING || state == CLOSE;
    }

    /** Transport padding after a delimiter; CR counts too, as the line break's first byte or stray before it. */
    private static boolean padding(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }
}
