package io.moat.persistence;

import java.util.EnumSet;
import java.util.Set;

/** Where a message is on its way through the gateway. */
public enum MessageState {
    /** Stored and acknowledged; attachments not yet extracted. */
    RECEIVED,
    /** Attachments submitted to Core, verdicts outstanding. */
    SCANNING,
    /** Every attachment has a verdict; policy not yet applied. */
    SCANNED,
    /** Allowed by policy, waiting for its first delivery attempt. */
    QUEUED,
    /** A delivery attempt failed temporarily; retried with backoff. */
    DEFERRED,
    /** Accepted by the downstream server. */
    DELIVERED,
    /** An attachment was infected or suspicious: never delivered. */
    BLOCKED,
    /** An attachment is encrypted or password protected: held, not delivered. */
    PASSWORD_REQUIRED,
    /**
     * Permanently refused downstream, out of retry lifetime, or its scans failed past their budget; the sender got
     * a DSN.
     */
    FAILED,
    /**
     * Set aside for an admin, never delivered: the message could not be inspected within the gateway's limits
     * (MIME parts, depth, header or decoded bytes), or processing it failed again and again.
     */
    QUARANTINED;

    private static final Set<MessageState> FINAL = EnumSet.of(DELIVERED, BLOCKED, PASSWORD_REQUIRED, FAILED,
            QUARANTINED);

    public boolean isFinal() {
        return FINAL.contains(this);
    }
}
