package io.moat.settings.notifications;

import io.moat.settings.SettingNames;
import io.moat.settings.notifications.NotificationSettings.AdminOutcome;
import io.moat.settings.notifications.NotificationSettings.Kind;
import io.moat.settings.notifications.NotificationSettings.Template;
import io.moat.settings.notifications.NotificationSettings.Templates;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the notification settings must be, in plain code: each refusal names the field ({@code admins[2]},
 * {@code templates.recipient.html}) and says what would do. Defaults are filled in here.
 */
public final class NotificationChecks {

    /** At most one digest a day: a longer window would hide events for too long to be of use. */
    public static final int MAX_DIGEST_MINUTES = 1440;
    static final int MAX_ADMINS = 100;
    /** RFC 5321 4.5.3.1.3: a path is at most 256 octets with its angle brackets. */
    static final int MAX_ADDRESS = 254;
    /** RFC 5321 4.5.3.1.1. */
    static final int MAX_LOCAL_PART = 64;
    static final int MAX_SUBJECT = 200;
    static final int MAX_TEXT = 16 * 1024;
    static final int MAX_HTML = 64 * 1024;
    /** Every {@code {word}} is a placeholder; CSS's and scripts' braces hold more than a word and are left alone. */
    static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)\\}");
    /** RFC 5322 3.2.3: the characters of a dot-atom's atoms. */
    private static final Pattern LOCAL_PART = Pattern
            .compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    static final List<AdminOutcome> DEFAULT_ADMIN_OUTCOMES = List.of(AdminOutcome.BLOCKED, AdminOutcome.SCAN_ERROR,
            AdminOutcome.UNINSPECTED, AdminOutcome.PROCESSING_FAILED);

    private NotificationChecks() {
    }

    /**
     * An address as a notification's {@code From:} or recipient may be: {@code local@host.name}, ASCII, within RFC
     * 5321's lengths; the domain in lower case.
     */
    public static String address(String value, String field) {
        String a = value == null ? "" : value.strip();
        int at = a.lastIndexOf('@');
        boolean valid = at > 0 && at <= MAX_LOCAL_PART && at < a.length() - 1 && a.length() <= MAX_ADDRESS
                && LOCAL_PART.matcher(a.substring(0, at)).matches() && SettingNames.isHostName(a.substring(at + 1));
        if (!valid) {
            throw SettingNames.invalid(field + ": '" + value + "' is not an address like security@example.org"
                    + " (ASCII, at most " + MAX_ADDRESS + " characters)");
        }
        return a.substring(0, at) + "@" + a.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** The sender address, or {@code postmaster@hostName} when none is given. */
    static String from(String from, String hostName) {
        return from == null || from.isBlank() ? "postmaster@" + hostName : address(from, "from");
    }

    /** The admins' addresses, each checked, the same address (in any case) once. */
    static List<String> admins(List<String> admins) {
        if (admins == null) {
            return List.of();
        }
        if (admins.size() > MAX_ADMINS) {
            throw SettingNames.invalid("admins: at most " + MAX_ADMINS + " addresses, not " + admins.size());
        }
        Set<String> seen = new LinkedHashSet<>();
        List<String> checked = new ArrayList<>();
        for (int i = 0; i < admins.size(); i++) {
            String a = address(admins.get(i), "admins[" + i + "]");
            if (seen.add(a.toLowerCase(Locale.ROOT))) {
                checked.add(a);
            }
        }
        return List.copyOf(checked);
    }

    /** The outcomes the admins are told of: the defaults when not given; each once, in the enumeration's order. */
    static List<AdminOutcome> adminOutcomes(List<AdminOutcome> outcomes) {
        if (outcomes == null) {
            return DEFAULT_ADMIN_OUTCOMES;
        }
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i) == null) {
                throw SettingNames.invalid("adminOutcomes[" + i + "]: one of " + List.of(AdminOutcome.values()));
            }
        }
        return List.of(AdminOutcome.values()).stream().filter(outcomes::contains).toList();
    }

    static int digestMinutes(Integer minutes) {
        if (minutes == null) {
            return 0;
        }
        if (minutes < 0 || minutes > MAX_DIGEST_MINUTES) {
            throw SettingNames.invalid("digestMinutes: 0 (a mail per event) to " + MAX_DIGEST_MINUTES + " (a day),"
                    + " not " + minutes);
        }
        return minutes;
    }

    /** The templates with each field not given taken from the defaults, each field checked. */
    static Templates templates(Templates in) {
        return new Templates(template(in == null ? null : in.recipient(), Kind.RECIPIENT),
                template(in == null ? null : in.sender(), Kind.SENDER),
                template(in == null ? null : in.admin(), Kind.ADMIN));
    }

    /** The template a kind has when the admin sets none. */
    static Template defaults(Kind kind) {
        return DefaultTemplates.ALL.of(kind);
    }

    private static Template template(Template in, Kind kind) {
        Template defaults = defaults(kind);
        String field = "templates." + kind.name().toLowerCase(Locale.ROOT);
        String subject = in == null || blank(in.subject()) ? defaults.subject() : in.subject().strip();
        String text = in == null || blank(in.text()) ? defaults.text() : in.text();
        String html = in == null || blank(in.html()) ? defaults.html() : in.html();
        if (subject.length() > MAX_SUBJECT || !subject.chars().allMatch(c -> c >= 32 && c != 127)) {
            throw SettingNames.invalid(field + ".subject: at most " + MAX_SUBJECT + " characters on one line");
        }
        if (text.length() > MAX_TEXT) {
            throw SettingNames.invalid(field + ".text: at most " + MAX_TEXT + " characters, not " + text.length());
        }
        if (html.length() > MAX_HTML) {
            throw SettingNames.invalid(field + ".html: at most " + MAX_HTML + " characters, not " + html.length());
        }
        if (subject.contains("{link}")) {
            // the subject is kept in the message list; a link there would let the database open the rescan page
            throw SettingNames.invalid(field + ".subject: {link} may not be in a subject; put it in the text and"
                    + " the HTML");
        }
        placeholders(subject, field + ".subject");
        placeholders(text, field + ".text");
        placeholders(html, field + ".html");
        return new Template(subject, text, html);
    }

    /** Refuses a {@code {word}} that is not one of {@link NotificationSettings#PLACEHOLDERS}. */
    private static void placeholders(String template, String field) {
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!NotificationSettings.PLACEHOLDERS.contains(m.group(1))) {
                throw SettingNames.invalid(field + ": unknown placeholder {" + m.group(1) + "}; known are "
                        + String.join(", ", NotificationSettings.PLACEHOLDERS.stream().map(p -> "{" + p + "}")
                                .toList()));
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
