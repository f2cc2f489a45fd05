package io.moat.mime;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.util.SharedByteArrayInputStream;
import jakarta.mail.util.SharedFileInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes a message apart for scanning: every leaf of its MIME tree, the text and HTML bodies as much as the
 * attachments, forwarded messages opened, and the files a body carries in its text ({@link EmbeddedFiles}). Each
 * part is decoded into memory while the message's parts fit in the budget the caller gives, otherwise into a file of
 * its own in the parts folder (created when the first one is written). The message is read from the spool file
 * through views of one {@link SharedFileInputStream}, one part at a time, so no part larger than the budget is ever
 * loaded whole into memory.
 *
 * <p>Hostile input is bounded by {@link MimeLimits}: entities, nesting, header bytes, decoded bytes. Past a limit the
 * walk stops (or skips the part it cannot read) and says so with an {@link Finding.Kind#UNINSPECTED} finding, so
 * that the message is never delivered as if it had been inspected whole; what was found up to then is still scanned.
 * A structure that means two things to two readers (two {@code Content-Type} headers, two {@code boundary}
 * parameters) is a {@link Finding.Kind#SUSPICIOUS} finding rather than a guess. A message whose MIME structure
 * cannot be read at all is scanned as one file, never passed as clean.
 *
 * <p>Parts held in memory save creating, writing and removing a folder and a file per attachment, which on ext4
 * cost about a quarter of the gateway's CPU (ADR 0032). Whoever needs them after the claim that extracted them
 * writes them out with {@link Extraction#keep(Path)}.
 */
public final class AttachmentExtractor {

    private static final Logger LOG = Logger.getLogger(AttachmentExtractor.class.getName());
    /** A forwarded message decoded from base64 or quoted-printable is held in memory up to this size. */
    private static final int NESTED_IN_MEMORY = 1024 * 1024;
    /** How far into a multipart without a boundary parameter its first delimiter line is looked for. */
    private static final int MAX_PREAMBLE = 64 * 1024;
    /** Text bodies are searched for embedded files up to this size; a larger one is a finding. */
    static final int MAX_MINED_TEXT = 8 * 1024 * 1024;
    /** Text bodies too large to be held searched for embedded files one at a time, across all workers. */
    private static final Semaphore MINING_FROM_FILES = new Semaphore(1);
    /** The findings of one kind a message records; the first few say enough. */
    private static final int MAX_FINDINGS = 5;
    private AttachmentExtractor() {
    }

    /**
     * What the extraction itself concluded about a part, without Core: the structure was ambiguous (SUSPICIOUS),
     * or could not be inspected within the limits (UNINSPECTED).
     */
    public record Finding(Kind category, String label) {

        /** The two conclusions the extraction draws on its own; the pipeline records them as verdicts of the part. */
        public enum Kind {
            /** The structure can be read two ways (duplicate headers, encoded multiparts): a part could hide. */
            SUSPICIOUS,
            /** A limit stopped the walk, or a part could not be read: what it held was not scanned. */
            UNINSPECTED
        }
    }

    /**
     * One part to scan, or a finding ({@code finding} not null; then {@code partName} is empty and nothing is
     * scanned). {@code partName} is its file name in the parts folder.
     *
     * @param entityStart where, in the message file, the outermost MIME entity that holds the part begins (its header
     *        section's first byte): the part's own entity when it was walked in place; the encoded forwarded message
     *        it was decoded from; the text part an embedded file was found in; 0 for a single-part message. Taking
     *        that entity out of the message ({@link MessageMarker}, {@link Marks.Removal}) removes the part. -1 for a
     *        finding.
     * @param entityEnd where that entity ends (exclusive; the line break before the next delimiter is not in it); -1
     *        for a finding
     * @param body whether the part is a text or HTML body (text/plain or text/html, not an attachment): a rule that
     *        scans attachments only skips it
     */
    public record Attachment(int index, String fileName, String contentType, long size, String partName,
            Finding finding, long entityStart, long entityEnd, boolean body) {

        /** A part whose place in the message is not known (as recorded before ranges were kept). */
        public Attachment(int index, String fileName, String contentType, long size, String partName) {
            this(index, fileName, contentType, size, partName, null, -1, -1, false);
        }

        /** A part, or a finding, whose place in the message is not known. */
        public Attachment(int index, String fileName, String contentType, long size, String partName,
                Finding finding) {
            this(index, fileName, contentType, size, partName, finding, -1, -1, false);
        }
    }

    /**
     * The message's subject and its parts in order; {@code held} maps the part names of those decoded into memory to
     * their bytes (the others are files in the parts folder).
     */
    public record Extraction(String subject, List<Attachment> attachments, Map<String, byte[]> held) {

        public Extraction {
            held = Collections.unmodifiableMap(held);
        }

        /** The decoded bytes of a part held in memory, or null if it is a file in the parts folder. */
        public byte[] held(String partName) {
            return held.get(partName);
        }

        /** Writes the parts held in memory to the parts folder, for a later claim to scan them from there. */
        public void keep(Path partsFolder) throws IOException {
            if (held.isEmpty()) {
                return;
            }
            Files.createDirectories(partsFolder);
            for (Map.Entry<String, byte[]> part : held.entrySet()) {
                Files.write(partsFolder.resolve(part.getKey()), part.getValue());
            }
        }
    }

    /** As {@link #extract(Path, Path, long, MimeLimits)} with the default limits. */
    public static Extraction extract(Path message, Path partsFolder, long memoryBudget) throws IOException {
        return extract(message, partsFolder, memoryBudget, MimeLimits.DEFAULT);
    }

    /**
     * Extracts the parts of {@code message}: those that fit in {@code memoryBudget} bytes (all of the message's held
     * parts together) into memory, the others into files in {@code partsFolder}, within {@code limits}.
     */
    public static Extraction extract(Path message, Path partsFolder, long memoryBudget, MimeLimits limits)
            throws IOException {
        return MailApiLoader.call(() -> parse(message, partsFolder, memoryBudget, limits));
    }

    private static Extraction parse(Path message, Path partsFolder, long memoryBudget, MimeLimits limits)
            throws IOException {
        Parts parts = new Parts(partsFolder, memoryBudget);
        Walk walk = new Walk(parts, limits);
        try (Source spool = Source.spool(message)) {
            walk.spool = spool;
            try {
                walk.entity(spool, 0, spool.size(), 0);
            } catch (LimitReached | LimitExceeded e) {
                walk.uninspected.add(e.getMessage());
            }
            return new Extraction(walk.subject, walk.results(), parts.held);
        } catch (RuntimeException e) {
            // a part that cannot be read is handled where it stands (Walk.entity); this is for what slips past that
            LOG.log(Level.WARNING, "taking message " + message.getFileName() + " apart failed; scanning it whole"
                    + " as one file, and it is not delivered", e);
            Files.createDirectories(partsFolder);
            clear(partsFolder);
            Path whole = partsFolder.resolve("0");
            Files.copy(message, whole, StandardCopyOption.REPLACE_EXISTING);
            long size = Files.size(whole);
            return new Extraction(walk.subject, List.of(
                    new Attachment(0, "message.eml", "message/rfc822", size, "0", null, 0, size, false),
                    Walk.finding(1, Finding.Kind.UNINSPECTED, "could not be fully inspected: " + unreadable(e))),
                    Map.of());
        }
    }

    /** Why a structure could not be read, in a few words fit for a verdict label. */
    private static String unreadable(Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        StringBuilder clean = new StringBuilder("unreadable MIME (");
        why.chars().limit(80).forEach(c -> clean.append(c >= 32 && c < 127 ? (char) c : '?'));
        return clean.append(')').toString();
    }

    /** A limit of {@link MimeLimits} was reached: the walk ends; the message says it could not be inspected. */
    private static final class LimitReached extends Exception {
        private static final long serialVersionUID = 1L;

        LimitReached(String why) {
            super(why, null, false, false);
        }
    }

    /** What the walk has found so far, and where it puts the next part's bytes. */
    private static final class Parts {
        final Path folder;
        long budget;
        final List<Attachment> found = new ArrayList<>();
        final Map<String, byte[]> held = new LinkedHashMap<>();

        Parts(Path folder, long budget) {
            this.folder = folder;
            this.budget = budget;
        }

        /**
         * Decodes a part into memory if it fits what is left of the budget, else into its file; returns its size.
         * An empty part is not kept.
         */
        long store(String partName, InputStream data) throws IOException {
            byte[] start = data.readNBytes((int) Math.min(budget + 1, Integer.MAX_VALUE - 8));
            if (start.length <= budget) {
                if (start.length > 0) {
                    budget -= start.length;
                    held.put(partName, start);
                }
                return start.length;
            }
            Files.createDirectories(folder);
            Path target = folder.resolve(partName);
            try (OutputStream out = Files.newOutputStream(target)) {
                out.write(start);
                data.transferTo(out);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(target); // no file in the folder that is not a part found
                throw e;
            }
            return Files.size(target);
        }

        /** The decoded bytes of a stored part, up to {@code max}: from memory, or read from its file. */
        byte[] read(String partName, int max) throws IOException {
            byte[] bytes = held.get(partName);
            if (bytes != null) {
                return bytes;
            }
            try (InputStream in = Files.newInputStream(folder.resolve(partName))) {
                return in.readNBytes(max);
            }
        }
    }

    /** One walk over a message's MIME tree, depth first, in the order a mail client shows the parts. */
    private static final class Walk {
        final Parts parts;
        final MimeLimits limits;
        int entities;
        long decoded;
        int bodies;
        int unnamed;
        int nested;
        String subject;
        /** The spool file's own bytes, as opposed to a forwarded message decoded from them. */
        Source spool;
        /** The range of the innermost entity of the spool file being walked: what holds the parts found now. */
        long outerStart = -1;
        long outerEnd = -1;
        final Set<String> uninspected = new LinkedHashSet<>();
        final Set<String> ambiguous = new LinkedHashSet<>();

        Walk(Parts parts, MimeLimits limits) {
            this.parts = parts;
            this.limits = limits;
        }

        /** The parts found, then a finding for what was ambiguous and one for what could not be inspected. */
        List<Attachment> results() {
            List<Attachment> results = new ArrayList<>(parts.found);
            if (!ambiguous.isEmpty()) {
                results.add(finding(results.size(), Finding.Kind.SUSPICIOUS,
                        "ambiguous MIME structure: " + summary(ambiguous)));
            }
            if (!uninspected.isEmpty()) {
                results.add(finding(results.size(), Finding.Kind.UNINSPECTED,
                        "could not be fully inspected: " + summary(uninspected)));
            }
            return results;
        }

        private static Attachment finding(int index, Finding.Kind category, String label) {
            return new Attachment(index, "(message structure)", null, 0, "", new Finding(category, label));
        }

        private static String summary(Set<String> reasons) {
            return String.join("; ", reasons.stream().limit(MAX_FINDINGS).toList());
        }

        /**
         * The entity in {@code [start, end)} of {@code source}, {@code depth} levels below the message. One that
         * cannot be read (no delimiter where its multipart needs one, broken base64, ...) does not end the walk: its
         * raw bytes are scanned as they are, a finding says it was not taken apart, and its siblings are walked on,
         * so that one broken part cannot switch the inspection of the others off.
         */
        void entity(Source source, long start, long end, int depth) throws IOException, LimitReached {
            if (++entities > limits.maxParts()) {
                throw new LimitReached("more than " + limits.maxParts() + " MIME parts");
            }
            if (depth > limits.maxDepth()) {
                uninspected.add("MIME nesting deeper than " + limits.maxDepth() + " levels");
                return;
            }
            long heldStart = outerStart;
            long heldEnd = outerEnd;
            if (source == spool) {
                outerStart = start;
                outerEnd = end;
            }
            try {
                inPlace(source, start, end, depth);
            } finally {
                outerStart = heldStart;
                outerEnd = heldEnd;
            }
        }

        /** {@link #entity}, once the range of the spool file that holds it is known. */
        private void inPlace(Source source, long start, long end, int depth) throws IOException, LimitReached {
            try {
                walk(source, start, end, depth);
            } catch (LimitExceeded e) {
                throw (LimitReached) e.getCause();
            } catch (MessagingException | IOException | RuntimeException e) {
                LOG.fine(() -> "a part of " + depth + " levels deep could not be read (" + e + "); scanning it raw");
                uninspected.add(unreadable(e));
                int index = parts.found.size();
                String partName = Integer.toString(index);
                long size;
                try (InputStream raw = source.stream(start, end)) {
                    size = parts.store(partName, new Counted(raw));
                } catch (LimitExceeded limit) {
                    throw (LimitReached) limit.getCause();
                }
                if (size > 0) {
                    String name = depth == 0 ? "message.eml" : "unreadable-" + (index + 1) + ".eml";
                    parts.found.add(new Attachment(index, name, "message/rfc822", size, partName, null, outerStart,
                            outerEnd, false));
                }
            }
        }

        private void walk(Source source, long start, long end, int depth)
                throws IOException, MessagingException, LimitReached {
            HeaderSection header;
            try (InputStream in = source.stream(start, end)) {
                header = HeaderSection.read(in, limits.maxHeaderBytes());
            }
            if (header == null) {
                uninspected.add("a header section over " + limits.maxHeaderBytes() + " bytes");
                return;
            }
            if (depth == 0) {
                subject = HeaderSection.decodedText(header.first("Subject"));
            }
            String ambiguity = header.ambiguity();
            if (ambiguity != null) {
                ambiguous.add(ambiguity);
            }
            long content = Math.min(end, start + header.contentOffset());
            ContentType type = header.contentType();
            if (type == null && isContainer(header.first("Content-Type"))) {
                // a multipart or message a lenient reader may still take apart: not scanned as one opaque blob
                ambiguous.add("an unreadable Content-Type of a " + header.first("Content-Type").strip()
                        .split("[/;\\s]", 2)[0].toLowerCase(Locale.ROOT));
            }
            if (type != null && type.match("multipart/*")) {
                multipart(source, content, end, depth, type, header);
                return;
            }
            String fileName = header.fileName(type);
            boolean attachment = header.attachment(type);
            if (!attachment && type != null && type.match("message/rfc822")) {
                forwarded(source, content, end, depth, header);
                return;
            }
            leaf(source, content, end, header, type, fileName, attachment);
        }

        private void multipart(Source source, long content, long end, int depth, ContentType type,
                HeaderSection header) throws IOException, MessagingException, LimitReached {
            if (!header.identityEncoding()) {
                // RFC 2046 5.1: never encoded; a reader that decodes it anyway sees other parts than one that does not
                ambiguous.add("a multipart in Content-Transfer-Encoding " + header.encoding());
                return;
            }
            String boundary = type.getParameter("boundary");
            if (boundary == null) {
                try (InputStream in = source.stream(content, end)) {
                    boundary = MultipartScanner.guessBoundary(in, MAX_PREAMBLE);
                }
            }
            int room = limits.maxParts() - entities;
            List<MultipartScanner.Range> ranges;
            try (InputStream in = source.stream(content, end)) {
                ranges = MultipartScanner.scanAtMost(in, boundary, room);
            }
            for (int i = 0; i < Math.min(ranges.size(), room); i++) {
                MultipartScanner.Range range = ranges.get(i);
                entity(source, content + range.start(), content + range.end(), depth + 1);
            }
            if (ranges.size() > room) {
                throw new LimitReached("more than " + limits.maxParts() + " MIME parts");
            }
        }

        /**
         * A forwarded message: walked in place when it is not encoded; otherwise decoded first (mail clients decode
         * base64 and quoted-printable here, which RFC 2046 forbids and Jakarta Mail ignores), into memory or into a
         * file of its own, counted against the decoded bytes.
         */
        private void forwarded(Source source, long content, long end, int depth, HeaderSection header)
                throws IOException, MessagingException, LimitReached {
            if (header.identityEncoding()) {
                entity(source, content, end, depth + 1);
                return;
            }
            try (Source message = decodeNested(source, content, end, header.encoding())) {
                entity(message, 0, message.size(), depth + 1);
            }
        }

        private Source decodeNested(Source source, long content, long end, String encoding)
                throws IOException, MessagingException, LimitReached {
            try (InputStream data = HeaderSection.decoded(source.stream(content, end), encoding)) {
                // in memory only within what is left of the claim's budget, which nested levels would multiply
                int inMemory = (int) Math.min(NESTED_IN_MEMORY, parts.budget);
                byte[] start = data.readNBytes(inMemory + 1);
                count(start.length);
                if (start.length <= inMemory) {
                    parts.budget -= start.length;
                    return new Source(new SharedByteArrayInputStream(start), start.length, null);
                }
                Files.createDirectories(parts.folder);
                Path file = parts.folder.resolve("nested-" + ++nested);
                try (OutputStream out = Files.newOutputStream(file)) {
                    out.write(start);
                    long size = start.length;
                    byte[] buffer = new byte[64 * 1024];
                    int n;
                    while ((n = data.read(buffer)) > 0) {
                        count(n);
                        out.write(buffer, 0, n);
                        size += n;
                    }
                    return new Source(new SharedFileInputStream(file.toFile(), Source.READ_BUFFER), size, file);
                } catch (IOException | LimitReached | RuntimeException e) {
                    Files.deleteIfExists(file);
                    throw e;
                }
            }
        }

        /** A part that holds content: decoded, stored, and for a text body searched for files it carries. */
        private void leaf(Source source, long content, long end, HeaderSection header, ContentType type,
                String fileName, boolean attachment) throws IOException, MessagingException, LimitReached {
            boolean text = type != null && (type.match("text/plain") || type.match("text/html"));
            boolean html = type != null && type.match("text/html");
            boolean body = text && !attachment;
            int index = parts.found.size();
            String partName = Integer.toString(index);
            long size;
            try (InputStream data = header.decoded(source.stream(content, end))) {
                size = parts.store(partName, new Counted(data));
            }
            if (size == 0) {
                return; // nothing in it to scan
            }
            String name = fileName != null
                    ? fileName
                    : body
                            ? "body" + (++bodies == 1 ? "" : "-" + bodies) + (html ? ".html" : ".txt")
                            : "attachment-" + ++unnamed;
            parts.found.add(new Attachment(index, name, type == null ? null : type.getBaseType(), size, partName,
                    null, outerStart, outerEnd, body));
            if (text) {
                embedded(partName, size, html);
            }
        }

        /**
         * The files a text part carries in its text, each a part of its own. A text held in memory is searched
         * there; one in a file is read back for it, one claim at a time ({@link #MINING_FROM_FILES}), so that the
         * workers together never hold more than one such text in memory.
         */
        private void embedded(String partName, long size, boolean html) throws IOException, LimitReached {
            if (size > MAX_MINED_TEXT) {
                uninspected.add("a text body over " + MAX_MINED_TEXT + " bytes, not searched for embedded files");
                return;
            }
            int room = limits.maxParts() - entities;
            List<EmbeddedFiles.File> files;
            byte[] text = parts.held.get(partName);
            if (text != null) {
                files = EmbeddedFiles.find(text, html, room + 1);
            } else {
                MINING_FROM_FILES.acquireUninterruptibly();
                try {
                    files = EmbeddedFiles.find(parts.read(partName, MAX_MINED_TEXT), html, room + 1);
                } finally {
                    MINING_FROM_FILES.release();
                }
            }
            for (EmbeddedFiles.File file : files) {
                if (++entities > limits.maxParts()) {
                    throw new LimitReached("more than " + limits.maxParts() + " MIME parts");
                }
                int index = parts.found.size();
                long stored = parts.store(Integer.toString(index), new Counted(new ByteArrayInputStream(file.data())));
                if (stored > 0) {
                    parts.found.add(new Attachment(index, file.name(), null, stored, Integer.toString(index), null,
                            outerStart, outerEnd, false));
                }
            }
        }

        private void count(long bytes) throws LimitReached {
            decoded += bytes;
            if (decoded > limits.maxDecodedBytes()) {
                throw new LimitReached("more than " + limits.maxDecodedBytes() + " bytes of decoded content");
            }
        }

        /** Counts what is read through it against the decoded bytes; past the limit it throws. */
        private final class Counted extends InputStream {
            private final InputStream in;

            Counted(InputStream in) {
                this.in = in;
            }

            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    counted(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    counted(n);
                }
                return n;
            }

            private void counted(int n) throws IOException {
                try {
                    count(n);
                } catch (LimitReached e) {
                    throw new LimitExceeded(e);
                }
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        }
    }

    /** Carries {@link LimitReached} through an {@code InputStream}'s signature. */
    private static final class LimitExceeded extends IOException {
        private static final long serialVersionUID = 1L;

        LimitExceeded(LimitReached cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Whether a Content-Type value names a type that holds other entities (multipart, message). */
    private static boolean isContainer(String value) {
        String type = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return type.startsWith("multipart") || type.startsWith("message");
    }

    private static void clear(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
