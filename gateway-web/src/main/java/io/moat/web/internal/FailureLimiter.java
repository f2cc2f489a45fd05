package io.moat.web.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most {@code limit} failed attempts per key (a client address, a user name) within {@code window}; past that,
 * one more each {@code window / limit}. Each attempt counts as a failure from the moment it is let through (so that
 * a burst of simultaneous attempts cannot all pass before the first fails) and is given back if it succeeds:
 * successes neither use up attempts nor wipe out failures, so that an integrator's polling does not reopen the
 * limit for someone guessing the same user's password.
 *
 * <p>A generic cell rate algorithm (GCRA, as in ATM traffic policing): one number per key, the time at which all its
 * counted failures will have run out, each failure adding {@code window / limit}. A key is forgotten once that time
 * has passed. At most {@code maxKeys} keys are kept; a new key beyond them is let through without being counted
 * until old ones run out: refusing it instead would let anyone with that many addresses (an IPv6 /48 holds 65,536
 * /64s) lock every new client out, while the other limit (per user, per address) still counts it.
 */
final class FailureLimiter {

    /** The answer to an attempt. */
    record Attempt(boolean allowed, Duration retryAfter, boolean last) {

        static final Attempt ALLOWED = new Attempt(true, Duration.ZERO, false);
        static final Attempt LAST = new Attempt(true, Duration.ZERO, true);

        static Attempt refused(Duration retryAfter) {
            return new Attempt(false, retryAfter, false);
        }
    }

    private final int limit;
    private final long windowNanos;
    private final long intervalNanos;
    private final int maxKeys;
    private final LongSupplier nanoTime;
    /** Per key: the nanoTime at which its counted failures have all run out. */
    private final Map<String, Long> clearAt = new ConcurrentHashMap<>();

    FailureLimiter(int limit, Duration window, int maxKeys, LongSupplier nanoTime) {
        if (limit < 1 || window.isNegative() || window.isZero() || maxKeys < 1) {
            throw new IllegalArgumentException("limit " + limit + " per " + window + ", " + maxKeys + " keys");
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.intervalNanos = Math.max(1, windowNanos / limit);
        this.maxKeys = maxKeys;
        this.nanoTime = nanoTime;
    }

    int limit() {
        return limit;
    }

    /**
     * Lets an attempt through, counting it as a failure until {@link #succeeded} gives it back; or refuses it and
     * says when the next one may come. {@link Attempt#last} says that it was the last one before the limit.
     */
    Attempt attempt(String key) {
        long now = nanoTime.getAsLong();
        if (!clearAt.containsKey(key) && clearAt.size() >= maxKeys) {
            clearAt.values().removeIf(at -> at - now <= 0);
            if (clearAt.size() >= maxKeys) {
                return Attempt.ALLOWED; // not counted: see the class's comment
            }
        }
        Attempt[] answer = new Attempt[1];
        clearAt.compute(key, (k, at) -> {
            long counted = at == null || at - now < 0 ? now : at;
            long after = counted + intervalNanos;
            if (after - now > windowNanos) {
                answer[0] = Attempt.refused(Duration.ofNanos(after - now - windowNanos));
                return at;
            }
            answer[0] = after - now > windowNanos - intervalNanos ? Attempt.LAST : Attempt.ALLOWED;
            return after;
        });
        return answer[0];
    }

    /** Gives back the failure an allowed attempt counted: it succeeded (or was never tried). */
    void succeeded(String key) {
        long now = nanoTime.getAsLong();
        clearAt.computeIfPresent(key, (k, at) -> {
            long back = at - intervalNanos;
            return back - now <= 0 ? null : back;
        });
    }

    int keys() {
        return clearAt.size();
    }
}
