package io.moat.mime;

import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * A header section as its bytes stand, edited field by field: fields added at the top, one replaced or taken out,
 * every other byte (8-bit text, folding, line breaks) written back as it was read. The bytes are held as ISO-8859-1
 * text, which maps each byte to one character and back. {@link HeaderSection} says what the fields mean; this class
 * only moves their bytes.
 */
final class HeaderFields {

    static final String CRLF = "\r\n";
    /** A value is cut to this many characters, so that even an unbreakable one stays within RFC 5322's 998. */
    static final int MAX_VALUE = 900;

    /** One field: its name (null for a line that is not one, such as an mbox {@code From } line) and raw text. */
    private record Field(String name, String raw) {
    }

    private final List<Field> added = new ArrayList<>();
    private final List<Field> fields;
    /** The empty line that ends the section; empty when the message ends inside its header section. */
    private final String end;

    private HeaderFields(List<Field> fields, String end) {
        this.fields = fields;
        this.end = end;
    }

    /** The fields of a header section, {@code section} being its bytes up to the content (empty line included). */
    static HeaderFields parse(byte[] section) {
        String text = new String(section, StandardCharsets.ISO_8859_1);
        List<Field> fields = new ArrayList<>();
        int line = 0;
        while (line < text.length()) {
            int lf = text.indexOf('\n', line);
            int next = lf < 0 ? text.length() : lf + 1;
            String raw = text.substring(line, next);
            if (raw.equals(CRLF) || raw.equals("\n")) {
                return new HeaderFields(fields, text.substring(line));
            }
            char first = raw.charAt(0);
            if ((first == ' ' || first == '\t') && !fields.isEmpty()) {
                Field last = fields.remove(fields.size() - 1);
                fields.add(new Field(last.name(), last.raw() + raw));
            } else {
                int colon = raw.indexOf(':');
                String name = colon > 0 ? raw.substring(0, colon).strip() : null;
                fields.add(new Field(name == null || name.isEmpty() ? null : name, raw));
            }
            line = next;
        }
        return new HeaderFields(fields, "");
    }

    /** Adds a field at the top, after those added before it. */
    void add(String name, String value) {
        added.add(new Field(name, field(name, value)));
    }

    /** Whether the section has a field of this name. */
    boolean has(String name) {
        return fields.stream().anyMatch(f -> name.equalsIgnoreCase(f.name()))
                || added.stream().anyMatch(f -> name.equalsIgnoreCase(f.name()));
    }

    /**
     * Replaces the first field of this name by {@code rawField} (a whole field, its line break included), or adds it
     * at the top if there is none.
     */
    void replace(String name, String rawField) {
        for (int i = 0; i < fields.size(); i++) {
            if (name.equalsIgnoreCase(fields.get(i).name())) {
                fields.set(i, new Field(name, rawField));
                return;
            }
        }
        added.add(new Field(name, rawField));
    }

    /**
     * Puts {@code tag} before the first {@code Subject} field's value, which is kept as it stands (encoded-words,
     * folding); adds a {@code Subject} holding the tag if there is none.
     *
     * @return false if the subject already starts with the tag
     */
    boolean tagSubject(String tag) {
        String clean = clean(tag);
        for (int i = 0; i < fields.size(); i++) {
            Field field = fields.get(i);
            if (!"Subject".equalsIgnoreCase(field.name())) {
                continue;
            }
            String raw = field.raw();
            String value = raw.substring(raw.indexOf(':') + 1);
            String decoded = HeaderSection.decodedText(MimeUtility.unfold(value).strip());
            if (decoded.regionMatches(true, 0, clean, 0, clean.length())) {
                return false;
            }
            int start = 0;
            while (start < value.length() && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
                start++;
            }
            String rest = value.substring(start);
            boolean empty = rest.isEmpty() || rest.charAt(0) == '\r' || rest.charAt(0) == '\n';
            String name = raw.substring(0, raw.indexOf(':'));
            fields.set(i, new Field(field.name(), name + ": " + encoded(clean) + (empty ? "" : " ") + rest));
            return true;
        }
        add("Subject", tag);
        return true;
    }

    /**
     * Takes out the {@code Content-*} fields (type, transfer encoding, disposition, ...), which describe the
     * content, not the message.
     *
     * @return their raw text, in order
     */
    String removeContentFields() {
        StringBuilder removed = new StringBuilder();
        for (Iterator<Field> it = fields.iterator(); it.hasNext();) {
            Field field = it.next();
            if (field.name() != null && field.name().toLowerCase(Locale.ROOT).startsWith("content-")) {
                removed.append(field.raw());
                it.remove();
            }
        }
        return removed.toString();
    }

    /**
     * Writes the section: the added fields, the others as they were, and the empty line that ends it (one is written
     * if the section had none: the caller writes content after it).
     */
    void write(OutputStream out) throws IOException {
        StringBuilder text = new StringBuilder();
        added.forEach(f -> text.append(f.raw()));
        fields.forEach(f -> text.append(f.raw()));
        if (end.isEmpty()) {
            if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
                text.append(CRLF);
            }
            text.append(CRLF);
        } else {
            text.append(end);
        }
        out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * A header field, line break included: the value cleaned ({@link #clean}), RFC 2047-encoded in UTF-8 if it is not
     * ASCII, and folded at white space within 76 characters (RFC 5322 section 2.2.3).
     */
    static String field(String name, String value) {
        String encoded = encoded(clean(value));
        String folded = MimeUtility.fold(name.length() + 2, encoded);
        int firstLine = folded.indexOf('\r') < 0 ? folded.length() : folded.indexOf('\r');
        if (name.length() + 2 + firstLine > 76 && !encoded.equals(clean(value))) {
            // an encoded-word cannot be broken: it starts on a line of its own (RFC 2047 section 2)
            return name + ":" + CRLF + " " + MimeUtility.fold(1, encoded) + CRLF;
        }
        return name + ": " + folded + CRLF;
    }

    /** The value as RFC 2047 encoded-words in UTF-8 if it is not ASCII, else as it is. */
    private static String encoded(String value) {
        if (Octets.ascii(value)) {
            return value;
        }
        try {
            return MimeUtility.encodeText(value, "UTF-8", null);
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    /**
     * One line of text fit for a header: a line break (CRLF, CR or LF) or a tab becomes a space, other control and
     * format characters (bidirectional overrides, zero-width) go, and the text is cut to {@link #MAX_VALUE}
     * characters.
     */
    static String clean(String value) {
        StringBuilder clean = new StringBuilder(Math.min(value.length(), MAX_VALUE));
        for (int i = 0; i < value.length() && clean.length() < MAX_VALUE; i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\t') {
                if (c == '\t' || clean.length() == 0 || clean.charAt(clean.length() - 1) != ' '
                        || i == 0 || value.charAt(i - 1) != '\r') {
                    clean.append(' '); // a line break is one space, CRLF or not
                }
            } else if (!Character.isISOControl(c) && Character.getType(c) != Character.FORMAT
                    && !Character.isSurrogate(c) || Character.isSurrogate(c) && validSurrogate(value, i)) {
                clean.append(c);
            }
        }
        if (clean.length() > 0 && Character.isHighSurrogate(clean.charAt(clean.length() - 1))) {
            clean.setLength(clean.length() - 1); // its pair was cut off
        }
        return clean.toString().strip();
    }

    /** Whether the surrogate at {@code i} is half of a well-formed pair (a lone one cannot be written as UTF-8). */
    private static boolean validSurrogate(String value, int i) {
        char c = value.charAt(i);
        return Character.isHighSurrogate(c)
                ? i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }
}
