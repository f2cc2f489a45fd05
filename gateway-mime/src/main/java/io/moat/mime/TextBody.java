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
    /** How far after {@code <body} its closing {@code >} is looked for (attributes). */
    private static final int MAX_BODY_TAG = 4096;

    /**
     * Where the notice goes in the part's decoded text, in characters from its start ({@code -1}: at its end), or
     * why the part is left as it is.
     */
    record Plan(Charset charset, long insertAt, String skipped) {

        static Plan skip(String why) {
            return new Plan(null, 0, why);
        }
    }

    private TextBody() {
    }

    /**
     * Reads the part once: whether its transfer encoding and charset can be decoded, and where the notice goes: the
     * start or end of plain text; in HTML after the first {@code <body ...>} tag (TOP) or before the last
     * {@code </body>} (BOTTOM), else at the start or end.
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
            return new Plan(charset, top ? 0 : -1, null);
        }
        long at = top ? body.openEnd : body.lastClose;
        return new Plan(charset, at >= 0 ? at : top ? 0 : -1, null);
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
                        : lead + notice + "\r\n");
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
     * {@code </body>} begins, case-insensitively.
     */
    private static final class TagFinder {
        private static final char[] OPEN = "<body".toCharArray();
        private static final char[] CLOSE = "</body".toCharArray();

        long openEnd = -1;
        long lastClose = -1;
        private int open;
        private int close;
        /** Inside the first body tag, after its name: -1 not there; else the quote being skipped, or 0. */
        private int inTag = -1;
        private long tagStart;

        void scan(char[] chunk, int n, long offset) {
            for (int i = 0; i < n; i++) {
                char c = Character.toLowerCase(chunk[i]);
                long position = offset + i;
                if (inTag >= 0) {
                    if (inTag == 0 && c == '>') {
                        openEnd = position + 1;
                        inTag = -1;
                    } else if (c == '"' || c == '\'') {
                        inTag = inTag == 0 ? c : inTag == c ? 0 : inTag;
                    }
                    if (inTag >= 0 && position - tagStart > MAX_BODY_TAG) {
                        inTag = -1; // not a tag after all
                    }
                    continue;
                }
                if (openEnd < 0) {
                    if (open == OPEN.length) {
                        open = 0;
                        if (c == '>') {
                            openEnd = position + 1;
                            continue;
                        }
                        if (Character.isWhitespace(c) || c == '/') {
                            inTag = 0;
                            tagStart = position;
                            continue;
                        }
                    }
                    open = c == OPEN[open] ? open + 1 : c == '<' ? 1 : 0;
                }
                if (close == CLOSE.length) {
                    if (c == '>' || Character.isWhitespace(c)) {
                        lastClose = position - CLOSE.length;
                    }
                    close = 0;
                }
                close = c == CLOSE[close] ? close + 1 : c == '<' ? 1 : 0;
            }
        }
    }
}
