package io.moat.settings.profiles;

import io.moat.core.CoreClient;

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
}
