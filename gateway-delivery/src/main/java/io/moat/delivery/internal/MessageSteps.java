package io.moat.delivery.internal;

import io.moat.core.ScanResult;
import io.moat.persistence.AttachmentEntity;
import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageRepository;
import io.moat.persistence.MessageState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every state change of a message, each one transaction. The steps' slow work (parsing, Core, SMTP) happens
 * outside these methods, between a {@link #snapshot} and the change that records its result.
 */
@ApplicationScoped
@Transactional
public class MessageSteps {

    @Inject
    MessageRepository messages;

    public Optional<MessageSnapshot> snapshot(String id) {
        return messages.find(id).map(MessageSnapshot::of);
    }

    public List<String> due(Instant now, int limit) {
        return messages.due(now, limit);
    }

    public boolean claim(String id, String owner, Instant now, Instant until) {
        return messages.claim(id, owner, now, until);
    }

    public int releaseLeases(String owner) {
        return messages.releaseLeases(owner);
    }

    public void release(String id) {
        messages.find(id).ifPresent(MessageEntity::release);
    }

    /** RECEIVED → SCANNING (or straight to SCANNED when there is nothing to scan). */
    public void extracted(String id, AttachmentExtractor.Extraction extraction, Instant now) {
        MessageEntity m = get(id);
        m.setSubject(extraction.subject());
        for (AttachmentExtractor.Attachment a : extraction.attachments()) {
            m.addAttachment(new AttachmentEntity(a.index(), a.fileName(), a.contentType(), a.size(), a.partName()));
        }
        m.moveTo(extraction.attachments().isEmpty() ? MessageState.SCANNED : MessageState.SCANNING, now);
    }

    public void submitted(long attachmentId, String dataId, Instant now) {
        attachment(attachmentId).submitted(dataId, now);
    }

    public void verdict(long attachmentId, ScanResult result, Instant now) {
        attachment(attachmentId).completed(result.code(), result.label(), result.category().name(), now);
    }

    /** A verdict without Core: e.g. an empty file, which Core refuses and which cannot carry anything. */
    public void verdict(long attachmentId, int code, String label, String category, Instant now) {
        attachment(attachmentId).completed(code, label, category, now);
    }

    /** Stays in SCANNING until {@code due}; {@code reason} says what is awaited (null while merely polling). */
    public void scanLater(String id, Instant due, String reason, Instant now) {
        get(id).retryLater(MessageState.SCANNING, due, reason, now);
    }

    public void scanned(String id, Instant now) {
        get(id).moveTo(MessageState.SCANNED, now);
    }

    /** SCANNED → QUEUED, BLOCKED, PASSWORD_REQUIRED, or back to SCANNING to scan failed attachments again. */
    public void decided(String id, ScanPolicy.Result result, Instant rescanAt, Instant now) {
        MessageEntity m = get(id);
        m.setScanSummary(result.summary());
        switch (result.decision()) {
            case DELIVER -> m.moveTo(MessageState.QUEUED, now);
            case BLOCK -> m.moveTo(MessageState.BLOCKED, now);
            case HOLD_FOR_PASSWORD -> m.moveTo(MessageState.PASSWORD_REQUIRED, now);
            case RESCAN -> {
                m.getAttachments().stream()
                        .filter(a -> !AttachmentCategories.isVerdict(a.getCategory()))
                        .forEach(AttachmentEntity::resetScan);
                m.retryLater(MessageState.SCANNING, rescanAt, result.summary(), now);
            }
        }
    }

    /** → DELIVERED: every recipient took it, or those that did not were refused for good (and bounced). */
    public void delivered(String id, DeliveryAgent.Result result, Dsn dsn, Instant now) {
        MessageEntity m = get(id);
        m.addDeliveryAttempt(now, result.server(), result.outcome().name(), result.reply());
        m.setPendingRecipients(List.of());
        m.moveTo(MessageState.DELIVERED, now);
        if (!result.refused().isEmpty()) {
            m.retryLater(MessageState.DELIVERED, now, "bounced: " + refusedText(result), now);
        }
        addDsn(m, dsn, now);
    }

    /** → DEFERRED until {@code due}, for the recipients that may still take it. */
    public void deferred(String id, DeliveryAgent.Result result, List<String> pending, Dsn dsn, Instant due,
            Instant now) {
        MessageEntity m = get(id);
        m.addDeliveryAttempt(now, result.server(),
                result.outcome() == DeliveryAgent.Outcome.PARTIAL ? "PARTIAL" : "DEFERRED", result.reply());
        m.setPendingRecipients(pending);
        m.retryLater(MessageState.DEFERRED, due, result.reply(), now);
        addDsn(m, dsn, now);
    }

    /**
     * → FAILED, and when a DSN was written for the sender, the DSN becomes a message of its own, queued.
     *
     * @param dsn the spooled DSN, or null when none is sent (null sender, or a DSN that failed)
     */
    public void failed(String id, DeliveryAgent.Result result, String reason, Dsn dsn, Instant now) {
        MessageEntity m = get(id);
        m.addDeliveryAttempt(now, result.server(), "FAILED", result.reply());
        m.retryLater(MessageState.FAILED, now, reason, now);
        addDsn(m, dsn, now);
    }

    private static String refusedText(DeliveryAgent.Result result) {
        return result.refused().stream().map(r -> "<" + r.recipient() + "> " + r.reply())
                .collect(Collectors.joining("; "));
    }

    private void addDsn(MessageEntity m, Dsn dsn, Instant now) {
        if (dsn == null) {
            return;
        }
        MessageEntity notification = new MessageEntity(dsn.id(), MessageKind.DSN, "", List.of(m.getMailFrom()),
                dsn.id(), dsn.size(), now);
        notification.setSubject("Undelivered Mail Returned to Sender");
        notification.setScanSummary("delivery status notification; not scanned");
        notification.moveTo(MessageState.QUEUED, now);
        messages.add(notification);
    }

    /** A spooled delivery status notification. */
    public record Dsn(String id, long size) {
    }

    private MessageEntity get(String id) {
        return messages.find(id).orElseThrow(() -> new IllegalStateException("message " + id + " vanished"));
    }

    private AttachmentEntity attachment(long id) {
        return messages.attachment(id).orElseThrow(() -> new IllegalStateException("attachment " + id + " vanished"));
    }
}
