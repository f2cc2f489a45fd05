package io.moat.delivery.pipeline;

import io.moat.delivery.dsn.DsnBuilder;
import io.moat.delivery.notify.NotificationRecords;
import io.moat.delivery.outbound.DeliveryAgent;
import io.moat.mime.AttachmentExtractor;
import io.moat.persistence.AttachmentEntity;
import io.moat.persistence.CoreCallbackEntity;
import io.moat.persistence.CoreCallbackRepository;
import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageRepository;
import io.moat.persistence.MessageSpool;
import io.moat.persistence.MessageState;
import io.moat.persistence.MessageUpdate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline's transactions: claiming leases with the snapshots of what was claimed, and recording in one transaction all that one
 * claim of a message learned ({@link Progress}). The slow work (parsing, Core, SMTP) happens outside them.
 */
@ApplicationScoped
@Transactional
public class MessageSteps {

    @Inject
    MessageRepository messages;

    @Inject
    NotificationRecords notifications;

    @Inject
    CoreCallbackRepository callbacks;

    public List<String> due(Instant now, int limit) {
        return messages.due(now, limit);
    }

    /**
     * Takes the leases of those of {@code ids} that nobody holds, and reads what the pipeline needs of the messages
     * now held by {@code owner}: one transaction and one read for the batch, not one per message.
     */
    public List<MessageSnapshot> claim(List<String> ids, String owner, Instant now, Instant until) {
        return messages.claim(ids, owner, now, until).stream().map(MessageSnapshot::of).toList();
    }

    public int release(List<String> ids) {
        return messages.release(ids);
    }

    public int releaseLeases(String owner) {
        return messages.releaseLeases(owner);
    }

    /** Of these spool names (which are message ids), those that have a record. */
    public List<String> recorded(List<String> spoolNames) {
        return messages.spoolNamesOf(spoolNames);
    }

    /** The messages with work ahead, with what is needed to tell their senders if their files are gone. */
    public List<MessageRepository.PendingFile> pendingFiles() {
        return messages.pendingFiles();
    }

    /** What a callback found in the database. */
    public enum CalledBack {
        /** No unused, unexpired token for that file: nothing changed. */
        UNKNOWN,
        /** Used; the message is not made due by it (other files are still at Core, or it is due already). */
        AWAITED_MORE,
        /** Used, the last awaited: the message is due now. */
        DUE
    }

    /**
     * A callback for a file of a message recorded as waiting for Core: its token is used up, and the callback of the
     * last of the message's files awaited makes the message due now (one claim for all of its files).
     */
    public CalledBack calledBack(String tokenHash, String dataId, Instant now) {
        Optional<String> message = callbacks.use(tokenHash, dataId, now);
        if (message.isEmpty()) {
            return CalledBack.UNKNOWN;
        }
        if (callbacks.awaited(message.get(), now)) {
            return CalledBack.AWAITED_MORE;
        }
        return callbacks.makeDue(message.get(), now) ? CalledBack.DUE : CalledBack.AWAITED_MORE;
    }

    /** A message whose spool file is gone: it cannot go on; it fails, says why, and its sender gets {@code dsn}. */
    public void lost(String id, String reason, Dsn dsn, Instant now) {
        messages.update(id, MessageUpdate.at(now).retryLater(MessageState.FAILED, now, reason));
        addDsn(dsn, now);
    }

