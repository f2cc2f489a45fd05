package io.moat.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Files carried inside a message's text rather than as MIME parts, which the recipient's software turns back into
 * files: uuencoded blocks ({@code begin 644 name} ... {@code end}), which mail clients show as attachments, and
 * {@code data:} URLs in HTML ({@code <a download href="data:...">}, HTML smuggling), which a browser saves or opens.
 * Each is decoded so that the scanner sees the file, not its encoding. Decoding is lenient, as the recipient's
 * software is: characters outside the alphabet are skipped and a block cut short yields what it holds.
 */
final class EmbeddedFiles {

    /** One embedded file: a name to show and to give the scanner, and its decoded bytes. */
    record File(String name, byte[] data) {
    }

    private static final byte[] BEGIN = "begin ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    /** The longest media type and parameters a {@code data:} URL is taken with, before its comma. */
    private static final int MAX_DATA_HEADER = 256;
    private static final int MAX_NAME = 255;

    private EmbeddedFiles() {
    }

    /**
     * The files embedded in {@code text}, at most {@code maxFiles}.
     *
     * @param html whether the text is HTML (only then are {@code data:} URLs looked for)
     */
    static List<File> find(byte[] text, boolean html, int maxFiles) {
        List<File> files = new ArrayList<>();
        uuencoded(text, files, maxFiles);
        if (html) {
            dataUrls(text, files, maxFiles);
        }
        return files;
    }

