package io.moat.mime;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.SharedFileInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes a stored message again with {@link Marks} on it: header fields and a subject tag at the top, a disclaimer
 * in its body text, and blocked entities replaced by a short text part that says what was removed and why.
 * Everything else is copied byte for byte from the spool file: the header fields it does not touch, the MIME
 * structure (preamble, boundaries, epilogue), and every part it does not rewrite, so that the clean attachments of a
 * message whose infected one was removed arrive exactly as they were sent.
 *
 * <p>The message is never held whole: it is read through ranges of one {@link SharedFileInputStream}, like
 * {@link AttachmentExtractor} reads it, and the structure is read with the extractor's own pieces
 * ({@link HeaderSection}, {@link MultipartScanner}) within {@link MimeLimits}, so that both see the same parts. A
 * structure it cannot read (a header section past its limit, an ambiguous or encoded multipart, a multipart whose
 * delimiter never appears) ends the rewrite with an {@link IOException}: the caller fails closed rather than
 * deliver a guess.
 *
 * <p>The disclaimer goes into the first {@code text/plain} and the first {@code text/html} body (not an attachment)
 * found through the message's multiparts, never inside a forwarded message nor inside a signed or encrypted entity.
 * Each is decoded and written again as UTF-8 quoted-printable with the notice in it ({@link TextBody}); a part whose
 * charset or encoding cannot be decoded is left alone and the result says so. A message without such a part gets a
 * new {@code text/plain} part: the first or last of its top-level {@code multipart/mixed}; any other message (a
 * single part, or a top-level multipart of another kind, whose parts mean something by their place, such as
 * {@code multipart/alternative}) is put into a new {@code multipart/mixed} beside it.
 *
 * <p>Signed and encrypted mail ({@code multipart/signed}, PGP/MIME's {@code multipart/encrypted}, S/MIME's
 * {@code application/pkcs7-mime}, RFC 1847, RFC 3156, RFC 8551) keeps its body: no disclaimer, since changing a byte
 * breaks the signature, and RFC 3156 gives {@code multipart/encrypted} exactly two parts. Header fields and the tag
 * are outside what is signed. Such an entity below the top is not walked into either: the notice goes into a body
 * outside it, or into a part of its own. Removals are made anyway (blocked content is not delivered to keep a
 * signature valid), and one within a signed or encrypted entity makes the result say the signature is broken.
 */
public final class MessageMarker {

    private static final int WRITE_BUFFER = 64 * 1024;
    /** How far into a multipart without a boundary parameter its first delimiter line is looked for. */
    private static final int MAX_PREAMBLE = 64 * 1024;
    /** The result's one-line summary is cut to this many characters (the message record's column). */
    static final int MAX_SUMMARY = 250;
    private static final SecureRandom RANDOM = new SecureRandom();

    private MessageMarker() {
    }

