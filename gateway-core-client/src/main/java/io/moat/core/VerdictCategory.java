package io.moat.core;

/** What the gateway needs to know about a scanned file; see {@link VerdictMapper} for how Core's codes map here. */
public enum VerdictCategory {
    /** Core found no threat, or the file is allowlisted. */
    CLEAN,
    /** Core found a threat (also when it cleaned or deleted it). */
    INFECTED,
    /** Not proven malicious, but Core flagged it (blocklisted, type mismatch, sensitive data, policy block, …). */
    SUSPICIOUS,
    /** Encrypted archive or document Core could not open; a password might help. */
    PASSWORD_REQUIRED,
    /** Core could not scan the file (failure, limits exceeded, unsupported, canceled, or an unknown code). */
    FAILED,
    /** Core has not finished yet. */
    PENDING,
    /**
     * Not one of Core's: the gateway could not take this content apart within its limits (MIME parts, nesting
     * depth, header bytes, decoded bytes), so nothing was sent to Core for it. Never clean.
     */
    UNINSPECTED,
    /**
     * Not one of Core's: the message's security rule does not scan this part (a text body, when the rule scans
     * attachments only), so it was not sent to Core. Neither clean nor a threat; never counted as scanned.
     */
    SKIPPED
}
