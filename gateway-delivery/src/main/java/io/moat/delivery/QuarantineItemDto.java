package io.moat.delivery;

import java.time.Instant;
import java.util.List;

/**
 * A quarantined message as the quarantine shows it. {@code reason}: BLOCKED, ENCRYPTED (held for a password),
 * SCAN_ERROR, UNINSPECTED (beyond the gateway's limits) or PROCESSING_FAILED (set aside after failing again and
 * again); {@code rule} the security rule that took it. {@code actions} (what was done to it, oldest first) only in
 * the detail, else empty.
 */
public record QuarantineItemDto(String id, String reason, String state, String rule,
        MessageDetailDto.EnvelopeDto envelope, String subject, Instant receivedAt, long size, String summary,
        List<AttachmentDto> attachments, List<MessageDetailDto.ActionDto> actions) {

    /** A part and its verdict; {@code encrypted}: Core could not open it without a password. */
    public record AttachmentDto(String fileName, String contentType, long size, String verdict, String category,
            boolean encrypted) {
    }
}
