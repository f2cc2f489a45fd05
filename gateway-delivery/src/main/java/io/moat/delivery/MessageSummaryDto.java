package io.moat.delivery;

import java.time.Instant;
import java.util.List;

/** A message in the list: who, what, where it stands. */
public record MessageSummaryDto(String id, String state, String from, List<String> recipients, String subject,
        long size, Instant receivedAt, Instant updatedAt, String scanSummary, Instant nextAttemptAt,
        String lastError) {
}
