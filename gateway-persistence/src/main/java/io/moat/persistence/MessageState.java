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
    QUARANTINED,
    /**
     * Taken out of the quarantine for good, by an admin or by the retention purge: its spool files are gone, its
     * record (and what was done to it) is kept until the records' own retention.
     */
    DELETED;

    private static final Set<MessageState> FINAL = EnumSet.of(DELIVERED, BLOCKED, PASSWORD_REQUIRED, FAILED,
            QUARANTINED, DELETED);

    /** The states of a message in the quarantine: kept, not delivered, waiting for an admin (or a password). */
    private static final Set<MessageState> QUARANTINE = EnumSet.of(BLOCKED, PASSWORD_REQUIRED, QUARANTINED);

    public boolean isFinal() {
        return FINAL.contains(this);
    }

    /** Whether a message in this state is in the quarantine (BLOCKED, PASSWORD_REQUIRED, QUARANTINED). */
    public boolean isQuarantined() {
        return QUARANTINE.contains(this);
    }

    /** The states of the quarantine. */
    public static Set<MessageState> quarantine() {
        return EnumSet.copyOf(QUARANTINE);
    }
}