    /**
     * What the marker did to one message, for its record and the console.
     *
     * @param subjectTagged the subject tag was added (false if there was none, or the subject had it already)
     * @param headersAdded the names of the header fields added, in order
     * @param disclaimerIn where the disclaimer went: {@code text}, {@code html}, {@code added part},
     *        {@code wrapped}, or {@code skipped: <why>} (per body part where one was skipped); empty without one
     * @param removed how many entities were replaced by a text part
     * @param replaced how many parts were replaced by a file (a sanitized copy)
     * @param signed the message is signed (or S/MIME {@code signed-data}) at its top level
     * @param encrypted the message is encrypted (PGP/MIME {@code multipart/encrypted}, S/MIME
     *        {@code enveloped-data}) at its top level
     * @param signatureBroken content was removed from within a signed or encrypted entity (the message, or one of its
     *        parts), so that entity no longer verifies
     */
    public record Result(boolean subjectTagged, List<String> headersAdded, List<String> disclaimerIn, int removed,
            int replaced, boolean signed, boolean encrypted, boolean signatureBroken) {

        public Result {
            headersAdded = List.copyOf(headersAdded);
            disclaimerIn = List.copyOf(disclaimerIn);
        }

        /** One ASCII line of at most 250 characters: what was done, or {@code unchanged}. */
        public String summary() {
            List<String> done = new ArrayList<>();
            if (subjectTagged) {
                done.add("subject tagged");
            }
            if (!headersAdded.isEmpty()) {
                done.add("headers " + String.join(", ", headersAdded));
            }
            if (!disclaimerIn.isEmpty()) {
                done.add("disclaimer " + String.join(", ", disclaimerIn.stream()
                        .map(d -> d.startsWith("skipped") ? d : "in " + d).toList()));
            }
            if (removed > 0) {
                done.add(removed + (removed == 1 ? " part removed" : " parts removed"));
            }
            if (replaced > 0) {
                done.add(replaced + (replaced == 1 ? " part sanitized" : " parts sanitized"));
            }
            if (signatureBroken) {
                done.add("signature broken");
            } else if (encrypted) {
                done.add("encrypted");
            } else if (signed) {
                done.add("signed");
            }
            String line = done.isEmpty() ? "unchanged" : String.join("; ", done);
            StringBuilder ascii = new StringBuilder();
            line.chars().forEach(c -> ascii.append(c >= 32 && c < 127 ? (char) c : '?'));
            return ascii.length() <= MAX_SUMMARY ? ascii.toString() : ascii.substring(0, MAX_SUMMARY - 3) + "...";
        }
    }

    /** As {@link #mark(Path, Marks, OutputStream, MimeLimits)} with the default limits. */
    public static Result mark(Path message, Marks marks, OutputStream out) throws IOException {
        return mark(message, marks, out, MimeLimits.DEFAULT);
    }

    /**
     * Writes {@code message} to {@code out} with {@code marks} on it; {@code out} is flushed, not closed.
     *
     * @throws IOException the message cannot be read, its structure cannot be read within {@code limits}, a removal
     *         is not a range of the message, or {@code out} fails; what was written to {@code out} is then not a
     *         message to deliver
     */
    public static Result mark(Path message, Marks marks, OutputStream out, MimeLimits limits) throws IOException {
        return MailApiLoader.call(() -> {
            try (Source spool = Source.spool(message)) {
                Rewrite rewrite = new Rewrite(spool, marks, limits);
                OutputStream buffered = new BufferedOutputStream(out, WRITE_BUFFER);
                Result result = rewrite.write(buffered);
                buffered.flush(); // not closed: the stream is the caller's
                return result;
            } catch (RuntimeException e) {
                // a header value or part Jakarta Mail's parsers choke on: no guess is delivered
                throw new IOException("message " + message.getFileName() + " could not be rewritten: "
                        + TextBody.printable(e.toString()), e);
            }
        });
    }

    /**
     * One MIME entity of the spool file: header section and content ({@code [contentStart, end)}); {@code type} null
     * if its Content-Type cannot be parsed.
     */
    private record Entity(long start, long contentStart, long end, HeaderSection header, ContentType type) {
    }

    /** Writes one piece of the output in place of {@code [start, end)} of the spool file. */
    private interface Piece {
        void write(OutputStream out) throws IOException;
    }

    private record Edit(long start, long end, Piece piece) {
    }

    /** The rewrite of one message: what is to change where, then the output written in one pass. */
    private static final class Rewrite {
        final Source spool;
        final Marks marks;
        final MimeLimits limits;
        final Entity top;
        final HeaderFields topFields;
        final List<Marks.Removal> removals;
        /** The replacements to make: those inside a removal are left out (the removal takes them). */
        final List<Marks.Replacement> replacements;
        final List<Edit> edits = new ArrayList<>();
        final List<String> disclaimerIn = new ArrayList<>();
        boolean topChanged;
        /** The message is signed or encrypted at its top level: its body is not touched but by removals. */
        final boolean sealed;
        final boolean encrypted;

