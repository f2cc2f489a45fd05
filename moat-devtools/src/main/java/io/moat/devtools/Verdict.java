package io.moat.devtools;

/** The few verdicts the emulator can give, with Core's codes and texts; declared in rising severity. */
enum Verdict {
    CLEAN(0, "No Threat Detected"), ENCRYPTED(12, "Encrypted Archive"), INFECTED(1, "Infected");

    private final int code;
    private final String text;

    Verdict(int code, String text) {
        this.code = code;
        this.text = text;
    }

    /** {@code scan_results.scan_all_result_i}. */
    int code() {
        return code;
    }

    /** {@code scan_results.scan_all_result_a}. */
    String text() {
        return text;
    }

    /** {@code process_info.result}. */
    String result() {
        return this == CLEAN ? "Allowed" : "Blocked";
    }

    /** {@code process_info.blocked_reason}; empty when allowed. */
    String blockedReason() {
        return this == CLEAN ? "" : text;
    }

    /** The more severe of the two: infected over encrypted over clean. */
    Verdict worst(Verdict other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
