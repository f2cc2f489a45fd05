package io.moat.delivery.pipeline;

import io.moat.delivery.outbound.DeliveryAgent;
import io.moat.persistence.AttachmentEntity;
import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageState;
import java.time.Instant;
import java.util.List;

/**
 * An immutable copy of what a pipeline step needs to know about a message: read in the transaction that claimed it,
 * or taken from the record the intake stored. {@code subject} is null until the message was taken apart;
 * {@code relayProfile} is the SMTP profile (by id) a message of the gateway's own goes through (null: its rule's, else
 * routing by domain).
 */
public record MessageSnapshot(String id, MessageKind kind, MessageState state, String mailFrom,
        List<String> pendingRecipients, String spoolName, Instant receivedAt, Instant nextAttemptAt, int attempts,
        String scanSummary, int failedClaims, int scanRounds, List<AttachmentSnapshot> attachments,
        DeliveryAgent.MailOptions mailOptions, Rule rule, String subject, String relayProfile, Instant restartedAt) {

    /**
     * Where the message's budgets (scan time, delivery lifetime, Core backoff) start: its arrival, or the last time an
     * admin (or a recipient with a password) put it back on its path from the quarantine.
     */
    public Instant since() {
        return restartedAt != null && restartedAt.isAfter(receivedAt) ? restartedAt : receivedAt;
    }

    /**
     * The security rule that took the message (id null: a DSN of ours, or mail from before rules), and the marks
     * its decision added (null: it is delivered as it came; else from its marked copy).
     */
    public record Rule(String id, String name, String marks) {
    }

    /**
     * One attachment's scan state, and where it lies in the stored message; {@code cdr} and {@code cdrName}: what
     * Core's Deep CDR made of it, as recorded.
     */
    public record AttachmentSnapshot(int index, String fileName, String partName, long size, String dataId,
            String category, String label, Instant submittedAt, Long entityStart, Long entityEnd, boolean body,
            String cdr, String cdrName) {

        /** A part without a Deep CDR state. */
        public AttachmentSnapshot(int index, String fileName, String partName, long size, String dataId,
                String category, String label, Instant submittedAt, Long entityStart, Long entityEnd, boolean body) {
            this(index, fileName, partName, size, dataId, category, label, submittedAt, entityStart, entityEnd, body,
                    null, null);
        }

        static AttachmentSnapshot of(AttachmentEntity a) {
            return new AttachmentSnapshot(a.getPartIndex(), a.getFileName(), a.getPartName(), a.getSizeBytes(),
                    a.getDataId(), a.getCategory(), a.getVerdictLabel(), a.getSubmittedAt(), a.getEntityStart(),
                    a.getEntityEnd(), a.isBody(), a.getCdr(), a.getCdrFileName());
        }
    }

    /** What is known of {@code m}: its fields as they are now, and its attachments (which it must have loaded). */
    public static MessageSnapshot of(MessageEntity m) {
        return new MessageSnapshot(m.getId(), m.getKind(), m.getState(), m.getMailFrom(),
                List.copyOf(m.getPendingRecipients()),
                m.getSpoolName(), m.getReceivedAt(), m.getNextAttemptAt(), m.getAttempts(), m.getScanSummary(),
                m.getFailedClaims(), m.getScanRounds(),
                m.getAttachments().stream().map(AttachmentSnapshot::of).toList(),
                new DeliveryAgent.MailOptions(m.isSmtpUtf8(), m.isEightBitMime()),
                new Rule(m.getRuleId(), m.getRuleName(), m.getMarks()), m.getSubject(), m.getRelayProfile(),
                m.getRestartedAt());
    }
}
