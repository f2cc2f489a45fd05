package io.moat.delivery;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/** The relay policy built once from the settings; a setting it cannot read fails the deployment with the reason. */
@ApplicationScoped
public class RelayPolicyHolder {

    private static final Logger LOG = Logger.getLogger(RelayPolicyHolder.class.getName());

    @Inject
    GatewaySettings settings;

    private RelayPolicy policy;

    @PostConstruct
    void init() {
        policy = new RelayPolicy(settings.relayDomains(), settings.trustedNetworks());
        LOG.info(() -> "accepting mail for " + settings.relayDomains() + "; trusted networks "
                + settings.trustedNetworks());
    }

    public RelayPolicy get() {
        return policy;
    }
}
