package io.moat.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallbackLimiterTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aSourceGetsABurstOfTwiceTheRateThenTheRate() {
        CallbackLimiter limiter = new CallbackLimiter(10);
        int taken = 0;
        while (limiter.tryAcquire("192.0.2.1", 0)) {
            taken++;
        }
        assertThat(taken).isEqualTo(20);
        assertThat(limiter.tryAcquire("192.0.2.1", SECOND / 2)).isTrue(); // five more after half a second
        // another source is not held back by the first
        assertThat(limiter.tryAcquire("192.0.2.2", 0)).isTrue();
    }

    @Test
    void callbacksNobodyWaitedForCostFiftyEach() {
        CallbackLimiter limiter = new CallbackLimiter(100); // a burst of 200: four unknown ones spend it
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.tryAcquire("198.51.100.7", 0)).isTrue();
            limiter.unknown("198.51.100.7", 0);
        }
        assertThat(limiter.tryAcquire("198.51.100.7", 0)).isFalse();
        assertThat(limiter.tryAcquire("198.51.100.7", SECOND)).isTrue();
    }

    @Test
    void anUnknownCallbackIsChargedInFullEvenWhenTheBucketIsNearlyEmpty() {
        CallbackLimiter limiter = new CallbackLimiter(100);
        for (int i = 0; i < 190; i++) {
            assertThat(limiter.tryAcquire("203.0.113.9", 0)).isTrue();
        }
        limiter.unknown("203.0.113.9", 0); // 10 left, 49 charged: 39 in debt
        assertThat(limiter.tryAcquire("203.0.113.9", 0)).isFalse();
        assertThat(limiter.tryAcquire("203.0.113.9", SECOND * 39 / 100)).isFalse();
        assertThat(limiter.tryAcquire("203.0.113.9", SECOND * 41 / 100)).isTrue();
    }

    @Test
    void aFloodOfSourcesDoesNotGrowTheMapWithoutBound() {
        CallbackLimiter limiter = new CallbackLimiter(10);
        for (int i = 0; i < CallbackLimiter.MAX_SOURCES * 3; i++) {
            limiter.tryAcquire("source-" + i, 0);
        }
        assertThat(limiter.sources()).isLessThanOrEqualTo(CallbackLimiter.MAX_SOURCES);
    }
}
