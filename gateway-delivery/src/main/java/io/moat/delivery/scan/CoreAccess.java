package io.moat.delivery.scan;

import io.moat.core.CoreClient;
import io.moat.settings.profiles.ServerProfileService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The Core client of the default Core server profile, as it is now (rebuilt when the profile or trust changes). */
@ApplicationScoped
public class CoreAccess {

    @Inject
    ServerProfileService profiles;

    public CoreClient client() {
        return profiles.coreClient();
    }
}
