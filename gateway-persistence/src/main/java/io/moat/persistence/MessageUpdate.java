package io.moat.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What one step of the pipeline changes in a message record, applied by {@link MessageRepository#update} without
 * loading the message: its fields in one statement, new attachments and delivery attempts inserted, and the lease
 * given up. Fields left unset stay as they are.
 */
public final class MessageUpdate {

    /** A delivery attempt to add; the message's attempt count grows by one with it. */
    record Attempt(Instant at, String server, String outcome, String reply, String tlsProtocol, String tlsCipher) {
    }

    final Instant now;
    String subject;
    String scanSummary;
    String pendingRecipients;
    /** The state moved to, with {@link #due} and {@link #reason}; null when the state stays. */
    MessageState state;
    Instant due;
    String reason;
    Attempt attempt;
    /** +1: the claim failed; 0: it succeeded after failures (the count is reset); null: unchanged. */
    Integer failedClaims;
    boolean scanRound;
    String outcome;
    String action;
    String marks;
    final List<AttachmentEntity> newAttachments = new ArrayList<>();
    final Map<Integer, List<Consumer<AttachmentEntity>>> attachmentChanges = new LinkedHashMap<>();

    private MessageUpdate(Instant now) {
        this.now = now;
    }

    /** An update made at {@code now} (the time recorded as the message's last change). */
    public static MessageUpdate at(Instant now) {
        return new MessageUpdate(now);
    }

    public MessageUpdate subject(String value) {
        this.subject = MessageEntity.truncate(value, MessageEntity.SUBJECT_LENGTH);
        return this;
    }

    public MessageUpdate scanSummary(String value) {
        this.scanSummary = MessageEntity.truncate(value, MessageEntity.SCAN_SUMMARY_LENGTH);
        return this;
    }

    public MessageUpdate pendingRecipients(List<String> pending) {
        this.pendingRecipients = String.join("\n", pending);
        return this;
    }

    /** As {@link MessageEntity#moveTo}: into {@code next}, due at once unless final, no error shown. */
    public MessageUpdate moveTo(MessageState next) {
        return retryLater(next, now, null);
    }

    /** As {@link MessageEntity#retryLater}: into {@code next}, due at {@code at} unless final, {@code why} shown. */
    public MessageUpdate retryLater(MessageState next, Instant at, String why) {
        this.state = Objects.requireNonNull(next, "next state");
        this.due = MessageEntity.nextAttempt(next, at);
        this.reason = MessageEntity.truncate(why, MessageEntity.ERROR_LENGTH);
        return this;
    }

    /** The claim that made this update failed: the message's count of failed claims grows by one. */
    public MessageUpdate claimFailed() {
        this.failedClaims = 1;
        return this;
    }

    /** The claim succeeded: the count of failed claims starts again from zero. */
    public MessageUpdate claimSucceeded() {
        this.failedClaims = 0;
        return this;
    }

    /** The message's failed scans are submitted again: one more scan round. */
    public MessageUpdate scanRound() {
        this.scanRound = true;
        return this;
    }

    /**
     * What the message's security rule decided: the scan's outcome, the action taken and the marks added to the
     * delivered copy (null: none).
     */
    public MessageUpdate decided(String outcome, String action, String marks) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.action = Objects.requireNonNull(action, "action");
        this.marks = MessageEntity.truncate(marks, MessageEntity.MARKS_LENGTH);
        return this;
    }

    /** A newly found attachment of the message. */
    public MessageUpdate addAttachment(AttachmentEntity attachment) {
        newAttachments.add(attachment);
        return this;
    }

    /** A change to the attachment at {@code index} (a new one of this update, or one recorded before). */
    public MessageUpdate attachment(int index, Consumer<AttachmentEntity> change) {
        attachmentChanges.computeIfAbsent(index, i -> new ArrayList<>()).add(change);
        return this;
    }

    /** As {@link MessageEntity#addDeliveryAttempt(Instant, String, String, String, String, String)}. */
    public MessageUpdate addDeliveryAttempt(String server, String outcome, String reply, String tlsProtocol,
            String tlsCipher) {
        this.attempt = new Attempt(now, server, outcome, MessageEntity.truncate(reply, MessageEntity.REPLY_LENGTH),
                tlsProtocol,
                tlsCipher);
        return this;
    }
}
