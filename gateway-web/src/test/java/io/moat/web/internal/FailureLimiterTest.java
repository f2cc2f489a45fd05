package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.web.internal.FailureLimiter.Attempt;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailureLimiterTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final FailureLimiter limiter = new FailureLimiter(10, Duration.ofMinutes(15), 100, now::get);

    @Test
    void tenFailuresThenRefusedUntilOneMoreIsDue() {
        for (int i = 1; i <= 10; i++) {
            Attempt attempt = limiter.attempt("198.51.100.7");
            assertThat(attempt.allowed()).as("attempt " + i).isTrue();
            assertThat(attempt.last()).as("attempt " + i).isEqualTo(i == 10);
        }
        Attempt refused = limiter.attempt("198.51.100.7");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(90)); // 15 minutes / 10
        // refused attempts are not counted: the wait does not grow by hammering
        for (int i = 0; i < 190; i++) {
            assertThat(limiter.attempt("198.51.100.7").allowed()).isFalse();
        }
        now.addAndGet(Duration.ofSeconds(89).toNanos());
        assertThat(limiter.attempt("198.51.100.7").retryAfter()).isEqualTo(Duration.ofSeconds(1));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(limiter.attempt("198.51.100.7").allowed()).isTrue();
        assertThat(limiter.attempt("198.51.100.7").allowed()).isFalse();
    }

    @Test
    void keysAreCountedApart() {
        for (int i = 0; i < 10; i++) {
            limiter.attempt("a");
        }
        assertThat(limiter.attempt("a").allowed()).isFalse();
        assertThat(limiter.attempt("b").allowed()).isTrue();
    }

    @Test
    void successesAreGivenBackAndDoNotWipeOutFailures() {
        for (int i = 0; i < 9; i++) {
            limiter.attempt("a"); // failures
        }
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.attempt("a").allowed()).isTrue();
            limiter.succeeded("a"); // e.g. an integrator polling with the right password
        }
        assertThat(limiter.attempt("a").allowed()).isTrue(); // the 10th failure
        assertThat(limiter.attempt("a").allowed()).isFalse();
    }

    @Test
    void failuresRunOutWithTheWindow() {
        for (int i = 0; i < 10; i++) {
            limiter.attempt("a");
        }
        now.addAndGet(Duration.ofMinutes(15).toNanos());
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.attempt("a").allowed()).isTrue();
        }
        assertThat(limiter.attempt("a").allowed()).isFalse();
    }

    @Test
    void beyondItsKeysANewKeyIsLetThroughUncountedSoThatFillingThemLocksNobodyOut() {
        FailureLimiter small = new FailureLimiter(10, Duration.ofMinutes(15), 3, now::get);
        small.attempt("a");
        small.attempt("b");
        small.attempt("c");
        for (int i = 0; i < 20; i++) {
            assertThat(small.attempt("d").allowed()).as("attempt %d", i).isTrue();
        }
        assertThat(small.keys()).isEqualTo(3);
        assertThat(small.attempt("a").allowed()).isTrue(); // known keys go on being counted
        now.addAndGet(Duration.ofMinutes(4).toNanos());
        small.attempt("d"); // old ones ran out: counted again
        assertThat(small.keys()).isLessThanOrEqualTo(3).isPositive();
    }
}
