package io.moat.delivery;

import java.time.Instant;
import java.util.List;

/** A message in the list: who, what, where it stands, and its security rule's decision (null until decided). */
public record MessageSummaryDto(String id, String state, String from, List<String> recipients, String subject,
        long size, Instant receivedAt, Instant updatedAt, String scanSummary, Instant nextAttemptAt,
        String lastError, String rule, String outcome, String action) {
}
