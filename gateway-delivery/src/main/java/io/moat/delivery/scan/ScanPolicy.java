package io.moat.delivery.scan;

import io.moat.core.VerdictCategory;
import io.moat.settings.rules.SecurityRule.Blocked;
import io.moat.settings.rules.SecurityRule.Outcome;
import io.moat.settings.rules.SecurityRules;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The decision over a message's verdicts (one per part: its bodies and attachments, and one per finding of the
 * extraction) by the message's security rule. Scanning only records verdicts; this decides, in this order:
 * content that could not be inspected within the limits is quarantined whatever the rule says (nothing can be cut
 * out of a structure that was not read); infected or suspicious parts get the rule's blocked action; encrypted parts
 * its encrypted action; a failed or unfinished scan is scanned again (the pipeline applies the scan-error action once
 * the budget is spent); only then is the message delivered, with what the rule removed and the marks of the most
 * severe outcome it let through. A message with nothing in it to scan says so rather than "clean".
 */
public final class ScanPolicy {

    private ScanPolicy() {
    }

    /**
     * What is done: {@code DELIVER} (allowed), the rule's actions by name ({@code QUARANTINE}, {@code DELETE_CONTENT},
     * {@code DELIVER_TAGGED}, {@code BLOCK}), {@code HOLD_FOR_PASSWORD} (the encrypted outcome's quarantine) and
     * {@code RESCAN} (a failed scan within its budget).
     */
    public enum Action {
        DELIVER, QUARANTINE, DELETE_CONTENT, DELIVER_TAGGED, HOLD_FOR_PASSWORD, BLOCK, RESCAN;

        /** Whether the message goes on to be delivered. */
        public boolean delivers() {
            return this == DELIVER || this == DELETE_CONTENT || this == DELIVER_TAGGED;
        }
    }

    /**
     * The verdict of one part; {@code entityStart}/{@code entityEnd}: where its outermost MIME entity lies in the
     * stored message (null if unknown: a finding, or a part recorded before the ranges were).
     */
    public record Verdict(String fileName, VerdictCategory category, String label, Long entityStart,
            Long entityEnd) {

        public Verdict(String fileName, VerdictCategory category, String label) {
            this(fileName, category, label, null, null);
        }
    }

    /** A part to cut out of the delivered copy, and the text that takes its place. */
    public record Removal(long start, long end, String text) {
    }

    /**
     * The decision and the text for the {@code X-Moat-Scan:} header and the message record; {@code removals} for
     * {@link Action#DELETE_CONTENT}; a delivered copy gets the marks of {@code outcome}.
     */
    public record Result(Outcome outcome, Action action, String summary, List<Removal> removals) {
    }

    /** Decides by {@code rule} (its blocked and encrypted actions; the scan-error action is the pipeline's). */
    public static Result decide(List<Verdict> verdicts, SecurityRules.Applied rule) {
        List<Verdict> threats = having(verdicts, VerdictCategory.INFECTED, VerdictCategory.SUSPICIOUS);
        List<Verdict> uninspected = having(verdicts, VerdictCategory.UNINSPECTED);
        if (!uninspected.isEmpty() && (threats.isEmpty() || rule.blocked() != Blocked.QUARANTINE)) {
            return new Result(Outcome.UNINSPECTED, Action.QUARANTINE, "quarantined: " + uninspected.stream()
                    .map(v -> headerSafe(v.label())).collect(Collectors.joining(", ")), List.of());
        }
        Outcome worst = Outcome.ALLOWED;
        Action taken = Action.DELIVER;
        List<Removal> removals = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (!threats.isEmpty()) {
            String blocked = describe(threats);
            boolean locatable = threats.stream().allMatch(v -> v.entityStart() != null && v.entityStart() >= 0
                    && v.entityEnd() != null && v.entityEnd() > v.entityStart());
            if (rule.blocked() == Blocked.QUARANTINE || rule.blocked() == Blocked.DELETE_CONTENT && !locatable) {
                return new Result(Outcome.BLOCKED, Action.QUARANTINE, "blocked: " + blocked
                        + (rule.blocked() == Blocked.DELETE_CONTENT
                                ? " (the blocked content could not be cut out)"
                                : ""),
                        List.of());
            }
            worst = Outcome.BLOCKED;
            if (rule.blocked() == Blocked.DELETE_CONTENT) {
                taken = Action.DELETE_CONTENT;
                threats.forEach(v -> removals.add(new Removal(v.entityStart(), v.entityEnd(),
                        "Moat removed the attachment '" + headerSafe(v.fileName()) + "' from this message: "
                                + headerSafe(v.label()) + " (security rule '" + rule.name() + "').")));
                notes.add("removed: " + blocked);
            } else {
                taken = Action.DELIVER_TAGGED;
                notes.add("delivered tagged: " + blocked);
            }
        }
        List<Verdict> locked = having(verdicts, VerdictCategory.PASSWORD_REQUIRED);
        if (!locked.isEmpty()) {
            switch (rule.encrypted()) {
                case QUARANTINE -> {
                    return new Result(Outcome.ENCRYPTED, Action.HOLD_FOR_PASSWORD,
                            "password required: " + describe(locked), List.of());
                }
                case BLOCK -> {
                    return new Result(Outcome.ENCRYPTED, Action.BLOCK, "blocked: encrypted: " + describe(locked),
                            List.of());
                }
                case DELIVER_TAGGED -> {
                    if (worst == Outcome.ALLOWED) {
                        worst = Outcome.ENCRYPTED;
                        taken = Action.DELIVER_TAGGED;
                    }
                    notes.add("delivered tagged: encrypted: " + describe(locked));
                }
            }
        }
        List<Verdict> failed = having(verdicts, VerdictCategory.FAILED, VerdictCategory.PENDING);
        if (!failed.isEmpty()) {
            return new Result(Outcome.SCAN_ERROR, Action.RESCAN, "scan failed: " + describe(failed), List.of());
        }
        if (worst != Outcome.ALLOWED) {
            return new Result(worst, taken, String.join("; ", notes), List.copyOf(removals));
        }
        long scanned = verdicts.stream().filter(v -> v.category() != VerdictCategory.SKIPPED).count();
        long skipped = verdicts.size() - scanned;
        String summary = verdicts.isEmpty()
                ? "nothing to scan; the message is empty"
                : "clean; " + scanned + (scanned == 1 ? " part" : " parts") + " scanned"
                        + (skipped == 0
                                ? ""
                                : ", " + skipped + " text " + (skipped == 1 ? "body" : "bodies")
                                        + " not scanned (the rule scans attachments only)");
        return new Result(Outcome.ALLOWED, Action.DELIVER, summary, List.of());
    }

    private static List<Verdict> having(List<Verdict> verdicts, VerdictCategory... categories) {
        List<VerdictCategory> wanted = List.of(categories);
        return verdicts.stream().filter(v -> wanted.contains(v.category())).toList();
    }

    private static String describe(List<Verdict> verdicts) {
        return verdicts.stream().map(v -> headerSafe(v.fileName()) + " (" + headerSafe(v.label()) + ")")
                .collect(Collectors.joining(", "));
    }

    /** File names come from senders: keep them to printable ASCII on one line. */
    public static String headerSafe(String text) {
        if (text == null) {
            return "?";
        }
        StringBuilder clean = new StringBuilder();
        for (char c : text.toCharArray()) {
            clean.append(c >= 32 && c < 127 ? c : '?');
        }
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean.toString();
    }
}
