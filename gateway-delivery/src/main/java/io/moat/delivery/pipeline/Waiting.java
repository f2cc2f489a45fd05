package io.moat.delivery.pipeline;

import io.moat.settings.rules.SecurityRules;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A message this node holds (its lease runs) whose files are at Core, kept in memory between the runs that wait for
 * their verdicts instead of being recorded after each (ADR 0041): what its runs learned so far ({@link Progress},
 * recorded in one transaction when it gets somewhere), its attachments with their decoded bytes, and the callbacks
 * awaited. While parked in {@link CoreWaits} nobody touches it; it wakes once, by a callback or when its time comes,
 * and then belongs to the worker that resumes it.
 */
final class Waiting {

    final MessageSnapshot message;
    final SecurityRules.Applied rule;
    final List<Attachment> attachments;
    final Progress progress;
    /** Until when this node's lease on the message runs: it is recorded well before. */
    final Instant leaseUntil;
    /** The decoded bytes it keeps in memory, counted against {@code moat.pipeline.waiting-max-bytes}. */
    final long bytes;
    /** When it is looked at again if no callback wakes it first. */
    Instant wakeAt;
    /** Set by whoever wakes it (a callback, its time): it is resumed once per park. */
    final AtomicBoolean woken = new AtomicBoolean(true);
    /** Orders parked messages with the same {@link #wakeAt}. */
    long sequence;

    Waiting(MessageSnapshot message, SecurityRules.Applied rule, List<Attachment> attachments, Progress progress,
            Instant leaseUntil) {
        this.message = message;
        this.rule = rule;
        this.attachments = attachments;
        this.progress = progress;
        this.leaseUntil = leaseUntil;
        long held = 0;
        for (Attachment a : attachments) {
            held += a.held == null ? 0 : a.held.length;
        }
        this.bytes = held + 4096; // the snapshot, the records and the progress around them
    }

    /** Whether Core has called back for every file still without a verdict (never, if one was submitted without). */
    boolean allCalledBack() {
        boolean any = false;
        for (Attachment a : attachments) {
            if (a.dataId != null && a.category == null) {
                if (a.expected == null || !a.expected.called()) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }
}
