package io.moat.settings.endpoints;

import io.moat.smtp.api.SmtpEncryption;
import java.util.List;

/**
 * An inbound SMTP endpoint as the application stores and shows it. In requests, {@code id} is ignored and empty
 * lists or nulls take the defaults ({@link EndpointRules}). The limits are those of
 * {@link io.moat.smtp.api.SmtpEndpointConfig}.
 */
public record SmtpEndpoint(String id, String name, String bindAddress, Integer port, SmtpEncryption encryption,
        String certificateId, List<String> protocols, List<String> cipherSuites, String greeting,
        Long maxMessageSize, Integer maxConnections, Integer idleTimeoutSeconds, Integer maxConnectionsPerClient,
        Integer sessionTimeoutSeconds, Integer minDataRate, Long maxDiscardSize, List<String> relayDomains,
        List<String> trustedNetworks) {

    public SmtpEndpoint {
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
        cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
        relayDomains = relayDomains == null ? List.of() : List.copyOf(relayDomains);
        trustedNetworks = trustedNetworks == null ? List.of() : List.copyOf(trustedNetworks);
    }
}