    /**
     * Records everything one claim learned and where the message ends up, and gives the lease up: one
     * transaction, without loading the message (its fields are written in one statement).
     */
    public void apply(String id, Progress progress, Instant now) {
        MessageUpdate update = MessageUpdate.at(now);
        if (progress.extraction != null) {
            update.subject(progress.extraction.subject());
            for (AttachmentExtractor.Attachment a : progress.extraction.attachments()) {
                AttachmentEntity attachment = new AttachmentEntity(a.index(), a.fileName(), a.contentType(),
                        a.size(), a.partName());
                if (a.finding() != null) {
                    attachment.concluded(a.finding().label(), a.finding().category().name(), now);
                }
                attachment.locate(a.entityStart() < 0 ? null : a.entityStart(),
                        a.entityEnd() < 0 ? null : a.entityEnd(), a.body());
                update.addAttachment(attachment);
            }
        }
        for (Progress.Scan scan : progress.scans) {
            update.attachment(scan.index(), attachment -> record(attachment, scan, now));
        }
        progress.sanitized.forEach((index, state) -> update.attachment(index,
                attachment -> attachment.sanitization(state, attachment.getCdrFileName())));
        if (progress.scanSummary != null) {
            update.scanSummary(progress.scanSummary);
        }
        if (progress.outcome != null) {
            update.decided(progress.outcome, progress.action, progress.marks);
        }
        if (progress.delivery != null) {
            DeliveryAgent.Result result = progress.delivery;
            String outcome = progress.state == MessageState.FAILED
                    ? "FAILED"
                    : result.outcome() == DeliveryAgent.Outcome.TEMPORARY ? "DEFERRED" : result.outcome().name();
            String reply = result.note() == null ? result.reply() : result.reply() + " (" + result.note() + ")";
            update.addDeliveryAttempt(result.server(), outcome, reply, result.tlsProtocol(), result.tlsCipher());
        }
        if (progress.claimFailed) {
            update.claimFailed();
        } else if (progress.claimSucceeded) {
            update.claimSucceeded();
        }
        if (progress.scanRound) {
            update.scanRound();
        }
        if (progress.pendingRecipients != null) {
            update.pendingRecipients(progress.pendingRecipients);
        }
        if (progress.state != null) {
            if (progress.due == null && progress.reason == null) {
                update.moveTo(progress.state);
            } else {
                update.retryLater(progress.state, progress.due == null ? now : progress.due, progress.reason);
            }
        }
        messages.update(id, update);
        if (!progress.callbacks.isEmpty()) {
            callbacks.add(progress.callbacks.stream()
                    .map(c -> new CoreCallbackEntity(c.tokenHash(), id, c.dataId(), c.expiresAt())).toList());
        }
        addDsn(progress.dsn, now);
        notifications.record(progress.notices, now);
    }

    private static void record(AttachmentEntity attachment, Progress.Scan scan, Instant now) {
        if (scan.dataId() == null && scan.category() == null) {
            attachment.resetScan();
            return;
        }
        if (scan.dataId() != null || scan.submittedAt() != null) {
            attachment.submitted(scan.dataId(), scan.submittedAt());
        }
        if (scan.category() != null && scan.code() == null) {
            attachment.concluded(scan.label(), scan.category(), now); // the gateway's own: a part the rule skips
        } else if (scan.category() != null) {
            attachment.completed(scan.code(), scan.label(), scan.category(), now);
            attachment.sanitization(scan.cdr(), scan.cdrName());
        }
    }

    private void addDsn(Dsn dsn, Instant now) {
        if (dsn == null) {
            return;
        }
        MessageEntity notification = new MessageEntity(dsn.id(), MessageKind.DSN, "", List.of(dsn.recipient()),
                dsn.id(), dsn.size(), now);
        notification.setSubject("Undelivered Mail Returned to Sender");
        notification.setScanSummary("delivery status notification; not scanned");
        notification.setMailParameters(false, dsn.eightBit());
        notification.moveTo(MessageState.QUEUED, now);
        messages.add(notification);
    }

    /**
     * A spooled delivery status notification to {@code recipient} (the bounced message's sender); {@code eightBit}
     * when it holds octets above 127 (a UTF-8 address, the original's 8-bit headers), so that it goes out declared
     * {@code BODY=8BITMIME}. A non-ASCII recipient makes its delivery ask for SMTPUTF8 by itself.
     */
    public record Dsn(String id, long size, String recipient, boolean eightBit) {

        /**
         * Builds the DSN telling {@code sender} of {@code failures} and writes it to the spool, unless there is none
         * to tell: the null sender, or a message of the gateway's own, a DSN or a notification ({@code kind}).
         *
         * @param original the message's spool file, whose headers the DSN returns (none if it is gone)
         */
        static Dsn written(MessageSpool spool, String hostName, MessageKind kind, String sender,
                List<DsnBuilder.Failure> failures, Instant arrival, Path original) throws IOException {
            if (sender.isEmpty() || kind.isOwn() || failures.isEmpty()) {
                return null;
            }
            byte[] report = DsnBuilder.build(hostName, sender, failures, arrival, Instant.now(), original);
            MessageSpool.Stored stored = spool.store(MessageIds.next(), new byte[0],
                    new ByteArrayInputStream(report));
            return new Dsn(stored.name(), stored.size(), sender, DsnBuilder.eightBit(report));
        }
    }

}
