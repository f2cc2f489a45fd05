package io.moat.core;

import java.util.Objects;

/**
 * What Core reports about one file, in the gateway's terms.
 *
 * @param dataId          Core's id of the file
 * @param complete        whether Core has finished processing the file; until then {@code category} is
 *                        {@link VerdictCategory#PENDING}
 * @param progressPercent processing progress, 0 to 100
 * @param code            Core's {@code scan_all_result_i}, or {@code -1} when Core reported none
 * @param label           Core's {@code scan_all_result_a} (for example {@code "Infected"}), or {@code null}
 * @param category        the verdict category; see {@link VerdictMapper}
 * @param sanitization    what Deep CDR did with the file ({@code post_processing.actions_ran} and
 *                        {@code actions_failed})
 * @param convertedName   the sanitized file's name ({@code post_processing.converted_destination}), or {@code null}
 * @param blockedReason   Core's {@code blocked_reason}, or {@code null}
 */
public record ScanResult(String dataId, boolean complete, int progressPercent, int code, String label,
        VerdictCategory category, Sanitization sanitization, String convertedName, String blockedReason) {

    /**
     * What Deep CDR (Core's content disarm and reconstruction) did with a file: Core reports it in
     * {@code process_info.post_processing}, {@code actions_ran} ({@code Sanitized}, {@code Sanitized Partially},
     * {@code Sanitization Skipped}) and {@code actions_failed} ({@code Sanitization Failed}, {@code Sanitization Timed
     * Out}, ...), each a list separated by {@code |}.
     */
    public enum Sanitization {
        /** No sanitization ran: the workflow has no Deep CDR, the file type is not sanitized, or it was skipped. */
        NONE,
        /** A sanitized copy exists ({@code GET /file/converted/{data_id}}); partial sanitization included. */
        SANITIZED,
        /** Deep CDR ran and failed (or timed out, or was cancelled): there is no sanitized copy. */
        FAILED
    }

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException     if {@code dataId}, {@code category} or {@code sanitization} is null
     * @throws IllegalArgumentException if {@code progressPercent} is outside 0..100, or if the result is incomplete
     *                                  but its category is not {@link VerdictCategory#PENDING}
     */
    public ScanResult {
        Objects.requireNonNull(dataId, "dataId");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(sanitization, "sanitization");
        if (progressPercent < 0 || progressPercent > 100) {
            throw new IllegalArgumentException("progressPercent out of range: " + progressPercent);
        }
        if (!complete && category != VerdictCategory.PENDING) {
            throw new IllegalArgumentException("an incomplete result must be PENDING, not " + category);
        }
    }

    /** A result that says only whether a sanitized copy exists (none: {@link Sanitization#NONE}). */
    public ScanResult(String dataId, boolean complete, int progressPercent, int code, String label,
            VerdictCategory category, boolean sanitized, String blockedReason) {
        this(dataId, complete, progressPercent, code, label, category,
                sanitized ? Sanitization.SANITIZED : Sanitization.NONE, null, blockedReason);
    }

    /** Whether Deep CDR produced a sanitized copy of the file. */
    public boolean sanitized() {
        return sanitization == Sanitization.SANITIZED;
    }

    /** The same result under another data id (a failover client's id that names the server). */
    public ScanResult withDataId(String id) {
        return new ScanResult(id, complete, progressPercent, code, label, category, sanitization, convertedName,
                blockedReason);
    }
}
