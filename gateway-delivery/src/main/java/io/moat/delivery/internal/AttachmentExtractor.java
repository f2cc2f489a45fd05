package io.moat.delivery.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.SharedInputStream;
import jakarta.mail.util.SharedFileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * Finds a message's attachments and decodes each one for scanning: into memory while the message's parts fit in
 * the budget the caller gives, otherwise into a file of its own in the parts folder (created when the first one is
 * written). The message is read from the spool file through a {@link SharedFileInputStream}, so no part larger
 * than the budget is ever loaded whole into memory. A message whose MIME structure cannot be read is scanned as
 * one file, never passed as clean.
 *
 * <p>Parts held in memory save creating, writing and removing a folder and a file per attachment, which on ext4
 * cost about a quarter of the gateway's CPU (docs/performance.md, item 24). Whoever needs them after the claim that
 * extracted them writes them out with {@link Extraction#keep(Path)}.
 */
public final class AttachmentExtractor {

    private static final Logger LOG = Logger.getLogger(AttachmentExtractor.class.getName());
    private static final int MAX_DEPTH = 20;
    /** Each view of the spool file reads through a buffer of this size (Jakarta Mail's default is 2 KB). */
    private static final int READ_BUFFER = 16 * 1024;
    /** Creating a session loads Jakarta Mail's providers; parsing needs no settings, so one serves all. */
    private static final Session SESSION = Session.getInstance(new Properties());
    /**
     * Jakarta Mail 2.1 looks its {@code StreamProvider} up with {@code ServiceLoader} for every header block,
     * multipart, body part and decoder it creates, starting from the thread's context class loader
     * (jakartaee/mail-api#861). Under the deployment's loader each look-up searches the jars of every module the
     * deployment sees: in the benchmark that was a sixth of the pipeline's CPU. The API's own loader finds the
     * same provider among its few dependencies, so parsing runs under it.
     */
    private static final ClassLoader MAIL_API_LOADER = Session.class.getClassLoader();

    private AttachmentExtractor() {
    }

    /** One extracted attachment; {@code partName} is its file name in the parts folder. */
    public record Attachment(int index, String fileName, String contentType, long size, String partName) {
    }

    /**
     * The message's subject and its attachments in order; {@code held} maps the part names of those decoded into
     * memory to their bytes (the others are files in the parts folder).
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

    /**
     * Extracts the attachments of {@code message}: those that fit in {@code memoryBudget} bytes (all of the
     * message's held parts together) into memory, the others into files in {@code partsFolder}.
     */
    public static Extraction extract(Path message, Path partsFolder, long memoryBudget) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(MAIL_API_LOADER);
        try {
            return parse(message, partsFolder, memoryBudget);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static Extraction parse(Path message, Path partsFolder, long memoryBudget) throws IOException {
        try (SharedFileInputStream in = new SharedFileInputStream(message.toFile(), READ_BUFFER)) {
            MimeMessage mime = new MimeMessage(SESSION, in);
            Parts parts = new Parts(partsFolder, memoryBudget);
            walk(mime, parts, 0);
            return new Extraction(subject(mime), parts.found, parts.held);
        } catch (MessagingException | IOException | RuntimeException e) {
            LOG.info(() -> "MIME structure of " + message.getFileName() + " unreadable (" + e
                    + "); scanning the whole message as one file");
            Files.createDirectories(partsFolder);
            clear(partsFolder);
            Path whole = partsFolder.resolve("0");
            Files.copy(message, whole, StandardCopyOption.REPLACE_EXISTING);
            return new Extraction(null,
                    List.of(new Attachment(0, "message.eml", "message/rfc822", Files.size(whole), "0")), Map.of());
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

        /** Decodes a part into memory if it fits what is left of the budget, else into its file; returns its size. */
        long store(String partName, InputStream data) throws IOException {
            byte[] start = data.readNBytes((int) Math.min(budget + 1, Integer.MAX_VALUE - 8));
            if (start.length <= budget) {
                budget -= start.length;
                held.put(partName, start);
                return start.length;
            }
            Files.createDirectories(folder);
            Path target = folder.resolve(partName);
            try (OutputStream out = Files.newOutputStream(target)) {
                out.write(start);
                data.transferTo(out);
            }
            return Files.size(target);
        }
    }

    private static void walk(Part part, Parts parts, int depth)
            throws MessagingException, IOException {
        if (depth > MAX_DEPTH) {
            throw new MessagingException("MIME nesting deeper than " + MAX_DEPTH);
        }
        if (part.isMimeType("multipart/*")) {
            for (Part child : children((MimePart) part)) {
                walk(child, parts, depth + 1);
            }
            return;
        }
        String fileName = fileName(part);
        boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || fileName != null;
        if (!attachment && part.isMimeType("message/rfc822")) {
            try (InputStream nested = decoded((MimePart) part)) {
                walk(new MimeMessage(SESSION, nested), parts, depth + 1);
            }
            return;
        }
        if (!attachment && isBodyText(part)) {
            return; // the message text itself; anything else a mail client would offer is scanned
        }
        int index = parts.found.size();
        String partName = Integer.toString(index);
        long size;
        try (InputStream data = decoded((MimePart) part)) {
            size = parts.store(partName, data);
        }
        String name = fileName != null ? fileName : "attachment-" + (index + 1);
        parts.found.add(new Attachment(index, name, baseType(part.getContentType()), size, partName));
    }

    /**
     * The body parts of a multipart part, found by {@link MultipartScanner}: views of the spool file (or of the
     * bytes of a forwarded message decoded into memory). A multipart without a boundary parameter, and any inside
     * the parts Jakarta Mail's parser then makes, go through that parser (which guesses the boundary from the first
     * line starting with "--"), straight from the part's data rather than through {@code getContent()}, which
     * depends on which content handlers the context class loader can see.
     */
    private static List<Part> children(MimePart part) throws MessagingException, IOException {
        String boundary = new ContentType(part.getContentType()).getParameter("boundary");
        try (InputStream raw = rawContent(part)) {
            if (boundary != null && raw instanceof SharedInputStream shared) {
                List<Part> children = new ArrayList<>();
                for (MultipartScanner.Range range : MultipartScanner.scan(raw, boundary)) {
                    try (InputStream body = shared.newStream(range.start(), range.end())) {
                        children.add(new MimeBodyPart(body));
                    }
                }
                return children;
            }
        }
        Multipart multipart = new MimeMultipart(new MimePartDataSource(part));
        List<Part> children = new ArrayList<>();
        for (int i = 0; i < multipart.getCount(); i++) {
            children.add(multipart.getBodyPart(i));
        }
        return children;
    }

    /**
     * The part's content, decoded whatever its transfer encoding. Jakarta Mail's {@code getInputStream()} ignores
     * base64 and quoted-printable on message/* parts (RFC 2046 forbids them) and returns the encoded text; mail
     * clients decode it and show the forwarded message and its attachments, so the scan must see them decoded too.
     * Base64, most attachments, goes through {@link Base64DecodingStream}.
     */
    private static InputStream decoded(MimePart part) throws MessagingException {
        String encoding = part.getEncoding();
        InputStream raw = rawContent(part);
        if (encoding == null) {
            return raw;
        }
        return encoding.equalsIgnoreCase("base64") ? new Base64DecodingStream(raw) : MimeUtility.decode(raw, encoding);
    }

    private static InputStream rawContent(MimePart part) throws MessagingException {
        if (part instanceof MimeMessage message) {
            return message.getRawInputStream();
        }
        return ((MimeBodyPart) part).getRawInputStream();
    }

    /** Inline text a mail client shows as the message body (unnamed text/plain or text/html). */
    private static boolean isBodyText(Part part) throws MessagingException {
        return part.isMimeType("text/plain") || part.isMimeType("text/html");
    }

    private static String fileName(Part part) throws MessagingException {
        String name = part.getFileName();
        if (name == null) {
            return null;
        }
        try {
            return MimeUtility.decodeText(name);
        } catch (UnsupportedEncodingException e) {
            return name;
        }
    }

    private static String subject(MimeMessage mime) {
        try {
            return mime.getSubject();
        } catch (MessagingException e) {
            return null;
        }
    }

    private static String baseType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
    }

    private static void clear(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
