package io.moat.delivery;

import java.time.Instant;
import java.util.List;

/**
 * One message in full: envelope, client, state, each attachment's verdict, each delivery attempt, its rule and the
 * quarantine's actions on it;
 * {@code pendingRecipients} are those still to be delivered to (empty once the message is final).
 */
public record MessageDetailDto(String id, String kind, String state, EnvelopeDto envelope, ClientDto client,
        String subject, long size, Instant receivedAt, Instant updatedAt, Instant nextAttemptAt,
        List<String> pendingRecipients, String scanSummary,
        String lastError, List<AttachmentDto> attachments, List<DeliveryAttemptDto> deliveryAttempts, RuleDto rule,
        List<ActionDto> actions) {

    /** What an admin (or the retention purge) did to the message while it was quarantined: what, by whom, when. */
    public record ActionDto(String action, String actor, String clientAddress, Instant at, String detail) {
    }

    /**
     * The security rule that took the message and what it did: the scan's {@code outcome} (ALLOWED, BLOCKED,
     * ENCRYPTED, SCAN_ERROR, UNINSPECTED; null until decided), the {@code action} taken and the {@code marks} added to
     * the delivered copy (null: none). {@code name} is null for a message of the gateway's own (kind DSN or
     * NOTIFICATION).
     */
    public record RuleDto(String name, String direction, String outcome, String action, String marks) {
    }

    /** The SMTP envelope; {@code from} is empty for the null sender. */
    public record EnvelopeDto(String from, List<String> recipients) {
    }

    /** Who delivered the message to the gateway and how. */
    public record ClientDto(String endpoint, String address, String helo, String tlsProtocol, String tlsCipher) {
    }

    /**
     * An attachment and Core's verdict on it ({@code verdict} null while scanning). {@code sanitized}: the delivered
     * message carries Core's sanitized copy (Deep CDR) in its place, the original being kept in the record and the
     * spool; {@code sanitization} says what Deep CDR made of it: {@code SANITIZED} (Core has a sanitized copy),
     * {@code REPLACED} (delivered as that copy), {@code FAILED}, or null (none ran).
     */
    public record AttachmentDto(String fileName, String contentType, long size, String dataId, Integer verdictCode,
            String verdict, String category, boolean sanitized, String sanitization) {
    }

    /** One attempt to deliver downstream and the server's reply. */
    public record DeliveryAttemptDto(Instant at, String server, String outcome, String reply, String tlsProtocol,
            String tlsCipher) {
    }
}
