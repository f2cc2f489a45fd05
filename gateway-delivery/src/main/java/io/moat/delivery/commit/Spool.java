package io.moat.delivery.commit;

import io.moat.persistence.MessageSpool;
import io.moat.settings.GatewaySettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The message spool in the configured data directory, as this node uses it (its own incoming and free files). */
@ApplicationScoped
public class Spool {

    @Inject
    GatewaySettings settings;

    private MessageSpool spool;

    @PostConstruct
    void init() {
        spool = new MessageSpool(settings.dataDirectory(), settings.nodeId());
    }

    public MessageSpool get() {
        return spool;
    }
}
