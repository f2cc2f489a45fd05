package io.moat.delivery.internal;

import io.moat.core.CoreClient;
import io.moat.core.CoreClients;
import io.moat.core.CoreServer;
import io.moat.delivery.GatewaySettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The Core client for the configured server ({@code moat.core.*}). Server profiles will replace this. */
@ApplicationScoped
public class CoreAccess {

    @Inject
    GatewaySettings settings;

    private CoreClient client;

    @PostConstruct
    void init() {
        client = CoreClients.create(new CoreServer(settings.coreUri(), settings.coreApiKey(), settings.coreRule(),
                settings.coreTimeout()));
    }

    public CoreClient client() {
        return client;
    }
}
