package io.moat.delivery.scan;

import io.moat.core.VerdictCategory;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The policy over a message's verdicts, one per part (its bodies and attachments) and one per finding of the
 * extraction. Scanning only records verdicts; this decides. Infected or suspicious blocks; content that could not be
 * inspected within the limits quarantines; encrypted or password-protected holds the message for a password; a
 * failed scan is retried (never taken as clean); only all-clean delivers, and a message with nothing in it to scan
 * says so rather than "clean".
 */
public final class ScanPolicy {

    private ScanPolicy() {
    }

    /** What to do with the message. */
    public enum Decision {
        DELIVER, BLOCK, QUARANTINE, HOLD_FOR_PASSWORD, RESCAN
    }

    /** The verdict of one part. */
    public record Verdict(String fileName, VerdictCategory category, String label) {
    }

    /** The decision and the text for the {@code X-Moat-Scan:} header and the message record. */
    public record Result(Decision decision, String summary) {
    }

    public static Result decide(List<Verdict> verdicts) {
        List<Verdict> threats = having(verdicts, VerdictCategory.INFECTED, VerdictCategory.SUSPICIOUS);
        if (!threats.isEmpty()) {
            return new Result(Decision.BLOCK, "blocked: " + describe(threats));
        }
        List<Verdict> uninspected = having(verdicts, VerdictCategory.UNINSPECTED);
        if (!uninspected.isEmpty()) {
            return new Result(Decision.QUARANTINE, "quarantined: " + uninspected.stream()
                    .map(v -> headerSafe(v.label())).collect(Collectors.joining(", ")));
        }
        List<Verdict> locked = having(verdicts, VerdictCategory.PASSWORD_REQUIRED);
        if (!locked.isEmpty()) {
            return new Result(Decision.HOLD_FOR_PASSWORD, "password required: " + describe(locked));
        }
        List<Verdict> failed = having(verdicts, VerdictCategory.FAILED, VerdictCategory.PENDING);
        if (!failed.isEmpty()) {
            return new Result(Decision.RESCAN, "scan failed: " + describe(failed));
        }
        return new Result(Decision.DELIVER, verdicts.isEmpty()
                ? "nothing to scan; the message is empty"
                : "clean; " + verdicts.size() + (verdicts.size() == 1 ? " part" : " parts") + " scanned");
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
    private static String headerSafe(String text) {
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
