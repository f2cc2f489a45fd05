package io.moat.settings.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A security rule as the admin sees and sets it. In an input, null fields take their defaults (an omitted
 * {@code position} appends; {@code enabled} and {@code scanBody} are true; the actions are the default rule's:
 * quarantine, quarantine, retry); profiles are named by name or id and answered by name.
 *
 * @param scanErrorAfter how long (ISO-8601, e.g. {@code PT10M}) a message may wait for its verdicts (Core unreachable,
 *            or its scans failing) before the scan-error action applies; null: {@code moat.scan.max-time}
 * @param cdr whether Core's sanitized files (Deep CDR) replace the attachments, and what a failed sanitization does;
 *            null: not used (the default rule of a new installation uses them, migration V19)
 */
public record SecurityRule(String id, String name, Boolean enabled, Integer position, Filter filter,
        String coreProfile, String coreRule, String relayProfile, Boolean scanBody, Actions actions, Marks marks,
        String scanErrorAfter, Cdr cdr) {

    /**
     * Deep CDR: with {@code useSanitized}, an attachment Core sanitized is delivered as Core's sanitized file in its
     * place; {@code onFailure} says what happens to a message one of whose attachments Core failed to sanitize (or
     * whose sanitized file cannot be had). Null fields take the defaults: not used, {@link CdrFailure#BLOCK}.
     */
    public record Cdr(Boolean useSanitized, CdrFailure onFailure) {

        /** Sanitized files not used. */
        public static final Cdr OFF = new Cdr(false, CdrFailure.BLOCK);

        /** Whether sanitized files replace the attachments (null counts as no). */
        public boolean uses() {
            return Boolean.TRUE.equals(useSanitized);
        }
    }

    /** What a failed sanitization does to the message. */
    public enum CdrFailure {
        /** Not delivered: blocked and kept in the quarantine, the reason saying sanitization failed (the default). */
        BLOCK,
        /** Delivered with the original attachment, tagged and with a header that says it was not sanitized. */
        DELIVER_ORIGINAL
    }

    /** Which mail the rule takes; every empty list matches anything. */
    public record Filter(List<String> endpoints, List<String> previousHops, List<String> senders,
            List<String> recipients, Direction direction) {

        public Filter {
            endpoints = copy(endpoints);
            previousHops = copy(previousHops);
            senders = copy(senders);
            recipients = copy(recipients);
        }

        /** Unmodifiable, nulls kept: the checks name a null entry ({@code senders[0]}) rather than fail on it. */
        private static List<String> copy(List<String> list) {
            return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
        }
    }

    /** A label for reports and notifications: mail from outside, or from the organisation's own servers. */
    public enum Direction {
        INBOUND, OUTBOUND
    }

    /** What is done with each outcome of the scan; null fields take the defaults. */
    public record Actions(Blocked blocked, Encrypted encrypted, ScanError scanError) {
    }

    /** Infected, suspicious or blocked by Core's policy. */
    public enum Blocked {
        /** Not delivered; kept in quarantine (the default). */
        QUARANTINE,
        /** The blocked parts are replaced by a short text that says what was removed and why; the rest delivered. */
        DELETE_CONTENT,
        /** Delivered as it is, with the outcome's marks (a subject tag by default). */
        DELIVER_TAGGED
    }

    /** Encrypted or password protected: Core could not look inside. */
    public enum Encrypted {
        /** Held in quarantine for a password (the default). */
        QUARANTINE,
        /** Blocked like an infected message. */
        BLOCK,
        /** Delivered as it is, with the outcome's marks. */
        DELIVER_TAGGED
    }

    /** No verdict within the budget: Core unreachable, or its scans failing. */
    public enum ScanError {
        /** Retried until {@code scanErrorAfter} or {@code moat.scan.max-attempts}, then failed with a DSN (default). */
        RETRY,
        /** Failed at the first scan error: quarantined, and the sender gets a DSN. */
        FAIL,
        /** Retried until {@code scanErrorAfter}, then delivered unscanned, tagged and with a disclaimer. */
        BYPASS
    }

    /** What the scan concluded about a message; each outcome that delivers has its marks. */
    public enum Outcome {
        /** Every part scanned clean (or not scanned by the rule's choice: text bodies). */
        ALLOWED,
        /** Infected, suspicious or blocked by Core's policy. */
        BLOCKED,
        /** Encrypted or password protected. */
        ENCRYPTED,
        /** No verdict within the budget. */
        SCAN_ERROR,
        /** The gateway could not take the message apart within its limits: always quarantined. */
        UNINSPECTED
    }

    /** The marks per outcome that delivers: allowed, blocked (tagged or content deleted), encrypted, bypassed. */
    public record Marks(Mark allowed, Mark blocked, Mark encrypted, Mark scanError) {

        /** The marks of {@code outcome}, or null (none set, or an outcome that never delivers). */
        public Mark of(Outcome outcome) {
            return switch (outcome) {
                case ALLOWED -> allowed;
                case BLOCKED -> blocked;
                case ENCRYPTED -> encrypted;
                case SCAN_ERROR -> scanError;
                case UNINSPECTED -> null;
            };
        }
    }

    /**
     * What is added to a delivered message. Header values and the subject tag may hold placeholders: {@code {rule}},
     * {@code {outcome}}, {@code {action}}, {@code {verdict}} (the scan's summary), {@code {direction}}.
     */
    public record Mark(String subjectTag, Map<String, String> headers, Disclaimer disclaimer) {

        public Mark {
            headers = headers == null ? Map.of() : new LinkedHashMap<>(headers);
        }

        @Override
        public Map<String, String> headers() {
            return java.util.Collections.unmodifiableMap(headers);
        }
    }

    /** A notice inserted into the body: the text into the plain-text part, the HTML into the HTML part. */
    public record Disclaimer(String text, String html, Position position, Style style) {
    }

    /** Before or after the body. */
    public enum Position {
        TOP, BOTTOM
    }

    /** How an HTML disclaimer looks. */
    public enum Style {
        INFO, WARNING, CRITICAL
    }
}
