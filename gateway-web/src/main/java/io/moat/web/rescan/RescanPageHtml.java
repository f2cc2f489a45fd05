package io.moat.web.rescan;

import io.moat.delivery.PublicRescan.Answer;
import io.moat.delivery.PublicRescan.HeldMessage;
import io.moat.delivery.PublicRescan.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The rescan page's HTML: the console's style sheet, one narrow card that fits a phone, labels bound to their
 * fields, the result in a live region ({@code role=status}, or {@code alert} for what went wrong), the fields in
 * reading order. Every value from a message or a request is escaped; a password is never written back (its field is
 * always empty), and the fields ask browsers not to remember what is typed.
 */
final class RescanPageHtml {

    /** The console's style sheet as Faces serves it, relative to the page (which may be behind a proxy's path). */
    static final String STYLE_SHEET = "jakarta.faces.resource/console.css.xhtml?ln=moat";
    /** The name of the password field for the protected attachment at {@code index} of the page's list. */
    static final String PASSWORD_FIELD = "password-";
    /** A password's most characters (as the quarantine takes them). */
    static final int MAX_PASSWORD = 1024;

    private RescanPageHtml() {
    }

    /** The page for {@code answer}; {@code token} goes into the form again when the page asks for passwords. */
    static String page(Answer answer, String token, Function<Instant, String> time) {
        StringBuilder html = start(answer.outcome() == Outcome.NOT_VALID ? "Link not valid" : "Held message");
        HeldMessage message = answer.message();
        if (answer.outcome() == Outcome.NOT_VALID) {
            html.append("<h1>This link is not valid (any more)</h1>")
                    .append("<div id=\"result\" class=\"result warn\" role=\"status\"><p>A link works for a limited"
                            + " time, for a limited number of passwords, and only until the message was released."
                            + "</p></div><p>If you still need the message, ask your administrator.</p>");
            return end(html);
        }
        html.append("<h1>Your held message</h1>");
        result(html, answer);
        html.append("<dl id=\"message\"><dt>From</dt><dd id=\"sender\">")
                .append(message.sender().isEmpty() ? "(no sender)" : escape(message.sender()))
                .append("</dd><dt>Subject</dt><dd id=\"subject\">")
                .append(message.subject() == null || message.subject().isBlank()
                        ? "(no subject)"
                        : escape(message.subject()))
                .append("</dd><dt>Received</dt><dd id=\"received\">").append(escape(time.apply(message.receivedAt())))
                .append("</dd></dl>");
        List<String> names = message.protectedAttachments();
        if (asksForPasswords(answer) && !names.isEmpty()) {
            form(html, names, token, answer.triesLeft());
        }
        return end(html);
    }

    /** Too many failures from the client's address: how long until it may try again. */
    static String tooMany(long retryAfterSeconds) {
        StringBuilder html = start("Too many tries");
        html.append("<h1>Too many tries</h1><div id=\"result\" class=\"result error\" role=\"alert\"><p>Too many links"
                + " that were not valid, or wrong passwords, came from your network address. Try again in ")
                .append(minutes(retryAfterSeconds)).append(".</p></div>");
        return end(html);
    }

    /** Whether the page shows the password form again with this answer. */
    static boolean asksForPasswords(Answer answer) {
        return switch (answer.outcome()) {
            case ASK_PASSWORDS, TRY_LATER -> true;
            case WRONG_PASSWORD -> answer.triesLeft() > 0;
            default -> false;
        };
    }

    private static void result(StringBuilder html, Answer answer) {
        String detail = answer.detail() == null ? "" : escape(answer.detail());
        switch (answer.outcome()) {
            case ASK_PASSWORDS -> {
                if (!detail.isEmpty()) {
                    region(html, "error", "alert", "<p>" + detail + "</p>");
                }
            }
            case WRONG_PASSWORD -> region(html, "error", "alert", "<p><strong>Wrong password:</strong> it did not open "
                    + detail + ". The message is still held.</p>" + (answer.triesLeft() > 0
                            ? ""
                            : "<p>This link takes no more passwords. Ask your administrator for the message.</p>"));
            case DELIVERED -> region(html, "info", "status", "<p><strong>Delivered:</strong> the attachments were"
                    + " scanned with your password and the message is on its way to you"
                    + (detail.isEmpty() ? "" : ", " + detail) + ".</p>");
            case STILL_BLOCKED -> region(html, "error", "alert", "<p><strong>Still blocked:</strong> " + detail
                    + ". The message stays held; ask your administrator if you need it.</p>");
            case STILL_SCANNING -> region(html, "warn", "status", "<p><strong>Still being scanned.</strong> Open the"
                    + " link from your notice again in a few minutes to see the result.</p>");
            case TRY_LATER -> region(html, "warn", "alert", "<p>The gateway could not scan the attachments just now;"
                    + " your password was not used. Try again in a few minutes.</p>");
            case NOT_VALID -> throw new IllegalArgumentException("a link that is not valid has no result");
        }
    }

    private static void form(StringBuilder html, List<String> names, String token, int triesLeft) {
        html.append("<form id=\"rescan\" method=\"post\" action=\"rescan\" autocomplete=\"off\">")
                .append("<input type=\"hidden\" name=\"t\" value=\"").append(escape(token)).append("\">")
                .append("<p id=\"why\">").append(names.size() == 1 ? "An attachment is" : "Attachments are")
                .append(" protected by a password, which keeps the gateway from looking inside. Enter ")
                .append(names.size() == 1 ? "its password" : "the password of each")
                .append(": it is scanned again with it, and if it is clean the message is delivered to you. The"
                        + " password is used for this scan only and is not kept.</p>");
        for (int i = 0; i < names.size(); i++) {
            String id = PASSWORD_FIELD + i;
            html.append("<label for=\"").append(id).append("\">Password for <span class=\"mono\">")
                    .append(escape(names.get(i))).append("</span></label><input type=\"password\" id=\"").append(id)
                    .append("\" name=\"").append(id).append("\" autocomplete=\"off\" required maxlength=\"")
                    .append(MAX_PASSWORD).append("\" spellcheck=\"false\" autocapitalize=\"off\"")
                    .append(" aria-describedby=\"why\"").append(i == 0 ? " autofocus" : "").append(">");
        }
        html.append("<p class=\"muted\" id=\"tries\">").append("You may try ").append(tries(triesLeft))
                .append(" with this link.</p><div class=\"actions\"><button type=\"submit\" id=\"submit\">Scan again"
                        + "</button></div></form>");
    }

    private static void region(StringBuilder html, String kind, String role, String content) {
        html.append("<div id=\"result\" class=\"result ").append(kind).append("\" role=\"").append(role)
                .append("\">").append(content).append("</div>");
    }

    private static StringBuilder start(String title) {
        return new StringBuilder(2048).append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"UTF-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"referrer\" content=\"same-origin\"><title>").append(title)
                .append(" · Moat</title><link rel=\"stylesheet\" href=\"").append(STYLE_SHEET)
                .append("\"></head><body><main id=\"main\" class=\"public\"><p class=\"brand\">Moat</p>");
    }

    private static String end(StringBuilder html) {
        return html.append("</main></body></html>").toString();
    }

    private static String tries(int n) {
        return n == 1 ? "1 password" : n + " passwords";
    }

    private static String minutes(long seconds) {
        long minutes = (seconds + 59) / 60;
        return minutes <= 1 ? "a minute" : minutes + " minutes";
    }

    /** Text for HTML content and quoted attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
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
}
