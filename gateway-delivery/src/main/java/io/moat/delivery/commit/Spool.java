package io.moat.delivery.commit;

import io.moat.persistence.MessageSpool;
import io.moat.settings.GatewaySettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The message spool in the configured data directory. */
@ApplicationScoped
public class Spool {

    @Inject
    GatewaySettings settings;

    private MessageSpool spool;

    @PostConstruct
    void init() {
        spool = new MessageSpool(settings.dataDirectory());
    }

    public MessageSpool get() {
        return spool;
    }
}
