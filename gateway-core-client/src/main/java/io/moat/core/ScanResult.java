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
 * @param sanitized       whether Deep CDR produced a sanitized copy of the file
 * @param blockedReason   Core's {@code blocked_reason}, or {@code null}
 */
public record ScanResult(String dataId, boolean complete, int progressPercent, int code, String label,
        VerdictCategory category, boolean sanitized, String blockedReason) {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException     if {@code dataId} or {@code category} is null
     * @throws IllegalArgumentException if {@code progressPercent} is outside 0..100, or if the result is incomplete
     *                                  but its category is not {@link VerdictCategory#PENDING}
     */
    public ScanResult {
        Objects.requireNonNull(dataId, "dataId");
        Objects.requireNonNull(category, "category");
        if (progressPercent < 0 || progressPercent > 100) {
            throw new IllegalArgumentException("progressPercent out of range: " + progressPercent);
        }
        if (!complete && category != VerdictCategory.PENDING) {
            throw new IllegalArgumentException("an incomplete result must be PENDING, not " + category);
        }
    }
}
