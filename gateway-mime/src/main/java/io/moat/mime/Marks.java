package io.moat.mime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link MessageMarker} does to a message: header fields to add, a subject tag, a disclaimer in the body, and
 * entities to take out. Values are plain text already substituted (placeholders are the caller's business); the
 * marker makes them safe for a header or a body.
 *
 * @param headers fields added at the top of the header section, in this order
 * @param subjectTag put before the subject ({@code [SUSPICIOUS]}), or null for none; cleaned as a header value is,
 *        and cut to 200 characters (the last an ellipsis)
 * @param disclaimer inserted into the body, or null for none
 * @param removals entities replaced by a short text part that says why ({@link AttachmentExtractor.Attachment}'s
 *        {@code entityStart} and {@code entityEnd})
 * @param replacements single parts whose content is replaced by a file's bytes (Core's sanitized copy)
 */
public record Marks(List<Header> headers, String subjectTag, Disclaimer disclaimer, List<Removal> removals,
        List<Replacement> replacements) {

    /** Nothing to do: the message is copied as it is. */
    public static final Marks NONE = new Marks(List.of(), null, null, List.of());

    /** The longest field name taken (RFC 5322 section 2.1.1 keeps a line within 78 characters). */
    static final int MAX_NAME = 76;

    public Marks {
        headers = List.copyOf(Objects.requireNonNullElse(headers, List.of()));
        removals = List.copyOf(Objects.requireNonNullElse(removals, List.of()));
        replacements = List.copyOf(Objects.requireNonNullElse(replacements, List.of()));
        if (subjectTag != null && subjectTag.isBlank()) {
            subjectTag = null;
        }
    }

    /** Marks that replace no part with a file. */
    public Marks(List<Header> headers, String subjectTag, Disclaimer disclaimer, List<Removal> removals) {
        this(headers, subjectTag, disclaimer, removals, List.of());
    }

    /** Whether the marks change nothing. */
    public boolean isEmpty() {
        return headers.isEmpty() && subjectTag == null && disclaimer == null && removals.isEmpty()
                && replacements.isEmpty();
    }

    /** These marks with one more header field. */
    public Marks withHeader(String name, String value) {
        List<Header> more = new ArrayList<>(headers);
        more.add(new Header(name, value));
        return new Marks(more, subjectTag, disclaimer, removals, replacements);
    }

    /**
     * A header field to add. The name must be an RFC 5322 field name (printable ASCII but {@code :}, at most 76
     * characters); the value is one line of text, which the marker cleans (line breaks and control characters), cuts
     * to 900 characters (the last an ellipsis), folds and, when it is not ASCII or holds an {@code =?}, writes as RFC
     * 2047 encoded-words in UTF-8, so that text from a file name is shown as it is, never decoded as an encoded-word
     * of its own.
     */
    public record Header(String name, String value) {

        public Header {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || name.length() > MAX_NAME) {
                throw new IllegalArgumentException("a header field name has 1 to " + MAX_NAME + " characters");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c <= ' ' || c >= 127 || c == ':') {
                    throw new IllegalArgumentException(
                            "a header field name is printable ASCII without ':' or spaces (RFC 5322 2.2)");
                }
            }
            value = Objects.requireNonNullElse(value, "");
        }
    }

    /**
     * A notice inserted into the message's body: {@code text} into its plain-text part, {@code html} into its HTML
     * part. Either may be null: the other stands in for it (escaped as HTML, or with its tags stripped); not both.
     */
    public record Disclaimer(String text, String html, Position position, Style style) {

        public Disclaimer {
            if ((text == null || text.isBlank()) && (html == null || html.isBlank())) {
                throw new IllegalArgumentException("a disclaimer has a text or an html");
            }
            position = Objects.requireNonNullElse(position, Position.TOP);
            style = Objects.requireNonNullElse(style, Style.INFO);
        }

        /**
         * Text escaped for the HTML of a disclaimer ({@code &}, {@code <}, {@code >}, {@code "} and {@code '} as
         * character references), so that a value put into it (a file name, a verdict) stays text, inside an element
         * or an attribute value in either quotes.
         */
        public static String escapeHtml(String text) {
            StringBuilder html = new StringBuilder(text.length() + 16);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '&' -> html.append("&amp;");
                    case '<' -> html.append("&lt;");
                    case '>' -> html.append("&gt;");
                    case '"' -> html.append("&quot;");
                    case '\'' -> html.append("&#39;");
                    default -> html.append(c);
                }
            }
            return html.toString();
        }

        /** Where in the body the notice goes. */
        public enum Position {
            /** before the body's text (after {@code <body>} in HTML) */
            TOP,
            /** after the body's text (before {@code </body>} in HTML) */
            BOTTOM
        }

        /** How the HTML notice looks: a bordered box in blue-grey, amber or red. */
        public enum Style {
            INFO, WARNING, CRITICAL
        }
    }

    /**
     * An entity to take out: {@code [entityStart, entityEnd)} of the message file, as {@link AttachmentExtractor}
     * reports it, replaced by a {@code text/plain} part holding {@code replacementText}.
     */
    public record Removal(long entityStart, long entityEnd, String replacementText) {

        public Removal {
            if (entityStart < 0 || entityEnd <= entityStart) {
                throw new IllegalArgumentException(
                        "a removal is a non-empty range of the message: " + entityStart + ".." + entityEnd);
            }
            replacementText = Objects.requireNonNullElse(replacementText, "");
        }
    }

    /**
     * A single part ({@code [entityStart, entityEnd)} of the message file, the part's own entity as
     * {@link AttachmentExtractor} reports it) whose content becomes the bytes of {@code file}, written in base64: its
     * other header fields stay as they are; with a {@code fileName}, its {@code Content-Type} becomes
     * {@code contentType} (null: its own type) with that {@code name} and its {@code Content-Disposition} names that
     * {@code filename} (RFC 2231 in UTF-8 where it is not ASCII).
     */
    public record Replacement(long entityStart, long entityEnd, Path file, String fileName, String contentType) {

        public Replacement {
            if (entityStart < 0 || entityEnd <= entityStart) {
                throw new IllegalArgumentException(
                        "a replacement is a non-empty range of the message: " + entityStart + ".." + entityEnd);
            }
            Objects.requireNonNull(file, "file");
            fileName = fileName == null || fileName.isBlank() ? null : fileName;
            contentType = contentType == null || contentType.isBlank() ? null : contentType;
        }
    }
}
