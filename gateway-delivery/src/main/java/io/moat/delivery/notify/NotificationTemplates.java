package io.moat.delivery.notify;

import io.moat.settings.notifications.NotificationSettings.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template made into a notification's words. Values come from the held message, that is, from whoever sent it
 * (subject, sender, file names): each is cut to one line without control characters and to a length, and escaped
 * for HTML in the HTML part, so that no value can add a header field, a line to the text that looks like ours, or
 * markup. The template itself is the admin's and is taken as it stands. A line that names {@code {link}} or
 * {@code {expiry}} is left out when there is no link.
 */
public final class NotificationTemplates {

    /** The longest value put into a notification, in characters (a subject may hold 998 octets). */
    static final int MAX_VALUE = 300;
    /** The longest subject of a notification, in characters, values included. */
    static final int MAX_SUBJECT = 250;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)\\}");

    private NotificationTemplates() {
    }

    /** The words of one notification: a subject line, the plain text and the HTML. */
    public record Rendered(String subject, String text, String html) {
    }

    /**
     * Fills {@code template} with {@code values} (placeholder name without braces → value; a missing one is empty).
     * Without a {@code link} value, the lines naming {@code {link}} or {@code {expiry}} are left out.
     */
    public static Rendered render(Template template, Map<String, String> values) {
        boolean linked = values.get("link") != null && !values.get("link").isEmpty();
        String subject = cut(oneLine(fill(template.subject(), values, false)), MAX_SUBJECT);
        return new Rendered(subject, fill(lines(template.text(), linked), values, false),
                fill(lines(template.html(), linked), values, true));
    }

    /** {@code text} with each placeholder replaced by its value, made safe (and escaped for HTML when asked). */
    static String fill(String text, Map<String, String> values, boolean html) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = values.containsKey(name) ? safe(values.get(name)) : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(html ? escape(replacement) : replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A value on one line: control characters (CR, LF, tab, NUL, DEL, the C1 set) and the Unicode line and paragraph
     * separators become spaces, and a value longer than {@value #MAX_VALUE} characters is cut to that length, the
     * last three an ellipsis (so that making a value safe twice changes nothing).
     */
    static String safe(String value) {
        if (value == null) {
            return "";
        }
        String kept = cut(value, MAX_VALUE);
        StringBuilder clean = new StringBuilder(kept.length());
        for (int i = 0; i < kept.length(); i++) {
            char c = kept.charAt(i);
            clean.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        return clean.toString();
    }

    /** {@code text} if it has at most {@code max} characters, else its start and an ellipsis in {@code max}. */
    private static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int keep = max - 3;
        if (Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--; // never half a character
        }
        return text.substring(0, keep) + "...";
    }

    /** HTML's five special characters as references: safe in text and in a quoted attribute value. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A subject template's result on one line (the template is one line; this keeps it so whatever it holds). */
    private static String oneLine(String text) {
        return safe(text).replaceAll(" {2,}", " ").strip();
    }

    /**
     * The template's lines, without those naming the link or its expiry when there is no link (and without the blank
     * line that follows one, so that no gap is left twice).
     */
    static String lines(String template, boolean linked) {
        if (linked) {
            return template;
        }
        String[] lines = template.split("\r?\n", -1);
        List<String> kept = new ArrayList<>();
        boolean dropped = false;
        for (String line : lines) {
            if (line.contains("{link}") || line.contains("{expiry}")) {
                dropped = true;
                continue;
            }
            if (dropped && line.isBlank() && (kept.isEmpty() || kept.get(kept.size() - 1).isBlank())) {
                continue;
            }
            dropped = false;
            kept.add(line);
        }
        return String.join("\n", kept);
    }
}
