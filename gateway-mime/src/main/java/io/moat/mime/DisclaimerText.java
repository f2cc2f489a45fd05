package io.moat.mime;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link Marks.Disclaimer} rendered for each kind of body part: plain text with CRLF line breaks, and an HTML block
 * styled by its {@link Marks.Disclaimer.Style}. A disclaimer given only as text is escaped for HTML; one given only as
 * HTML gets its tags stripped for plain text.
 */
final class DisclaimerText {

    private static final Pattern BREAKS = Pattern.compile("(?i)<\\s*(br|/p|/div|/li|/tr|/h[1-6])\\b[^>]*>");
    private static final Pattern HIDDEN = Pattern.compile("(?is)<(script|style)\\b.*?</\\1\\s*>");
    private static final Pattern TAGS = Pattern.compile("(?s)<!--.*?-->|<[^>]*>");
    private static final Pattern NUMERIC = Pattern.compile("&#(x?)([0-9a-fA-F]{1,6});");

    private final String text;
    private final String html;
    private final Marks.Disclaimer.Style style;

    DisclaimerText(Marks.Disclaimer disclaimer) {
        boolean hasText = disclaimer.text() != null && !disclaimer.text().isBlank();
        boolean hasHtml = disclaimer.html() != null && !disclaimer.html().isBlank();
        this.text = lines(hasText ? disclaimer.text() : fromHtml(disclaimer.html()));
        this.html = lines(hasHtml ? disclaimer.html() : toHtml(disclaimer.text()));
        this.style = disclaimer.style();
    }

    /** The plain-text notice, its line breaks CRLF, without a trailing one. */
    String text() {
        return text;
    }

    /** The HTML notice in a {@code div} whose inline style gives the border and colours of its style. */
    String htmlBlock() {
        return "<div style=\"" + css(style) + "\">" + html + "</div>";
    }

    private static String css(Marks.Disclaimer.Style style) {
        String colours = switch (style) {
            case INFO -> "border:1px solid #607d8b;background:#eceff1;color:#263238";
            case WARNING -> "border:1px solid #ffa000;background:#fff8e1;color:#5d4037";
            case CRITICAL -> "border:2px solid #d32f2f;background:#ffebee;color:#b71c1c";
        };
        return colours + ";padding:8px 12px;margin:8px 0;font-family:sans-serif;font-size:13px";
    }

    /**
     * Text as lines ending in CRLF (whatever ended them before), without control characters but the tab, and
     * without trailing line breaks.
     */
    static String lines(String value) {
        String unified = value.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder clean = new StringBuilder(unified.length() + 16);
        for (int i = 0; i < unified.length(); i++) {
            char c = unified.charAt(i);
            if (c == '\n') {
                clean.append("\r\n");
            } else if (c == '\t' || !Character.isISOControl(c)) {
                clean.append(c);
            }
        }
        return clean.toString().stripTrailing();
    }

    /** Text escaped for HTML ({@link Marks.Disclaimer#escapeHtml}), its line breaks {@code <br>}. */
    static String toHtml(String text) {
        return Marks.Disclaimer.escapeHtml(text).replace("\r", "").replace("\n", "<br>\n");
    }

    /** What HTML shows as text, roughly: breaks where blocks end, tags and scripts gone, entities resolved. */
    static String fromHtml(String html) {
        String text = HIDDEN.matcher(html).replaceAll("");
        text = text.replaceAll("[\\r\\n]+", " ");
        text = BREAKS.matcher(text).replaceAll("\n");
        text = TAGS.matcher(text).replaceAll("");
        Matcher numeric = NUMERIC.matcher(text);
        StringBuilder resolved = new StringBuilder();
        while (numeric.find()) {
            int code = Integer.parseInt(numeric.group(2), numeric.group(1).isEmpty() ? 10 : 16);
            String character = Character.isValidCodePoint(code) ? Character.toString(code) : "";
            numeric.appendReplacement(resolved, Matcher.quoteReplacement(character));
        }
        numeric.appendTail(resolved);
        text = resolved.toString().replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
        StringBuilder lines = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String collapsed = line.replaceAll("[ \\t\\u00a0]+", " ").strip();
            if (!collapsed.isEmpty() || lines.length() > 0 && !lines.toString().endsWith("\n\n")) {
                lines.append(collapsed).append('\n');
            }
        }
        return lines.toString().strip();
    }
}
