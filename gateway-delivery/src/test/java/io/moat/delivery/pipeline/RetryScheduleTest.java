package io.moat.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private final RetrySchedule schedule = new RetrySchedule(Duration.ofMinutes(1), Duration.ofMinutes(30),
            Duration.ofDays(5));

    @Test
    void firstRetryWaitsTheInitialDelay() {
        assertThat(schedule.delay(1)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void delayDoublesWithEachAttempt() {
        assertThat(schedule.delay(2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(schedule.delay(3)).isEqualTo(Duration.ofMinutes(4));
        assertThat(schedule.delay(4)).isEqualTo(Duration.ofMinutes(8));
        assertThat(schedule.delay(5)).isEqualTo(Duration.ofMinutes(16));
    }

    @Test
    void delayStopsAtTheMaximum() {
        assertThat(schedule.delay(6)).isEqualTo(Duration.ofMinutes(30));
        assertThat(schedule.delay(7)).isEqualTo(Duration.ofMinutes(30));
        assertThat(schedule.delay(100)).isEqualTo(Duration.ofMinutes(30));
        assertThat(schedule.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void delayNeverShrinks() {
        Duration previous = Duration.ZERO;
        for (int attempt = 1; attempt < 50; attempt++) {
            Duration delay = schedule.delay(attempt);
            assertThat(delay).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(Duration.ofMinutes(30));
            previous = delay;
        }
    }

    @Test
    void anInitialDelayAboveTheMaximumIsCapped() {
        RetrySchedule odd = new RetrySchedule(Duration.ofHours(2), Duration.ofHours(1), Duration.ofDays(1));
        assertThat(odd.delay(1)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void notExpiredWithinTheLifetime() {
        Instant received = Instant.parse("2024-03-01T10:00:00Z");
        assertThat(schedule.expired(received, received)).isFalse();
        assertThat(schedule.expired(received, received.plus(Duration.ofDays(4)))).isFalse();
        assertThat(schedule.expired(received, received.plus(Duration.ofDays(5)))).isFalse();
    }

    @Test
    void expiredOnlyAfterTheLifetime() {
        Instant received = Instant.parse("2024-03-01T10:00:00Z");
        assertThat(schedule.expired(received, received.plus(Duration.ofDays(5)).plusMillis(1))).isTrue();
        assertThat(schedule.expired(received, received.plus(Duration.ofDays(30)))).isTrue();
    }

    @Test
    void aClockGoingBackwardsDoesNotExpire() {
        Instant received = Instant.parse("2024-03-01T10:00:00Z");
        assertThat(schedule.expired(received, received.minus(Duration.ofDays(10)))).isFalse();
    }
}
