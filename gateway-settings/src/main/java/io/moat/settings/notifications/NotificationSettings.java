package io.moat.settings.notifications;

import java.util.List;

/**
 * Settings &gt; Notifications as the admin sees and sets them. In an input, a null field takes its default; in an
 * answer every field is filled in (the templates too: a template not set is shown as the default it stands for).
 *
 * @param from          the sender address of notifications ({@code From:}); default {@code postmaster@} the gateway's
 *                      host name ({@code moat.hostname}). They go out with the null reverse path (RFC 3834 3.3), so
 *                      that a notification that cannot be delivered bounces to nobody.
 * @param recipient     tell each recipient when their mail is held (default true)
 * @param sender        tell the sender (default false; never the null sender)
 * @param admins        addresses told of the outcomes in {@code adminOutcomes} (default none)
 * @param adminOutcomes which outcomes the admins are told of (default all but {@code ENCRYPTED})
 * @param digestMinutes 0: a mail to the admins per event; N: at most one mail per N minutes listing the events since
 *                      the last (0 to {@value NotificationChecks#MAX_DIGEST_MINUTES})
 * @param relayProfile  the SMTP server profile notifications go through, by name or id (answered by name); null: the
 *                      relay profile of the held message's security rule, else the one routing the recipient's domain
 * @param templates     the words of each kind of notification
 */
public record NotificationSettings(String from, Boolean recipient, Boolean sender, List<String> admins,
        List<AdminOutcome> adminOutcomes, Integer digestMinutes, String relayProfile, Templates templates) {

    /** The placeholders a template may use, each written {@code {name}}. */
    public static final List<String> PLACEHOLDERS = List.of("sender", "recipient", "subject", "reason", "rule",
            "receivedAt", "attachments", "link", "expiry", "id");

    public NotificationSettings {
        admins = admins == null ? null : List.copyOf(admins);
        adminOutcomes = adminOutcomes == null ? null : List.copyOf(adminOutcomes);
    }

    /** Why a message was held or failed: what the admins may be told of. */
    public enum AdminOutcome {
        /** Infected, suspicious or blocked by Core's policy. */
        BLOCKED,
        /** Encrypted or password protected (held for a password, or blocked). */
        ENCRYPTED,
        /** No verdict within the budget (quarantined, or failed with a DSN). */
        SCAN_ERROR,
        /** Could not be taken apart within the gateway's limits. */
        UNINSPECTED,
        /** Processing failed again and again: set aside. */
        PROCESSING_FAILED
    }

    /** The kinds of notification, each with its template. */
    public enum Kind {
        RECIPIENT, SENDER, ADMIN
    }

    /** A template per kind; a null one is the default. */
    public record Templates(Template recipient, Template sender, Template admin) {

        public Template of(Kind kind) {
            return switch (kind) {
                case RECIPIENT -> recipient;
                case SENDER -> sender;
                case ADMIN -> admin;
            };
        }
    }

    /**
     * The words of one kind of notification, each with placeholders ({@link #PLACEHOLDERS}); a null field takes the
     * default. A line that names {@code {link}} or {@code {expiry}} is left out of a notification that has no link
     * (only a recipient's notice of a message held for a password has one).
     *
     * @param subject one line
     * @param text    the plain-text part
     * @param html    the HTML part (the admin's HTML; every value put into it is escaped)
     */
    public record Template(String subject, String text, String html) {
    }
}
