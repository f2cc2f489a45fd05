package io.moat.mime;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A body text part rewritten with a notice in it: its content decoded (transfer encoding, then charset), the notice
 * inserted, and the whole written back as UTF-8 in quoted-printable, which keeps the lines of mostly ASCII text
 * readable and every line within RFC 5322's limit whatever the text. Two passes over the part, both streaming: the
 * first proves the part decodes and finds where the notice goes in HTML, the second writes. Line breaks come out as
 * CRLF.
 */
final class TextBody {

    private static final int CHUNK = 8192;

    /**
     * Where the notice goes in the part's decoded text, in characters from its start ({@code -1}: at its end), or
     * why the part is left as it is.
     *
     * @param closer written before a notice at the end of HTML, to close what is left open there (a comment, a
     *        {@code <style>}, ...) so that the notice is shown; empty otherwise
     */
    record Plan(Charset charset, long insertAt, String closer, String skipped) {

        static Plan skip(String why) {
            return new Plan(null, 0, "", why);
        }
    }

    private TextBody() {
    }

    /**
     * Reads the part once: whether its transfer encoding and charset can be decoded, and where the notice goes: the
     * start or end of plain text; in HTML after the first {@code <body ...>} tag (TOP) or before the last
     * {@code </body>} (BOTTOM), as a browser finds them ({@link TagFinder}: not in a comment, a script, ...), else at
     * the start or end, past what is left open there.
     */
    static Plan plan(Supplier<InputStream> content, HeaderSection header, ContentType type, boolean html,
            Marks.Disclaimer.Position position) {
        String encoding = header.encoding();
        if (!header.identityEncoding() && !"quoted-printable".equals(encoding) && !"base64".equals(encoding)) {
            return Plan.skip("transfer encoding " + printable(encoding) + " not rewritten");
        }
        String name = type.getParameter("charset");
        Charset charset;
        try {
            charset = Charset.forName(MimeUtility.javaCharset(name == null ? "us-ascii" : name.strip()));
        } catch (IllegalArgumentException e) {
            return Plan.skip("unknown charset " + printable(name));
        }
        boolean top = position == Marks.Disclaimer.Position.TOP;
        TagFinder body = html ? new TagFinder() : null;
        try (InputStream data = header.decoded(content.get());
                Reader text = new InputStreamReader(data, charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT))) {
            char[] chunk = new char[CHUNK];
            long offset = 0;
            int n;
            while ((n = text.read(chunk)) >= 0) {
                if (body != null) {
                    body.scan(chunk, n, offset);
                }
                offset += n;
            }
        } catch (CharacterCodingException e) {
            return Plan.skip("text not valid " + charset.name());
        } catch (MessagingException | IOException e) {
            return Plan.skip("content not decodable (" + printable(e.getMessage()) + ")");
        }
        if (body == null) {
            return new Plan(charset, top ? 0 : -1, "", null);
        }
        long at = top ? body.openEnd : body.lastClose;
        if (at >= 0 || top) {
            return new Plan(charset, Math.max(at, 0), "", null);
        }
        return new Plan(charset, -1, body.closer(), null);
    }

    /**
     * Writes the part's content decoded by {@code plan}, with {@code notice} inserted where the plan says, as UTF-8
     * quoted-printable: what belongs after a header with {@code charset=utf-8} and
     * {@code Content-Transfer-Encoding: quoted-printable}.
     *
     * @param separate whether the notice is plain text, kept apart from the text by an empty line
     */
    static void write(Supplier<InputStream> content, HeaderSection header, Plan plan, String notice, boolean separate,
            OutputStream out) throws IOException {
        try (InputStream data = header.decoded(content.get());
                Reader text = new InputStreamReader(data, plan.charset().newDecoder()
                        .onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE))) {
            OutputStream qp = MimeUtility.encode(out, "quoted-printable");
            Writer utf8 = new OutputStreamWriter(qp, StandardCharsets.UTF_8);
            char[] chunk = new char[CHUNK];
            long offset = 0;
            char last = '\n';
            boolean inserted = false;
            int n;
            while ((n = text.read(chunk)) >= 0) {
                int from = 0;
                if (!inserted && plan.insertAt() >= 0 && plan.insertAt() < offset + n) {
                    int at = (int) (plan.insertAt() - offset);
                    utf8.write(chunk, 0, at);
                    utf8.write(separate ? notice + "\r\n\r\n" : "\r\n" + notice + "\r\n");
                    inserted = true;
                    from = at;
                }
                utf8.write(chunk, from, n - from);
                if (n > 0) {
                    last = chunk[n - 1];
                }
                offset += n;
            }
            if (!inserted) {
                boolean atEnd = plan.insertAt() < 0;
                String lead = last == '\n' || last == '\r' || !atEnd ? "" : "\r\n";
                utf8.write(separate
                        ? lead + (offset > 0 && atEnd ? "\r\n" : "") + notice + "\r\n"
                        : lead + (atEnd ? plan.closer() : "") + notice + "\r\n");
            }
            utf8.flush();
            qp.flush(); // not closed: the caller's stream goes on
        } catch (MessagingException e) {
            throw new IOException("a text part could not be encoded: " + e.getMessage(), e);
        }
    }

    /** Up to 40 characters of a value for a reason, printable ASCII only. */
    static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder clean = new StringBuilder();
        value.chars().limit(40).forEach(c -> clean.append(c >= 32 && c < 127 ? (char) c : '?'));
        return clean.toString();
    }

    /**
     * Finds, in HTML read a chunk at a time, where the first {@code <body ...>} tag ends and where the last
     * {@code </body>} begins, case-insensitively, as a browser's tokenizer sees them (HTML Living Standard, section
     * 13.2.5): not inside a comment, a {@code <!...>} or {@code <?...>} declaration, another tag's attributes, an
     * element whose content is text ({@code script}, {@code style}, {@code textarea}, {@code title}, {@code xmp},
     * {@code iframe}, {@code noembed}, {@code noframes}, {@code plaintext}) or a {@code template}, where a notice would
     * not be shown. At the end it knows what is still open there ({@link #closer}), so that a notice added at the end
     * of the document is not swallowed by an unclosed comment either. It reads one character at a time and keeps a
     * few characters of state, whatever the size of the part.
     */
    private static final class TagFinder {

        private enum State {
            TEXT, LESS_THAN, END_TAG_OPEN, TAG_NAME, IN_TAG, DECLARATION, COMMENT, BOGUS_COMMENT, RAW_TEXT, SCRIPT
        }

        /** The elements whose content is text up to their end tag (RCDATA, RAWTEXT and PLAINTEXT of the standard). */
        private static final Set<String> RAW = Set.of("style", "textarea", "title", "xmp",
                "iframe", "noembed", "noframes", "plaintext");
        /** Longer than any name looked for: longer names are not kept whole. */
        private static final int MAX_NAME = 12;

        long openEnd = -1;
        long lastClose = -1;
        private State state = State.TEXT;
        private long tagStart;
        private final StringBuilder name = new StringBuilder(MAX_NAME + 1);
        private boolean endTag;
        /** In a tag: the quote of the attribute value being read, or 0. */
        private char quote;
        /** In a tag: after an {@code =}, before its value. */
        private boolean valueNext;
        /** After {@code <!}: how many dashes followed. */
        private int declarationDashes;
        /** In a comment: the dashes just read, whether a {@code !} followed two, how many characters it has. */
        private int dashes;
        private boolean bang;
        private long commentLength;
        /** In a text element: its name, and the last characters read (lower case) to find its end tag. */
        private String rawName;
        private final StringBuilder recent = new StringBuilder(16);
        /** In a script: 0 plain, 1 after {@code <!--} (escaped), 2 after {@code <script} in that (double escaped). */
        private int scriptEscape;
        private int templates;

        void scan(char[] chunk, int n, long offset) {
            for (int i = 0; i < n; i++) {
                char c = chunk[i];
                step(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c, offset + i); // ASCII only, as HTML does
            }
        }

        /** HTML's white space: tab, line feed, form feed, carriage return, space. */
        private static boolean space(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
        }

        private void step(char c, long position) {
            switch (state) {
                case TEXT -> {
                    if (c == '<') {
                        state = State.LESS_THAN;
                        tagStart = position;
                    }
                }
                case LESS_THAN -> {
                    if (c == '!') {
                        state = State.DECLARATION;
                        declarationDashes = 0;
                    } else if (c == '/') {
                        state = State.END_TAG_OPEN;
                    } else if (c == '?') {
                        state = State.BOGUS_COMMENT;
                    } else if (c >= 'a' && c <= 'z') {
                        startName(c, false);
                    } else {
                        state = State.TEXT;
                        step(c, position); // a '<' that opens nothing is text; this one may open something
                    }
                }
                case END_TAG_OPEN -> {
                    if (c >= 'a' && c <= 'z') {
                        startName(c, true);
                    } else {
                        state = c == '>' ? State.TEXT : State.BOGUS_COMMENT;
                    }
                }
                case TAG_NAME -> {
                    if (space(c) || c == '/' || c == '>') {
                        named();
                        if (c == '>') {
                            tagEnd(position);
                        } else {
                            state = State.IN_TAG;
                            quote = 0;
                            valueNext = false;
                        }
                    } else if (name.length() <= MAX_NAME) {
                        name.append(c);
                    }
                }
                case IN_TAG -> inTag(c, position);
                case DECLARATION -> {
                    if (c == '-' && ++declarationDashes == 2) {
                        state = State.COMMENT;
                        dashes = 0;
                        bang = false;
                        commentLength = 0;
                    } else if (c != '-') {
                        state = c == '>' ? State.TEXT : State.BOGUS_COMMENT;
                    }
                }
                case COMMENT -> comment(c);
                case BOGUS_COMMENT -> {
                    if (c == '>') {
                        state = State.TEXT;
                    }
                }
                case RAW_TEXT -> rawText(c);
                case SCRIPT -> script(c);
            }
        }

        private void startName(char c, boolean end) {
            state = State.TAG_NAME;
            endTag = end;
            name.setLength(0);
            name.append(c);
        }

        /** The name of a tag has been read: a {@code </body} outside a template is where a notice may go. */
        private void named() {
            if (endTag && templates == 0 && "body".contentEquals(name)) {
                lastClose = tagStart;
            }
        }

        private void inTag(char c, long position) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '>') {
                tagEnd(position);
            } else if (c == '=') {
                valueNext = true;
            } else if (valueNext && !space(c)) {
                valueNext = false;
                if (c == '"' || c == '\'') {
                    quote = c;
                }
            }
        }

        /** The {@code >} of a tag at {@code position}: what the tag opens or closes. */
        private void tagEnd(long position) {
            state = State.TEXT;
            String tag = name.toString();
            if (endTag) {
                if ("template".equals(tag) && templates > 0) {
                    templates--;
                }
                return;
            }
            if ("body".equals(tag) && templates == 0 && openEnd < 0) {
                openEnd = position + 1;
            } else if ("template".equals(tag)) {
                templates++;
            } else if ("script".equals(tag)) {
                state = State.SCRIPT;
                scriptEscape = 0;
                recent.setLength(0);
            } else if (RAW.contains(tag)) {
                state = State.RAW_TEXT;
                rawName = tag;
                recent.setLength(0);
            }
        }

        private void comment(char c) {
            if (c == '>' && (dashes >= 2 || bang || commentLength == dashes && dashes <= 1)) {
                state = State.TEXT; // -->, --!>, and the abrupt <!--> and <!--->
                return;
            }
            if (c == '-') {
                dashes = bang ? 1 : dashes + 1;
                bang = false;
            } else if (c == '!' && dashes >= 2) {
                bang = true;
            } else {
                dashes = 0;
                bang = false;
            }
            commentLength++;
        }

        /** The content of a text element, up to its end tag ({@code plaintext} has none). */
        private void rawText(char c) {
            if (!"plaintext".equals(rawName) && endOf("</" + rawName, c)) {
                endTagOfText(c, rawName);
            }
            remember(c);
        }

        /**
         * A script's content: it ends at {@code </script}, except where a {@code <!--} in it is followed by a
         * {@code <script} (until {@code -->}), as the standard's script data states have it.
         */
        private void script(char c) {
            boolean terminator = space(c) || c == '/' || c == '>';
            if (terminator && endsWith("</script")) {
                if (scriptEscape == 2) {
                    scriptEscape = 1;
                } else {
                    endTagOfText(c, "script");
                    return;
                }
            } else if (terminator && scriptEscape == 1 && endsWith("<script")) {
                scriptEscape = 2;
            } else if (c == '-' && scriptEscape == 0 && endsWith("<!-")) {
                scriptEscape = 1;
            } else if (c == '>' && scriptEscape > 0 && endsWith("--")) {
                scriptEscape = 0;
            }
            remember(c);
        }

        /** Whether {@code c} ends the tag name {@code tag} just read. */
        private boolean endOf(String tag, char c) {
            return (space(c) || c == '/' || c == '>') && endsWith(tag);
        }

        /** The end tag of a text element, its name read and {@code c} after it. */
        private void endTagOfText(char c, String tag) {
            recent.setLength(0);
            endTag = true;
            name.setLength(0);
            name.append(tag);
            if (c == '>') {
                state = State.TEXT;
            } else {
                state = State.IN_TAG;
                quote = 0;
                valueNext = false;
            }
        }

        private boolean endsWith(String text) {
            int length = recent.length();
            return length >= text.length() && recent.indexOf(text, length - text.length()) == length - text.length();
        }

        private void remember(char c) {
            if (recent.length() == 15) {
                recent.deleteCharAt(0);
            }
            recent.append(c);
        }

        /**
         * What closes what is open at the end of the document, for a notice written there: a comment, a declaration,
         * a tag or its quoted value, a text element, templates. Empty when nothing is open, and for
         * {@code plaintext}, which nothing closes (the notice is then shown as text).
         */
        String closer() {
            String open = switch (state) {
                case TEXT, LESS_THAN -> "";
                case COMMENT -> "-->";
                case END_TAG_OPEN, TAG_NAME, DECLARATION, BOGUS_COMMENT -> ">";
                case IN_TAG -> (quote == 0 ? "" : String.valueOf(quote)) + ">";
                case RAW_TEXT -> "plaintext".equals(rawName) ? "" : "</" + rawName + ">";
                case SCRIPT -> scriptEscape == 0 ? "</script>" : "--></script>";
            };
            if (state == State.TAG_NAME || state == State.IN_TAG) {
                open += tagCloser();
            }
            return open + "</template>".repeat(templates);
        }

        /** A start tag cut short at the end opens its element when its {@code >} is written: close that too. */
        private String tagCloser() {
            String tag = name.toString();
            if (endTag) {
                return "";
            }
            if ("script".equals(tag) || RAW.contains(tag) && !"plaintext".equals(tag)) {
                return "</" + tag + ">";
            }
            return "template".equals(tag) ? "</template>" : "";
        }
    }
}
