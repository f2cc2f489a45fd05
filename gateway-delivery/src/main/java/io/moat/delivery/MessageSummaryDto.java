package io.moat.delivery;

import java.time.Instant;
import java.util.List;

/**
 * A message in the list: who, what, where it stands, its security rule's decision (null until decided), and its
 * {@code kind}: INBOUND, or the gateway's own DSN or NOTIFICATION.
 */
public record MessageSummaryDto(String id, String state, String from, List<String> recipients, String subject,
        long size, Instant receivedAt, Instant updatedAt, String scanSummary, Instant nextAttemptAt,
        String lastError, String rule, String outcome, String action, String kind) {
}
