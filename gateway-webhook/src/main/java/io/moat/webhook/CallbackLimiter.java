package io.moat.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Callbacks per source address, as a token bucket each: {@code moat.webhook.callbacks-per-second} (default 2,000,
 * about twice what the gateway submits at its best on two cores, so Core's own callbacks never wait), a burst of
 * twice that, and a callback the gateway did not wait for costs {@value #UNKNOWN_COST}: someone trying tokens gets
 * a fiftieth of the rate, then {@code 429}. At most {@value #MAX_SOURCES} sources are tracked; beyond that, the
 * least recently seen are dropped.
 */
@ApplicationScoped
public class CallbackLimiter {

    static final int UNKNOWN_COST = 50;
    static final int MAX_SOURCES = 10_000;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile double perSecond;

    /** For CDI. */
    protected CallbackLimiter() {
        this(2000);
    }

    CallbackLimiter(double perSecond) {
        this.perSecond = perSecond;
    }

    @Inject
    void configure(@ConfigProperty(name = "moat.webhook.callbacks-per-second", defaultValue = "2000") int rate) {
        if (rate < 1) {
            throw new IllegalArgumentException("moat.webhook.callbacks-per-second must be at least 1, was " + rate);
        }
        this.perSecond = rate;
    }

    /** Takes one callback's worth from {@code source}'s bucket at {@code nanos}; false: too many, answer 429. */
    boolean tryAcquire(String source, long nanos) {
        return bucket(source, nanos).take(1, nanos, perSecond);
    }

    /**
     * The callback from {@code source} was not one the gateway waited for: it costs more, charged even into debt
     * (down to minus a burst), so that a source trying tokens waits until it has paid.
     */
    void unknown(String source, long nanos) {
        bucket(source, nanos).charge(UNKNOWN_COST - 1, nanos, perSecond);
    }

    boolean tryAcquire(String source) {
        return tryAcquire(source, System.nanoTime());
    }

    void unknown(String source) {
        unknown(source, System.nanoTime());
    }

    /** How many sources are tracked now. */
    int sources() {
        return buckets.size();
    }

    private Bucket bucket(String source, long nanos) {
        if (buckets.size() >= MAX_SOURCES && !buckets.containsKey(source)) {
            evictIdle(nanos);
        }
        return buckets.computeIfAbsent(source, s -> new Bucket(2 * perSecond, nanos));
    }

    /** Drops the sources not seen for a minute, else every other one (a flood of sources must not grow the map). */
    private void evictIdle(long nanos) {
        buckets.values().removeIf(b -> nanos - b.seen > TimeUnit.MINUTES.toNanos(1));
        Iterator<Bucket> it = buckets.values().iterator();
        boolean drop = true;
        while (buckets.size() >= MAX_SOURCES && it.hasNext()) {
            it.next();
            if (drop) {
                it.remove();
            }
            drop = !drop;
        }
    }

    private static final class Bucket {
        private double tokens;
        private long last;
        private volatile long seen;

        Bucket(double tokens, long nanos) {
            this.tokens = tokens;
            this.last = nanos;
            this.seen = nanos;
        }

        synchronized boolean take(int cost, long nanos, double perSecond) {
            refill(nanos, perSecond);
            if (tokens < cost) {
                return false;
            }
            tokens -= cost;
            return true;
        }

        synchronized void charge(int cost, long nanos, double perSecond) {
            refill(nanos, perSecond);
            tokens = Math.max(-2 * perSecond, tokens - cost);
        }

        private void refill(long nanos, double perSecond) {
            tokens = Math.min(2 * perSecond, tokens + (nanos - last) / 1e9 * perSecond);
            last = nanos;
            seen = nanos;
        }
    }
}
