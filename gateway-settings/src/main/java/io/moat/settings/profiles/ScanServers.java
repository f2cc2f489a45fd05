package io.moat.settings.profiles;

import io.moat.core.CoreClient;
import java.time.Duration;
import java.util.Optional;

/** Which Core scans: all the pipeline needs of the server profiles to scan. */
public interface ScanServers {

    /**
     * The Core client of the default Core profile as it is now, over its servers by its strategy (rebuilt when the
     * profile or the trust store changes).
     *
     * @throws IllegalStateException when there is no Core profile
     */
    CoreClient coreClient();

    /**
     * The Core client of the Core profile with id {@code profileId} (null: the default one) submitting with Core's
     * rule (workflow) {@code rule} (null: the profile's own): what a security rule scans with.
     *
     * @throws IllegalStateException when that profile is gone, or there is no Core profile
     */
    CoreClient coreClient(String profileId, String rule);

    /**
     * Where Core calls back for files scanned through the Core profile {@code profileId} (null: the default one),
     * when its callbacks are on.
     *
     * @param publicUrl scheme, host, port (and path) Core calls, without a trailing slash
     * @param fallbackPoll how long to wait for a callback before asking Core anyway
     */
    record Callbacks(String publicUrl, Duration fallbackPoll) {
    }

    /**
     * How many files the Core profile {@code profileId} (null: the default one) may have submitted without a verdict
     * yet: its {@code maxInFlight} per server times its servers.
     */
    int maxInFlight(String profileId);

    /** The callbacks of the Core profile {@code profileId} (null: the default one); empty when they are off. */
    Optional<Callbacks> callbacks(String profileId);
}
