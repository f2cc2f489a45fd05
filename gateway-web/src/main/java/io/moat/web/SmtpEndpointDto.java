package io.moat.web;

import java.util.List;

/**
 * An inbound SMTP endpoint. The field names are kept stable for integrators; {@code id} and {@code status} are
 * ignored in requests, and left-out settings take their defaults (see the README).
 */
public record SmtpEndpointDto(String id, String name, String bindAddress, Integer port, String encryption,
        String certificateId, List<String> protocols, List<String> cipherSuites, String greeting, Long maxMessageSize,
        Integer maxConnections, Integer idleTimeoutSeconds, Integer maxConnectionsPerClient,
        Integer sessionTimeoutSeconds, Integer minDataRate, Long maxDiscardSize, List<String> relayDomains,
        List<String> trustedNetworks, Status status) {

    /** What the listener does now. */
    public record Status(boolean listening, int connections, long failedHandshakes, String problem) {
    }
}
