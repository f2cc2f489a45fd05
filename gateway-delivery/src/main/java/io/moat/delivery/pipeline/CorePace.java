package io.moat.delivery.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When to ask a Core profile for a verdict: learned from the files this node watched from submission to verdict.
 * What is learned is, for each such file, the age of the submission at the last check that found it unfinished (zero
 * if the first check found the verdict): a lower bound of Core's time for it, whatever the gateway's own delays. An
 * average of lower bounds cannot drift upwards under load the way an average of observed times does (a verdict
 * noticed late looks slow, later checks notice later still): a first check that comes too late teaches a bound of
 * zero and brings the next ones earlier. With a Core that answers at once the first check follows the submission
 * (bound zero); with one taking a second per file it comes just before the second, and the next an eighth later, so
 * a file is looked at about twice rather than a dozen times. Thread-safe.
 */
final class CorePace {

    /** Checks closer than this after the previous one are not made: a Core that slow is asked at most 40 times a second. */
    static final Duration MIN_STEP = Duration.ofMillis(25);
    /** The longest wait between two checks of one file. */
    static final Duration MAX_STEP = Duration.ofSeconds(5);
    /** Below this, the first check follows the submission at once (a fast Core has the verdict by then). */
    static final Duration AT_ONCE = Duration.ofMillis(20);
    /** Weight of one file's bound in the average: 1/16. */
    private static final int SHIFT = 4;

    private final Map<String, AtomicLong> nanos = new ConcurrentHashMap<>();

    /** The first check of a file of {@code profile}: how long after its submission. */
    Duration first(String profile) {
        AtomicLong estimate = nanos.get(profile);
        return estimate == null ? Duration.ZERO : Duration.ofNanos(estimate.get());
    }

    /** Whether a file of {@code profile} is worth asking for right after it is submitted. */
    boolean askAtOnce(String profile) {
        return first(profile).compareTo(AT_ONCE) < 0;
    }

    /**
     * When to check a file submitted at {@code submitted} that Core says, {@code now}, is unfinished: at the age the
     * profile's files usually take, else an eighth of its age later (between {@link #MIN_STEP} and {@link #MAX_STEP}).
     */
    Instant next(String profile, Instant submitted, Instant now) {
        Instant usual = submitted.plus(first(profile));
        if (usual.isAfter(now.plus(MIN_STEP))) {
            return usual;
        }
        Duration step = Duration.between(submitted, now).dividedBy(8);
        return now.plus(step.compareTo(MIN_STEP) < 0 ? MIN_STEP : step.compareTo(MAX_STEP) > 0 ? MAX_STEP : step);
    }

    /** A file of {@code profile} this node watched got its verdict; {@code unfinishedAt}: its lower bound. */
    void learned(String profile, Duration unfinishedAt) {
        long bound = unfinishedAt == null ? 0 : unfinishedAt.toNanos();
        nanos.computeIfAbsent(profile, p -> new AtomicLong(bound))
                .accumulateAndGet(bound, (old, sample) -> old + ((sample - old) >> SHIFT));
    }
}