        Rewrite(Source spool, Marks marks, MimeLimits limits) throws IOException {
            this.spool = spool;
            this.marks = marks;
            this.limits = limits;
            this.top = entity(0, spool.size());
            this.topFields = HeaderFields.parse(spool.bytes(0, top.contentStart()));
            this.removals = outermost(marks.removals(), spool.size());
            for (Marks.Removal removal : removals) {
                if (removal.entityStart() < top.contentStart()
                        && (removal.entityStart() != 0 || removal.entityEnd() != spool.size())) {
                    throw new IOException("a removal (" + removal.entityStart() + ".." + removal.entityEnd()
                            + ") is not an entity of the message: it starts in its header section; not rewritten");
                }
            }
            this.sealed = sealed(top.type());
            this.encrypted = sealed && encrypted(top.type());
            this.replacements = new ArrayList<>();
            for (Marks.Replacement replacement : marks.replacements()) {
                if (!removed(replacement.entityStart(), replacement.entityEnd())) {
                    replacements.add(replacement);
                }
            }
        }

        Result write(OutputStream out) throws IOException {
            List<String> added = new ArrayList<>();
            for (Marks.Header header : marks.headers()) {
                topFields.add(header.name(), header.value());
                added.add(header.name());
                topChanged = true;
            }
            boolean tagged = marks.subjectTag() != null && topFields.tagSubject(marks.subjectTag());
            topChanged |= tagged;
            boolean whole = removals.size() == 1 && removals.get(0).entityStart() == 0
                    && removals.get(0).entityEnd() == spool.size();
            if (whole) {
                replaceWhole(out, removals.get(0));
            } else {
                for (Marks.Removal removal : removals) {
                    edits.add(new Edit(removal.entityStart(), removal.entityEnd(),
                            o -> o.write(replacement(removal.replacementText()))));
                }
                for (Marks.Replacement replacement : replacements) {
                    replaceContent(replacement);
                }
                if (marks.disclaimer() != null) {
                    disclaimer(marks.disclaimer());
                }
                if (topChanged) {
                    edits.add(new Edit(0, top.contentStart(), topFields::write));
                }
                apply(out);
            }
            return new Result(tagged, added, disclaimerIn, removals.size(), whole ? 0 : replacements.size(),
                    sealed && !encrypted, encrypted, brokenSeal());
        }

        /**
         * Whether a removal or a replacement is made within a signed or encrypted entity: the message itself, or a
         * part of it that holds the changed entity (not one removed whole, which takes its signature with it).
         */
        private boolean brokenSeal() throws IOException {
            if (removals.isEmpty() && replacements.isEmpty()) {
                return false;
            }
            if (sealed) {
                return true;
            }
            for (Marks.Removal removal : removals) {
                if (withinSeal(removal.entityStart(), removal.entityEnd())) {
                    return true;
                }
            }
            for (Marks.Replacement replacement : replacements) {
                if (withinSeal(replacement.entityStart(), replacement.entityEnd())) {
                    return true;
                }
            }
            return false;
        }

