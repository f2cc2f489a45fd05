package io.moat.delivery.internal;

import io.moat.core.VerdictCategory;

/** Which stored categories are final verdicts (as opposed to a failed or pending scan, which is scanned again). */
final class AttachmentCategories {

    private AttachmentCategories() {
    }

    static boolean isVerdict(String category) {
        if (category == null) {
            return false;
        }
        VerdictCategory c = VerdictCategory.valueOf(category);
        return c != VerdictCategory.FAILED && c != VerdictCategory.PENDING;
    }
}
