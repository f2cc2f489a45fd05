package io.moat.delivery.internal;

import io.moat.core.VerdictCategory;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The policy over a message's attachment verdicts. Scanning only records verdicts; this decides. Infected or
 * suspicious blocks; encrypted or password-protected holds the message for a password; a failed scan is retried
 * (never taken as clean); only all-clean delivers.
 */
public final class ScanPolicy {

    private ScanPolicy() {
    }

    /** What to do with the message. */
    public enum Decision {
        DELIVER, BLOCK, HOLD_FOR_PASSWORD, RESCAN
    }

    /** The verdict of one attachment. */
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
        List<Verdict> locked = having(verdicts, VerdictCategory.PASSWORD_REQUIRED);
        if (!locked.isEmpty()) {
            return new Result(Decision.HOLD_FOR_PASSWORD, "password required: " + describe(locked));
        }
        List<Verdict> failed = having(verdicts, VerdictCategory.FAILED, VerdictCategory.PENDING);
        if (!failed.isEmpty()) {
            return new Result(Decision.RESCAN, "scan failed: " + describe(failed));
        }
        return new Result(Decision.DELIVER, verdicts.isEmpty()
                ? "clean; no attachments"
                : "clean; " + verdicts.size() + (verdicts.size() == 1 ? " attachment" : " attachments") + " scanned");
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