        /** Whether an entity that holds {@code [start, end)} (not that entity itself) is signed or encrypted. */
        private boolean withinSeal(long start, long end) throws IOException {
            for (Entity entity : chain(start, end)) {
                if (entity.start() == start && entity.end() == end) {
                    return false; // the changed entity itself
                }
                if (sealed(entity.type())) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The entities from the top down through those that hold {@code [start, end)} (multiparts, forwarded messages
         * in place, as the extractor reported them): the last is the entity at exactly that range, or the innermost
         * that holds it when none is.
         */
        private List<Entity> chain(long start, long end) throws IOException {
            List<Entity> chain = new ArrayList<>();
            Entity entity = top;
            for (int depth = 0; depth <= limits.maxDepth(); depth++) {
                chain.add(entity);
                if (entity.start() == start && entity.end() == end) {
                    return chain;
                }
                ContentType type = entity.type();
                if (type == null) {
                    return chain;
                }
                Entity holder = null;
                if (type.match("multipart/*")) {
                    long content = entity.contentStart();
                    for (MultipartScanner.Range range : parts(entity, limits.maxParts())) {
                        if (content + range.start() <= start && end <= content + range.end()) {
                            holder = entity(content + range.start(), content + range.end());
                            break;
                        }
                    }
                } else if (type.match("message/rfc822") && entity.header().identityEncoding()) {
                    holder = entity(entity.contentStart(), entity.end());
                }
                if (holder == null) {
                    return chain;
                }
                entity = holder;
            }
            throw unreadable("MIME nesting deeper than " + limits.maxDepth() + " levels");
        }

        /**
         * Plans a part's content replaced by a file: the part must be one entity of the message that holds content
         * (not a multipart, not a forwarded message), else nothing is written. Its header fields stay but those that
         * describe the new content: the transfer encoding (base64), and with a new name the type and disposition.
         */
        private void replaceContent(Marks.Replacement r) throws IOException {
            List<Entity> chain = chain(r.entityStart(), r.entityEnd());
            Entity part = chain.get(chain.size() - 1);
            if (part.start() != r.entityStart() || part.end() != r.entityEnd()) {
                throw new IOException("a replacement (" + r.entityStart() + ".." + r.entityEnd() + ") is not an entity"
                        + " of the message; not rewritten");
            }
            ContentType type = part.type();
            if (type == null || type.match("multipart/*") || type.match("message/*")) {
                throw new IOException("a replacement (" + r.entityStart() + ".." + r.entityEnd() + ") is not a"
                        + " single part but " + (type == null ? "an unreadable type" : type.getBaseType())
                        + "; not rewritten");
            }
            HeaderFields fields = part.start() == 0
                    ? topFields
                    : HeaderFields.parse(spool.bytes(part.start(), part.contentStart()));
            describe(fields, part, r);
            boolean whole = part.start() == 0;
            if (whole) {
                topChanged = true;
                edits.add(new Edit(part.contentStart(), part.end(), o -> base64(r.file(), o, true)));
            } else {
                edits.add(new Edit(part.start(), part.end(), o -> {
                    fields.write(o);
                    base64(r.file(), o, false);
                }));
            }
        }

        /** Sets the fields that describe a replaced part's new content. */
        private void describe(HeaderFields fields, Entity part, Marks.Replacement r) throws IOException {
            fields.replace("Content-Transfer-Encoding", "Content-Transfer-Encoding: base64\r\n");
            if (r.fileName() == null) {
                return;
            }
            try {
                ContentType type = new ContentType(r.contentType() != null
                        ? r.contentType()
                        : part.type().getBaseType());
                type.setParameterList(named("name", r.fileName()));
                fields.replace("Content-Type", "Content-Type: " + type.toString() + "\r\n");
                String disposition = part.header().attachment(part.type()) ? "attachment" : "inline";
                jakarta.mail.internet.ContentDisposition cd = new jakarta.mail.internet.ContentDisposition(
                        disposition, named("filename", r.fileName()));
                fields.replace("Content-Disposition", "Content-Disposition: " + cd.toString() + "\r\n");
            } catch (ParseException e) {
                throw new IOException("the sanitized part's content type '" + TextBody.printable(r.contentType())
                        + "' cannot be written: " + e.getMessage(), e);
            }
        }

        /** A single-part message removed whole: its header fields but Content-*, then the replacement. */
        private void replaceWhole(OutputStream out, Marks.Removal removal) throws IOException {
            topFields.removeContentFields();
            if (!topFields.has("MIME-Version")) {
                topFields.add("MIME-Version", "1.0");
            }
            String text = removal.replacementText();
            if (marks.disclaimer() != null) {
                DisclaimerText notice = new DisclaimerText(marks.disclaimer());
                text = marks.disclaimer().position() == Marks.Disclaimer.Position.TOP
                        ? notice.text() + "\r\n\r\n" + text
                        : text + "\r\n\r\n" + notice.text();
                disclaimerIn.add("text");
            }
            byte[] part = replacement(text);
            int split = headerEnd(part);
            String partHeader = new String(part, 0, split, StandardCharsets.ISO_8859_1);
            for (String field : partHeader.split("\r\n")) {
                int colon = field.indexOf(':');
                if (colon > 0) {
                    topFields.replace(field.substring(0, colon), field + "\r\n");
                }
            }
            topFields.write(out);
            out.write(part, split + 2, part.length - split - 2);
        }

        /** Where the header of a part made by {@link #replacement} ends: the index of its empty line's CRLF. */
        private static int headerEnd(byte[] part) {
            for (int i = 0; i + 3 < part.length; i++) {
                if (part[i] == '\r' && part[i + 1] == '\n' && part[i + 2] == '\r' && part[i + 3] == '\n') {
                    return i + 2;
                }
            }
            throw new IllegalStateException("a part made here has a header section");
        }

        private void disclaimer(Marks.Disclaimer disclaimer) throws IOException {
            if (sealed) {
                disclaimerIn.add(encrypted ? "skipped: message is encrypted" : "skipped: message is signed");
                return;
            }
            DisclaimerText notice = new DisclaimerText(disclaimer);
            BodyFinder bodies = new BodyFinder();
            bodies.entity(top, 0);
            if (bodies.plain != null) {
                insert(bodies.plain, false, notice.text(), disclaimer.position(), "text");
            }
            if (bodies.html != null) {
                insert(bodies.html, true, notice.htmlBlock(), disclaimer.position(), "html");
            }
            if (bodies.plain != null || bodies.html != null) {
                return; // a body that could not be rewritten stays as it is, and the result says why
            }
            byte[] part = newPart(notice.text());
            boolean first = disclaimer.position() == Marks.Disclaimer.Position.TOP;
            if (bodies.firstPart >= 0) {
                String delimiter = "\r\n--" + bodies.boundary + "\r\n";
                edits.add(first
                        ? new Edit(bodies.firstPart, bodies.firstPart, o -> {
                            o.write(part);
                            o.write(ascii(delimiter));
                        })
                        : new Edit(bodies.lastPartEnd, bodies.lastPartEnd, o -> {
                            o.write(ascii(delimiter));
                            o.write(part);
                        }));
                disclaimerIn.add("added part");
            } else if (bodies.boundary != null) {
                disclaimerIn.add("skipped: a multipart without parts");
            } else {
                wrap(part, first);
                disclaimerIn.add("wrapped");
            }
        }

        /**
         * The message's content (a single part, or a multipart that is not {@code mixed}) put into a new
         * multipart/mixed beside the notice's part.
         */
        private void wrap(byte[] part, boolean first) {
            String boundary = "=_moat_" + HexFormat.of().formatHex(randomBytes());
            String content = topFields.removeContentFields();
            if (!topFields.has("MIME-Version")) {
                topFields.add("MIME-Version", "1.0");
            }
            topFields.replace("Content-Type", "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n");
            topChanged = true;
            String open = "--" + boundary + "\r\n";
            String between = "\r\n--" + boundary + "\r\n";
            String close = "\r\n--" + boundary + "--\r\n";
            long at = top.contentStart();
            edits.add(new Edit(at, at, o -> {
                o.write(ascii(open));
                if (first) {
                    o.write(part);
                    o.write(ascii(between));
                }
                o.write(content.getBytes(StandardCharsets.ISO_8859_1));
                o.write(ascii("\r\n"));
            }));
            long end = spool.size();
            edits.add(new Edit(end, end, o -> {
                if (!first) {
                    o.write(ascii(between));
                    o.write(part);
                }
                o.write(ascii(close));
            }));
        }

        private static byte[] randomBytes() {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            return bytes;
        }

        /**
         * Plans the rewrite of one body part with the notice in it; if it cannot be decoded, the result says why and
         * the part stays as it is.
         */
        private void insert(Entity part, boolean html, String notice, Marks.Disclaimer.Position position,
                String kind) throws IOException {
            HeaderSection header = part.header();
            TextBody.Plan plan = TextBody.plan(() -> spool.stream(part.contentStart(), part.end()), header,
                    part.type(), html, position);
            if (plan.skipped() != null) {
                disclaimerIn.add("skipped " + kind + ": " + plan.skipped());
                return;
            }
            ContentType type;
            try {
                type = new ContentType(part.type().toString()); // a copy: the part's own stays as it was read
            } catch (ParseException e) {
                throw unreadable("a Content-Type that cannot be written again: " + e.getMessage());
            }
            type.setParameter("charset", "utf-8");
            String contentType = "Content-Type: " + type + "\r\n";
            String encoding = "Content-Transfer-Encoding: quoted-printable\r\n";
            if (part.start() == 0) {
                topFields.replace("Content-Type", contentType);
                topFields.replace("Content-Transfer-Encoding", encoding);
                topChanged = true;
            } else {
                HeaderFields fields = HeaderFields.parse(spool.bytes(part.start(), part.contentStart()));
                fields.replace("Content-Type", contentType);
                fields.replace("Content-Transfer-Encoding", encoding);
                edits.add(new Edit(part.start(), part.contentStart(), fields::write));
            }
            edits.add(new Edit(part.contentStart(), part.end(), o -> TextBody.write(
                    () -> spool.stream(part.contentStart(), part.end()), header, plan, notice, !html, o)));
            disclaimerIn.add(kind);
        }

        /** Copies the spool file to {@code out} with each edit's piece in place of its range. */
        private void apply(OutputStream out) throws IOException {
            edits.sort(Comparator.comparingLong(Edit::start).thenComparingLong(Edit::end));
            long position = 0;
            for (Edit edit : edits) {
                if (edit.start() < position) {
                    throw new IOException("two changes to the message overlap at byte " + edit.start()
                            + "; not rewritten");
                }
                copy(position, edit.start(), out);
                edit.piece().write(out);
                position = edit.end();
            }
            copy(position, spool.size(), out);
        }

        private void copy(long start, long end, OutputStream out) throws IOException {
            if (end > start) {
                try (InputStream in = spool.stream(start, end)) {
                    in.transferTo(out);
                }
            }
        }

        /** The entity in {@code [start, end)}: its header section read within the limit, its content type. */
        private Entity entity(long start, long end) throws IOException {
            HeaderSection header;
            try (InputStream in = spool.stream(start, end)) {
                header = HeaderSection.read(in, limits.maxHeaderBytes());
            } catch (MessagingException e) {
                throw unreadable(e.getMessage());
            }
            if (header == null) {
                throw unreadable("a header section over " + limits.maxHeaderBytes() + " bytes");
            }
            return new Entity(start, Math.min(end, start + header.contentOffset()), end, header,
                    header.contentType());
        }

        /** The parts of the multipart {@code entity}, at most {@code room} of them (one more says there are more). */
        private List<MultipartScanner.Range> parts(Entity entity, int room) throws IOException {
            if (!entity.header().identityEncoding()) {
                throw unreadable("a multipart in Content-Transfer-Encoding " + entity.header().encoding());
            }
            String delimiter = delimiter(entity);
            try (InputStream in = spool.stream(entity.contentStart(), entity.end())) {
                return MultipartScanner.scanAtMost(in, delimiter, room);
            } catch (MessagingException e) {
                throw unreadable(e.getMessage());
            }
        }

        /** The multipart's boundary: its parameter, else the one its first delimiter line shows. */
        private String delimiter(Entity entity) throws IOException {
            String delimiter = entity.type().getParameter("boundary");
            if (delimiter != null) {
                return delimiter;
            }
            try (InputStream in = spool.stream(entity.contentStart(), entity.end())) {
                return MultipartScanner.guessBoundary(in, MAX_PREAMBLE);
            } catch (MessagingException e) {
                throw unreadable(e.getMessage());
            }
        }

        /**
         * Finds the first plain-text and HTML bodies through the multiparts, in the order a mail client shows them,
         * and where the parts of a top-level {@code multipart/mixed} lie. A signed or encrypted entity is not walked
         * into: a notice inside it would break it.
         */
        private final class BodyFinder {
            int entities;
            Entity plain;
            Entity html;
            String boundary;
            long firstPart = -1;
            long lastPartEnd = -1;

            void entity(Entity entity, int depth) throws IOException {
                if (++entities > limits.maxParts()) {
                    throw unreadable("more than " + limits.maxParts() + " MIME parts");
                }
                if (depth > limits.maxDepth()) {
                    throw unreadable("MIME nesting deeper than " + limits.maxDepth() + " levels");
                }
                if (removed(entity.start(), entity.end()) || replaced(entity.start(), entity.end())) {
                    return; // what is taken out gets no notice, nor what becomes a sanitized file
                }
                String ambiguity = entity.header().ambiguity();
                if (ambiguity != null) {
                    throw unreadable("ambiguous MIME structure: " + ambiguity);
                }
                ContentType type = entity.type();
                if (type == null) {
                    throw unreadable("an unreadable Content-Type");
                }
                if (sealed(type)) {
                    return; // signed or encrypted: left as it is
                }
                if (type.match("multipart/*")) {
                    multipart(entity, depth);
                } else if (!entity.header().attachment(type)) {
                    if (plain == null && type.match("text/plain")) {
                        plain = entity;
                    } else if (html == null && type.match("text/html")) {
                        html = entity;
                    }
                }
            }

            private void multipart(Entity entity, int depth) throws IOException {
                long content = entity.contentStart();
                int room = limits.maxParts() - entities;
                List<MultipartScanner.Range> ranges = parts(entity, room);
                if (ranges.size() > room) {
                    throw unreadable("more than " + limits.maxParts() + " MIME parts");
                }
                if (depth == 0 && entity.type().match("multipart/mixed")) {
                    boundary = delimiter(entity);
                    if (!ranges.isEmpty()) {
                        firstPart = content + ranges.get(0).start();
                        lastPartEnd = content + ranges.get(ranges.size() - 1).end();
                    }
                }
                for (MultipartScanner.Range range : ranges) {
                    if (plain != null && html != null) {
                        return;
                    }
                    entity(Rewrite.this.entity(content + range.start(), content + range.end()), depth + 1);
                }
            }
        }

        /** Whether {@code [start, end)} is a part replaced by a file. */
        private boolean replaced(long start, long end) {
            return replacements.stream().anyMatch(r -> r.entityStart() == start && r.entityEnd() == end);
        }

        /** Whether {@code [start, end)} lies within a removal. */
        private boolean removed(long start, long end) {
            return removals.stream().anyMatch(r -> r.entityStart() <= start && end <= r.entityEnd());
        }
    }

    /**
     * Whether an entity of this type is signed or encrypted as a whole, so that changing a byte of it breaks it:
     * {@code multipart/signed} (RFC 1847), {@code multipart/encrypted} (RFC 1847, PGP/MIME's RFC 3156), S/MIME's
     * {@code application/pkcs7-mime} (RFC 8551, any {@code smime-type}).
     */
    private static boolean sealed(ContentType type) {
        return type != null && (type.match("multipart/signed") || type.match("multipart/encrypted")
                || type.match("application/pkcs7-mime") || type.match("application/x-pkcs7-mime"));
    }

    /** Whether a {@link #sealed} entity is encrypted rather than (only) signed. */
    private static boolean encrypted(ContentType type) {
        if (type.match("multipart/encrypted")) {
            return true;
        }
        String smime = type.getParameter("smime-type");
        return smime != null && (smime.strip().equalsIgnoreCase("enveloped-data")
                || smime.strip().equalsIgnoreCase("authEnveloped-data"));
    }

    /**
     * The removals to make: within the message, sorted, those inside another left out (the outer one takes the
     * inner with it).
     *
     * @throws IOException a range runs past the message, or two overlap without one holding the other (not
     *         entities of one message)
     */
    private static List<Marks.Removal> outermost(List<Marks.Removal> removals, long size) throws IOException {
        List<Marks.Removal> sorted = new ArrayList<>(removals);
        sorted.sort(Comparator.comparingLong(Marks.Removal::entityStart)
                .thenComparing(Comparator.comparingLong(Marks.Removal::entityEnd).reversed()));
        List<Marks.Removal> kept = new ArrayList<>();
        for (Marks.Removal removal : sorted) {
            if (removal.entityEnd() > size) {
                throw new IOException("a removal (" + removal.entityStart() + ".." + removal.entityEnd()
                        + ") runs past the message's " + size + " bytes; not rewritten");
            }
            Marks.Removal last = kept.isEmpty() ? null : kept.get(kept.size() - 1);
            if (last != null && removal.entityStart() < last.entityEnd()) {
                if (removal.entityEnd() <= last.entityEnd()) {
                    continue; // inside the one before
                }
                throw new IOException("two removals overlap (" + last.entityStart() + ".." + last.entityEnd()
                        + ", " + removal.entityStart() + ".." + removal.entityEnd() + "); not rewritten");
            }
            kept.add(removal);
        }
        return kept;
    }

    /**
     * The text part that stands for a removed entity: {@code text/plain} in UTF-8, inline, in 7bit when the text is
     * ASCII in short lines, else quoted-printable (so no 8-bit path is needed downstream).
     */
    static byte[] replacement(String text) throws IOException {
        String clean = DisclaimerText.lines(text);
        boolean plain = Octets.ascii(clean) && clean.lines().allMatch(l -> l.length() <= 76);
        ByteArrayOutputStream part = new ByteArrayOutputStream(clean.length() + 200);
        part.write(ascii("Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: " + (plain ? "7bit" : "quoted-printable") + "\r\n"
                + "Content-Disposition: inline\r\n\r\n"));
        byte[] utf8 = (clean + "\r\n").getBytes(StandardCharsets.UTF_8);
        if (plain) {
            part.write(utf8);
        } else {
            try {
                OutputStream qp = MimeUtility.encode(part, "quoted-printable");
                qp.write(utf8);
                qp.flush();
            } catch (MessagingException e) {
                throw new IOException("quoted-printable is always available: " + e.getMessage(), e);
            }
        }
        return part.toByteArray();
    }

    /**
     * One parameter, {@code name=value}: as it is when the value is printable ASCII, else RFC 2231-encoded in UTF-8
     * ({@code name*=utf-8''...}), which is how mail clients expect a file name that is not ASCII.
     */
    static jakarta.mail.internet.ParameterList named(String name, String value) {
        jakarta.mail.internet.ParameterList list = new jakarta.mail.internet.ParameterList();
        String clean = value.replaceAll("\\p{Cntrl}", "");
        if (Octets.ascii(clean)) {
            list.set(name, clean);
        } else {
            list.set(name, clean, "utf-8");
        }
        return list;
    }

    /**
     * Writes {@code file} in base64 (RFC 2045 section 6.8: lines of 76 characters, CRLF between them), streamed. The
     * line break after the last line is written only at the end of the message ({@code last}); within a multipart
     * the delimiter's own CRLF follows.
     */
    static void base64(Path file, OutputStream out, boolean last) throws IOException {
        OutputStream kept = new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush(); // the message goes on: the stream is the caller's
            }
        };
        try (OutputStream encoder = java.util.Base64.getMimeEncoder().wrap(kept);
                InputStream in = java.nio.file.Files.newInputStream(file)) {
            in.transferTo(encoder);
        }
        if (last) {
            out.write(ascii("\r\n"));
        }
    }

    /** A new inline text part holding the notice, for a message without a body text part. */
    private static byte[] newPart(String text) throws IOException {
        return replacement(text);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static IOException unreadable(String why) {
        return new IOException("the message's MIME structure cannot be read (" + TextBody.printable(why)
                + "); not rewritten");
    }

}
