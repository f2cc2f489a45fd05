package io.moat.delivery.pipeline;

import io.moat.delivery.notify.Notices;
import io.moat.delivery.outbound.DeliveryAgent;
import io.moat.mime.AttachmentExtractor;
import io.moat.persistence.MessageState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one claim of a message learned, applied by {@link MessageSteps#apply} in one transaction together with
 * giving up the lease. States the message passes through within one claim (an attachment scanned at once,
 * delivered at once) are not written one by one: only where it ends up, and everything learned on the way.
 */
final class Progress {

    /**
     * Core's answer for one attachment, keyed by its index in the message; {@code cdr} and {@code cdrName}: what its
     * Deep CDR made of it ({@link SanitizedParts}).
     */
    record Scan(int index, String dataId, Instant submittedAt, Integer code, String label, String category,
            String cdr, String cdrName) {
    }

    /** A callback Core may make for a file submitted in this claim: the hash of its token, stored until expiry. */
    record Callback(String tokenHash, String dataId, Instant expiresAt) {
    }

    AttachmentExtractor.Extraction extraction;
    final List<Scan> scans = new ArrayList<>();
    final List<Callback> callbacks = new ArrayList<>();
    /** What the decision made of parts Core sanitized: by index, REPLACED or FAILED ({@link SanitizedParts}). */
    final Map<Integer, String> sanitized = new LinkedHashMap<>();
    String scanSummary;
    DeliveryAgent.Result delivery;
    List<String> pendingRecipients;
    MessageSteps.Dsn dsn;
    /** The notifications about a message this claim holds, written to the spool and recorded with its state. */
    Notices notices;
    /**
     * The claim is talking to Core or the downstream server: an exception now most likely says something about them
     * (down, misconfigured), not about the message, and is not counted against it.
     */
    boolean talking;
    /** The claim failed (ended in an exception or error); counted, so that a message failing again and again is set aside. */
    boolean claimFailed;
    /** The claim succeeded after earlier ones failed: their count is reset. */
    boolean claimSucceeded;
    /** The run ends with files at Core without their verdicts, or waiting for room there: it may wait in memory. */
    boolean awaitingCore;
    /** Failed scans are submitted again: one more scan round. */
    boolean scanRound;

    /** What the security rule decided: the scan's outcome and the action taken (null: not decided in this claim). */
    String outcome;
    String action;
    /** The marks the rule added to the copy to deliver, in a line; {@code marked}: that copy was written now. */
    String marks;
    boolean marked;

    /** Files to remove once the result is committed, never before: a crash in between must find them. */
    boolean deleteParts;
    boolean deleteMessage;

    MessageState state;
    Instant due;
    String reason;

    /** The rule's decision: what the scan concluded and what was done about it. */
    void decided(String scanOutcome, String ruleAction) {
        this.outcome = scanOutcome;
        this.action = ruleAction;
    }

    /** Moves on to {@code next}, due at once. */
    void moveTo(MessageState next) {
        this.state = next;
        this.due = null;
        this.reason = null;
    }

    /** Ends the claim in {@code next}, due again at {@code when}; {@code why} is shown as the last error. */
    void retryLater(MessageState next, Instant when, String why) {
        this.state = next;
        this.due = when;
        this.reason = why;
    }
}
