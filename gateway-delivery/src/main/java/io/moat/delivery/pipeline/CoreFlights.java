package io.moat.delivery.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The files this node has submitted to each Core profile and has no verdict for yet, so that no more than the
 * profile's {@code maxInFlight} are: a file waits for room rather than flood Core (whose {@code 503} still means
 * back off). A file is counted from the moment its submission is reserved until its verdict is read, it is
 * submitted again, or its scan's budget ends (a file whose message went elsewhere is not counted for ever). Files
 * submitted before a restart are not counted. Thread-safe.
 */
final class CoreFlights {

    private final Map<String, Flights> byProfile = new ConcurrentHashMap<>();

    /** One profile's files in flight: reserved ones counted, submitted ones by data_id with their deadline. */
    private static final class Flights {
        final AtomicInteger count = new AtomicInteger();
        final Map<String, Instant> files = new ConcurrentHashMap<>();
    }

    /**
     * Reserves room for one more file of {@code profile}.
     *
     * @return false when {@code limit} files are in flight already: the file waits
     */
    boolean reserve(String profile, int limit, Instant now) {
        Flights flights = byProfile.computeIfAbsent(profile, p -> new Flights());
        if (flights.count.get() >= limit) {
            expire(flights, now);
        }
        while (true) {
            int n = flights.count.get();
            if (n >= limit) {
                return false;
            }
            if (flights.count.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** The reserved file was not submitted after all (Core unavailable or refused it). */
    void cancel(String profile) {
        Flights flights = byProfile.get(profile);
        if (flights != null) {
            flights.count.decrementAndGet();
        }
    }

    /** The reserved file was submitted as {@code dataId}; it counts until {@code until} at the latest. */
    void submitted(String profile, String dataId, Instant until) {
        byProfile.computeIfAbsent(profile, p -> new Flights()).files.put(dataId, until);
    }

    /** {@code dataId} is no longer in flight (its verdict was read, or Core forgot it). */
    void landed(String profile, String dataId) {
        Flights flights = byProfile.get(profile);
        if (flights != null && dataId != null && flights.files.remove(dataId) != null) {
            flights.count.decrementAndGet();
        }
    }

    /** How many files of {@code profile} are in flight. */
    int inFlight(String profile) {
        Flights flights = byProfile.get(profile);
        return flights == null ? 0 : flights.count.get();
    }

    private static void expire(Flights flights, Instant now) {
        flights.files.entrySet().removeIf(e -> {
            if (e.getValue().isBefore(now)) {
                flights.count.decrementAndGet();
                return true;
            }
            return false;
        });
    }
}