    /** Uuencoded blocks: a {@code begin <mode> <name>} line, then lines whose first character gives their length. */
    private static void uuencoded(byte[] text, List<File> files, int maxFiles) {
        int line = 0;
        while (line < text.length && files.size() < maxFiles) {
            int end = lineEnd(text, line);
            if (startsWith(text, line, end, BEGIN)) {
                String name = beginName(text, line + BEGIN.length, end);
                if (name != null) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    line = uudecode(text, next(text, end), out);
                    files.add(new File(name, out.toByteArray()));
                    continue;
                }
            }
            line = next(text, end);
        }
    }

    /** The name after {@code begin } and a mode of octal digits, or null if the line is not a begin line. */
    private static String beginName(byte[] text, int from, int end) {
        int i = from;
        while (i < end && text[i] >= '0' && text[i] <= '7') {
            i++;
        }
        if (i - from < 3 || i - from > 4 || i >= end || text[i] != ' ') {
            return null;
        }
        String name = new String(text, i + 1, end - i - 1, StandardCharsets.ISO_8859_1).strip();
        if (name.isEmpty()) {
            return null;
        }
        return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
    }

    /** Decodes uuencoded lines from {@code line} to the {@code end} line; returns where decoding stopped. */
    private static int uudecode(byte[] text, int line, ByteArrayOutputStream out) {
        while (line < text.length) {
            int end = lineEnd(text, line);
            if (end - line >= 3 && text[line] == 'e' && text[line + 1] == 'n' && text[line + 2] == 'd') {
                return next(text, end);
            }
            if (end == line) {
                return next(text, end); // an empty line ends a block cut short
            }
            int count = (text[line] - ' ') & 0x3f;
            int have = 0;
            int value = 0;
            int written = 0;
            for (int i = line + 1; i < end && written < count; i++) {
                value = (value << 6) | ((text[i] - ' ') & 0x3f);
                if (++have == 4) {
                    for (int shift = 16; shift >= 0 && written < count; shift -= 8, written++) {
                        out.write((value >> shift) & 0xff);
                    }
                    have = 0;
                    value = 0;
                }
            }
            line = next(text, end);
        }
        return line;
    }

    /** {@code data:[<media type>][;base64],<data>} URLs, wherever they stand in the HTML. */
    private static void dataUrls(byte[] text, List<File> files, int maxFiles) {
        int i = 0;
        while (files.size() < maxFiles && (i = indexOfIgnoreCase(text, DATA, i)) >= 0) {
            int headerStart = i + DATA.length;
            int comma = headerStart;
            while (comma < text.length && comma - headerStart <= MAX_DATA_HEADER && text[comma] != ','
                    && isHeaderChar(text[comma])) {
                comma++;
            }
            if (comma >= text.length || text[comma] != ',') {
                i = headerStart;
                continue;
            }
            String header = new String(text, headerStart, comma - headerStart, StandardCharsets.ISO_8859_1)
                    .toLowerCase(Locale.ROOT);
            char quote = i > 0 && (text[i - 1] == '"' || text[i - 1] == '\'') ? (char) text[i - 1] : 0;
            int end = comma + 1;
            while (end < text.length && !ends(text[end], quote)) {
                end++;
            }
            byte[] data = header.endsWith(";base64")
                    ? base64(text, comma + 1, end)
                    : percentDecoded(text, comma + 1, end);
            String type = header.endsWith(";base64") ? header.substring(0, header.length() - 7) : header;
            files.add(new File("embedded-" + (files.size() + 1) + extension(type), data));
            i = end;
        }
    }

    /**
     * Where a URL's data ends: at its attribute's closing quote, or (unquoted, or in CSS and script) at white space,
     * a quote, or {@code < > )}. URL parsers drop tabs and line breaks inside a URL, so those never end it.
     */
    private static boolean ends(byte b, char quote) {
        if (b == '\t' || b == '\r' || b == '\n') {
            return false;
        }
        if (quote != 0) {
            return b == quote;
        }
        return b == ' ' || b == '"' || b == '\'' || b == '<' || b == '>' || b == ')';
    }

    private static boolean isHeaderChar(byte b) {
        return b > ' ' && b < 127 && b != '"' && b != '\'' && b != '<' && b != '>';
    }

    private static String extension(String mediaType) {
        int semicolon = mediaType.indexOf(';');
        String type = (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).strip();
        return switch (type) {
            case "text/html" -> ".html";
            case "text/plain", "" -> ".txt";
            case "application/pdf" -> ".pdf";
            case "application/zip", "application/x-zip-compressed" -> ".zip";
            default -> ".bin";
        };
    }

    /** Forgiving base64 (as browsers decode data URLs): anything outside the alphabet is skipped. */
    private static byte[] base64(byte[] text, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((to - from) * 3 / 4 + 3);
        int value = 0;
        int have = 0;
        for (int i = from; i < to; i++) {
            int digit = base64Digit(text[i]);
            if (digit < 0) {
                continue;
            }
            value = (value << 6) | digit;
            if (++have == 4) {
                out.write(value >> 16);
                out.write(value >> 8);
                out.write(value);
                have = 0;
                value = 0;
            }
        }
        if (have == 3) {
            out.write(value >> 10);
            out.write(value >> 2);
        } else if (have == 2) {
            out.write(value >> 4);
        }
        return out.toByteArray();
    }

    private static int base64Digit(byte b) {
        if (b >= 'A' && b <= 'Z') {
            return b - 'A';
        }
        if (b >= 'a' && b <= 'z') {
            return b - 'a' + 26;
        }
        if (b >= '0' && b <= '9') {
            return b - '0' + 52;
        }
        return b == '+' || b == '-' ? 62 : b == '/' || b == '_' ? 63 : -1;
    }

    private static byte[] percentDecoded(byte[] text, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = text[i];
            if (b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            if (b == '%' && i + 2 < to && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
                out.write(hex(text[i + 1]) << 4 | hex(text[i + 2]));
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        return b >= '0' && b <= '9'
                ? b - '0'
                : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
    }

    private static int lineEnd(byte[] text, int from) {
        int end = from;
        while (end < text.length && text[end] != '\n') {
            end++;
        }
        return end > from && text[end - 1] == '\r' ? end - 1 : end;
    }

    /** The start of the line after the one ending at {@code end} (at its CR or LF, or the end of the text). */
    private static int next(byte[] text, int end) {
        int i = end;
        if (i < text.length && text[i] == '\r') {
            i++;
        }
        return i < text.length && text[i] == '\n' ? i + 1 : Math.max(i, end + 1);
    }

    private static boolean startsWith(byte[] text, int from, int end, byte[] prefix) {
        if (end - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (text[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOfIgnoreCase(byte[] text, byte[] pattern, int from) {
        outer : for (int i = Math.max(from, 0); i <= text.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (Character.toLowerCase(text[i + j]) != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
