package io.moat.delivery.pipeline;

import java.time.Duration;
import java.time.Instant;

/**
 * Exponential backoff for temporary failures: the first retry after {@code initial}, doubling up to {@code max},
 * until the message is older than {@code lifetime}.
 */
public record RetrySchedule(Duration initial, Duration max, Duration lifetime) {

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt) {
        Duration delay = initial;
        for (int i = 1; i < attempt && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }

    /** Whether a message received at {@code receivedAt} has run out of time at {@code now}. */
    public boolean expired(Instant receivedAt, Instant now) {
        return Duration.between(receivedAt, now).compareTo(lifetime) > 0;
    }
}
