package io.moat.mime;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.HeaderTokenizer;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The header section of one MIME entity (RFC 5322 section 2.2, RFC 2045), read only up to a byte limit: Jakarta
 * Mail's own parser reads each header line whole into memory, so a 40 MB header line would be 40 MB of heap (and
 * twice that as a string). The section ends at the first empty line; lines may end in CRLF or a bare LF (decoded
 * forwarded messages often use LF).
 */
final class HeaderSection {

    private static final int CHUNK = 4096;

    private final InternetHeaders headers;
    private final long contentOffset;

    private HeaderSection(InternetHeaders headers, long contentOffset) {
        this.headers = headers;
        this.contentOffset = contentOffset;
    }

    /**
     * Reads the header section at the start of {@code entity}.
     *
     * @param maxBytes the longest section taken, its closing empty line included
     * @return the section, or null when it is longer than {@code maxBytes}
     */
    static HeaderSection read(InputStream entity, int maxBytes) throws IOException, MessagingException {
        byte[] bytes = new byte[Math.min(CHUNK, maxBytes)];
        int length = 0;
        int searched = 0;
        while (true) {
            int end = endOfSection(bytes, searched, length);
            if (end >= 0) {
                return parse(bytes, end);
            }
            searched = Math.max(0, length - 2); // the terminator may straddle two reads
            if (length == maxBytes) {
                return entity.read() < 0 ? parse(bytes, length) : null;
            }
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(maxBytes, bytes.length * 2));
            }
            int n = entity.read(bytes, length, bytes.length - length);
            if (n < 0) {
                return parse(bytes, length); // no empty line: all header, no content (as Jakarta Mail reads it)
            }
            length += n;
        }
    }

    /**
     * Where the content starts: after the first empty line among {@code bytes[0, length)} (at the very start, or
     * after a line break), searching from {@code from}; -1 if there is none yet.
     */
    private static int endOfSection(byte[] bytes, int from, int length) {
        if (from == 0 && length > 0) {
            if (bytes[0] == '\n') {
                return 1;
            }
            if (length > 1 && bytes[0] == '\r' && bytes[1] == '\n') {
                return 2;
            }
        }
        for (int i = Math.max(from, 0); i < length - 1; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            if (bytes[i + 1] == '\n') {
                return i + 2;
            }
            if (bytes[i + 1] == '\r' && i + 2 < length && bytes[i + 2] == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    private static HeaderSection parse(byte[] bytes, int end) throws MessagingException {
        return new HeaderSection(new InternetHeaders(new ByteArrayInputStream(bytes, 0, end)), end);
    }

    /** Where the entity's content starts, in bytes from the entity's first byte. */
    long contentOffset() {
        return contentOffset;
    }

    /** The first value of a header, unfolded; null if there is none. */
    String first(String name) {
        String[] values = headers.getHeader(name);
        return values == null || values.length == 0 ? null : MimeUtility.unfold(values[0]).strip();
    }

    /** The transfer encoding, in lower case; null for none (identity). */
    String encoding() {
        String encoding = first("Content-Transfer-Encoding");
        if (encoding == null) {
            return null;
        }
        int end = encoding.indexOf(';');
        return (end < 0 ? encoding : encoding.substring(0, end)).strip().toLowerCase(Locale.ROOT);
    }

    /** Whether the transfer encoding leaves the content as it is (none, 7bit, 8bit, binary). */
    boolean identityEncoding() {
        String encoding = encoding();
        return encoding == null || encoding.isEmpty() || encoding.equals("7bit") || encoding.equals("8bit")
                || encoding.equals("binary");
    }

    /** The entity's content type; text/plain without a header (RFC 2045 5.2), null if it cannot be parsed. */
    ContentType contentType() {
        String value = first("Content-Type");
        if (value == null) {
            return new ContentType("text", "plain", null);
        }
        try {
            return new ContentType(value);
        } catch (ParseException e) {
            return null;
        }
    }

    /** The disposition ({@code inline}, {@code attachment}) in lower case; null if none or unreadable. */
    String disposition() {
        String value = first("Content-Disposition");
        if (value == null) {
            return null;
        }
        try {
            return new ContentDisposition(value).getDisposition().toLowerCase(Locale.ROOT);
        } catch (ParseException e) {
            return null;
        }
    }

    /** The part's file name: the disposition's {@code filename}, else the type's {@code name}, RFC 2047-decoded. */
    String fileName(ContentType type) {
        String name = null;
        String disposition = first("Content-Disposition");
        if (disposition != null) {
            try {
                name = new ContentDisposition(disposition).getParameter("filename");
            } catch (ParseException e) {
                name = null;
            }
        }
        if (name == null && type != null) {
            name = type.getParameter("name");
        }
        return name == null ? null : decodedText(name);
    }

    /**
     * Whether the entity is an attachment rather than a body, as mail clients show it: it has a file name, or its
     * disposition says so.
     */
    boolean attachment(ContentType type) {
        return fileName(type) != null || "attachment".equals(disposition());
    }

    /** The entity's content, {@code raw}, decoded by this section's transfer encoding (see {@link #decoded}). */
    InputStream decoded(InputStream raw) throws MessagingException {
        return decoded(raw, encoding());
    }

    /**
     * Content decoded by its transfer encoding: base64 through {@link Base64DecodingStream}, quoted-printable and
     * uuencode through Jakarta Mail; identity and unknown encodings as they are (an unknown one is scanned raw
     * rather than not at all).
     */
    static InputStream decoded(InputStream raw, String encoding) throws MessagingException {
        if (encoding == null) {
            return raw;
        }
        return switch (encoding) {
            case "base64" -> new Base64DecodingStream(raw);
            case "quoted-printable", "uuencode", "x-uuencode", "x-uue" -> MimeUtility.decode(raw, encoding);
            default -> raw;
        };
    }

    /** Header text with its RFC 2047 encoded-words decoded; as it is where a charset is unknown. */
    static String decodedText(String text) {
        if (text == null) {
            return null;
        }
        try {
            return MimeUtility.decodeText(text);
        } catch (UnsupportedEncodingException e) {
            return text;
        }
    }

    /**
     * What makes this header section mean two things, or null: two {@code Content-Type},
     * {@code Content-Transfer-Encoding} or {@code Content-Disposition} headers, or one parameter given twice in
     * {@code Content-Type} (two {@code boundary} parameters, or one plain and one in RFC 2231 parts). Mail clients differ in which one they take, so a scanner that picks one may
     * inspect a structure the recipient never sees (the classic way to smuggle a part past a gateway).
     */
    String ambiguity() {
        for (String name : new String[]{"Content-Type", "Content-Transfer-Encoding", "Content-Disposition"}) {
            String[] values = headers.getHeader(name);
            if (values != null && values.length > 1) {
                return values.length + " " + name + " headers";
            }
        }
        String type = first("Content-Type");
        String twice = type == null ? null : repeatedParameter(type);
        return twice == null ? null : "Content-Type with two " + twice + " parameters";
    }

    /** The name of the first parameter given twice in a structured header value, or null. */
    private static String repeatedParameter(String value) {
        HeaderTokenizer tokens = new HeaderTokenizer(value, HeaderTokenizer.MIME);
        Set<String> seen = new HashSet<>();
        Set<String> encoded = new HashSet<>();
        try {
            HeaderTokenizer.Token token = tokens.next();
            // skip the type itself up to the first ';'
            while (token.getType() != HeaderTokenizer.Token.EOF && token.getType() != ';') {
                token = tokens.next();
            }
            while (token.getType() != HeaderTokenizer.Token.EOF) {
                token = tokens.next(); // after ';': the parameter's name
                if (token.getType() != HeaderTokenizer.Token.ATOM) {
                    return null; // malformed, or a trailing ';': Jakarta Mail's parser decides what it means
                }
                String name = token.getValue().toLowerCase(Locale.ROOT);
                // RFC 2231: "name*" and "name*0", "name*1"... are one parameter in parts; given beside a plain
                // "name", the two say different things
                int star = name.indexOf('*');
                String base = star < 0 ? name : name.substring(0, star);
                if (!seen.add(name) || (star < 0 ? encoded.contains(base) : seen.contains(base))) {
                    return base;
                }
                if (star >= 0) {
                    encoded.add(base);
                }
                do {
                    token = tokens.next();
                } while (token.getType() != HeaderTokenizer.Token.EOF && token.getType() != ';');
            }
        } catch (ParseException e) {
            return null;
        }
        return null;
    }
}
