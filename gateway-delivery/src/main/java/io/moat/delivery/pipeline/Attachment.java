package io.moat.delivery.pipeline;

import io.moat.core.ScanResult;
import io.moat.core.VerdictCategory;
import io.moat.mime.AttachmentExtractor;
import java.time.Duration;
import java.time.Instant;

/**
 * An attachment's scan state while the message runs (a claim, and the runs after it while it waits on this node for
 * Core, {@link Waiting}); {@code changed} marks what must be recorded.
 */
final class Attachment {
    final int index;
    final String fileName;
    final String partName;
    final long size;
    final Long entityStart;
    final Long entityEnd;
    final boolean body;
    /** The decoded bytes, if this claim extracted them into memory; else they are in the parts folder. */
    final byte[] held;
    String dataId;
    Instant submittedAt;
    Integer code;
    String label;
    VerdictCategory category;
    /** What Core's Deep CDR made of the part ({@link SanitizedParts}), and its sanitized copy's name. */
    String cdr;
    String cdrName;
    boolean changed;
    /** The callback Core was asked to make for this submission, while this node keeps its token in memory. */
    CoreWaits.Expected expected;
    /**
     * How old the submission was when Core last said it was unfinished, if this node asked it since it submitted the
     * file (null when submitted elsewhere or before a restart): a lower bound of Core's time for it ({@link CorePace}).
     */
    Duration unfinishedAt;
    /** Submitted by this node in this message's runs in memory: what its checks find teaches {@link CorePace}. */
    boolean watched;

    Attachment(MessageSnapshot.AttachmentSnapshot a) {
        this.index = a.index();
        this.fileName = a.fileName();
        this.partName = a.partName();
        this.size = a.size();
        this.entityStart = a.entityStart();
        this.entityEnd = a.entityEnd();
        this.body = a.body();
        this.held = null;
        this.cdr = a.cdr();
        this.cdrName = a.cdrName();
        this.dataId = a.dataId();
        this.submittedAt = a.submittedAt();
        this.label = a.label();
        this.category = a.category() == null ? null : VerdictCategory.valueOf(a.category());
    }

    Attachment(AttachmentExtractor.Attachment a, byte[] held) {
        this.index = a.index();
        this.fileName = a.fileName();
        this.partName = a.partName();
        this.size = a.size();
        this.entityStart = a.entityStart() < 0 ? null : a.entityStart();
        this.entityEnd = a.entityEnd() < 0 ? null : a.entityEnd();
        this.body = a.body();
        this.held = held;
        if (a.finding() != null) { // the extraction's own verdict: recorded with the extraction, never submitted
            this.label = a.finding().label();
            this.category = VerdictCategory.valueOf(a.finding().category().name());
        }
    }

    /** Not sent to Core by the rule's choice. */
    void skipped(String why) {
        this.label = why;
        this.category = VerdictCategory.SKIPPED;
        this.changed = true;
    }

    /** Core's verdict, and what its Deep CDR made of the part. */
    void verdict(ScanResult result) {
        verdict(result.code(), result.label(), result.category());
        this.cdr = switch (result.sanitization()) {
            case SANITIZED -> SanitizedParts.SANITIZED;
            case FAILED -> SanitizedParts.FAILED;
            case NONE -> null;
        };
        this.cdrName = result.sanitized() ? result.convertedName() : null;
    }

    void verdict(int verdictCode, String verdictLabel, VerdictCategory verdictCategory) {
        this.code = verdictCode;
        this.label = verdictLabel;
        this.category = verdictCategory;
        this.changed = true;
    }
}
