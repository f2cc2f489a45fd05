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
    /**
     * A value is cut to this many characters (its last one then an ellipsis), so that even an unbreakable one stays
     * within RFC 5322's 998 octets a line (section 2.1.1) after a field name of at most {@link Marks#MAX_NAME}.
     */
    static final int MAX_VALUE = 900;
    /**
     * A subject tag is cut to this many characters (its last one then an ellipsis): a tag is a word or two, but a
     * placeholder in it (a verdict naming a file) may hold hundreds, which would push the subject out of sight.
     */
    static final int MAX_TAG = 200;
    private static final String ELLIPSIS = "\u2026";
    /** An encoded-word is at most 75 characters (RFC 2047 section 2). */
    private static final int MAX_WORD = 75;
    private static final String Q_WORD = "=?UTF-8?Q?";
    /** A line is kept within 78 characters where it can be (RFC 5322 section 2.1.1). */
    private static final int LINE = 78;

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
     * Puts {@code tag} (cleaned, cut to {@link #MAX_TAG}) before the first {@code Subject} field's value, which is
     * kept as it stands (encoded-words, folding); adds a {@code Subject} holding the tag if there is none. The tag is
     * folded, and the old value starts on a line of its own when the first line would pass 78 characters, so that no
     * line grows longer than the longest the subject had.
     *
     * @return false if the subject already starts with the tag
     */
    boolean tagSubject(String tag) {
        String clean = clean(tag, MAX_TAG);
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
            String word = encoded(clean);
            if (!empty && !word.equals(clean) && rest.startsWith("=?")) {
                // white space between two encoded-words is not shown (RFC 2047 section 6.2): the tag's space goes in
                word = encoded(clean + " ");
            }
            String head = laidOut(name, word, !word.equals(clean));
            int tagLine = head.length() - head.lastIndexOf('\n') - 1;
            int breakAt = rest.indexOf('\r') >= 0 ? rest.indexOf('\r') : rest.indexOf('\n');
            int restLine = breakAt < 0 ? rest.length() : breakAt;
            String between = empty ? "" : tagLine + 1 + restLine > LINE ? CRLF + " " : " ";
            fields.set(i, new Field(field.name(), head + between + rest));
            return true;
        }
        added.add(new Field("Subject", field("Subject", clean)));
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
        String clean = clean(value);
        String encoded = encoded(clean);
        return laidOut(name, encoded, !encoded.equals(clean)) + CRLF;
    }

    /**
     * A field's name and value, without its line break: the value folded at white space within 76 characters; if it
     * is encoded-words and the first of them would pass that, they start on a line of their own, since an
     * encoded-word cannot be broken (RFC 2047 section 2).
     */
    private static String laidOut(String name, String value, boolean encodedWords) {
        String folded = MimeUtility.fold(name.length() + 2, value);
        int firstLine = folded.indexOf('\r') < 0 ? folded.length() : folded.indexOf('\r');
        if (name.length() + 2 + firstLine > 76 && encodedWords) {
            return name + ":" + CRLF + " " + MimeUtility.fold(1, value);
        }
        return name + ": " + folded;
    }

    /**
     * The value as RFC 2047 encoded-words in UTF-8 if it is not ASCII or holds an {@code =?} (which a mail client
     * could take for the start of an encoded-word, showing what it decodes to instead: a value from a file name must
     * not be able to write the header's text), else as it is.
     */
    private static String encoded(String value) {
        if (Octets.ascii(value)) {
            return value.contains("=?") ? qWords(value) : value;
        }
        try {
            return MimeUtility.encodeText(value, "UTF-8", null);
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    /**
     * ASCII text as RFC 2047 "Q" encoded-words (section 4.2), each within 75 characters and separated by a space
     * (which is not shown between encoded-words): letters and digits as they are, a space as {@code _}, anything else
     * as {@code =XX}.
     */
    private static String qWords(String ascii) {
        StringBuilder words = new StringBuilder(ascii.length() * 2);
        StringBuilder word = new StringBuilder(MAX_WORD);
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            String q = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    ? String.valueOf(c)
                    : c == ' ' ? "_" : String.format("=%02X", (int) c);
            if (Q_WORD.length() + word.length() + q.length() + 2 > MAX_WORD) {
                words.append(Q_WORD).append(word).append("?= ");
                word.setLength(0);
            }
            word.append(q);
        }
        return words.append(Q_WORD).append(word).append("?=").toString();
    }

    /** {@link #clean(String, int)} to {@link #MAX_VALUE} characters. */
    static String clean(String value) {
        return clean(value, MAX_VALUE);
    }

    /**
     * One line of text fit for a header: a line break (CRLF, CR or LF) or a tab becomes a space, other control and
     * format characters (bidirectional overrides, zero-width) go, and text longer than {@code max} characters is cut
     * to {@code max - 1} and an ellipsis.
     */
    static String clean(String value, int max) {
        StringBuilder clean = new StringBuilder(Math.min(value.length(), max + 1));
        for (int i = 0; i < value.length(); i++) {
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
        String text = clean.toString().strip();
        if (text.length() <= max) {
            return text;
        }
        int cut = max - 1;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--; // not half a pair
        }
        return text.substring(0, cut).stripTrailing() + ELLIPSIS;
    }

    /** Whether the surrogate at {@code i} is half of a well-formed pair (a lone one cannot be written as UTF-8). */
    private static boolean validSurrogate(String value, int i) {
        char c = value.charAt(i);
        return Character.isHighSurrogate(c)
                ? i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }
}
