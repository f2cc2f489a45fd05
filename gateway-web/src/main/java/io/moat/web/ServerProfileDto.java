package io.moat.web;

import java.util.List;

/**
 * A server profile. Field names are kept stable for integrators. {@code apikey} and a server's {@code password}
 * are write-only: answers leave them out and say with {@code apikeySet}/{@code passwordSet} whether one is stored;
 * in an update, leaving them out keeps the stored one. So does leaving out a Core profile's {@code webhook}.
 */
public record ServerProfileDto(String id, String name, String type, String strategy, Boolean defaultProfile,
        List<String> recipientDomains, List<ServerDto> servers, String apikey, Boolean apikeySet, String rule,
        Integer timeoutSeconds, Integer maxInFlight, WebhookDto webhook) {

    /**
     * A Core profile's webhook callbacks: {@code {"enabled": true, "bindAddress": "0.0.0.0", "port": 8089,
     * "publicUrl": "https://moat.example.org:8089", "tls": {"enabled": true, "certificateId": "digital-id",
     * "protocols": ["TLSv1.3"]}, "fallbackPollSeconds": 60}}; answers give every field in effect.
     */
    public record WebhookDto(Boolean enabled, String bindAddress, Integer port, String publicUrl, TlsDto tls,
            Integer fallbackPollSeconds) {
    }

    /** The webhook listener's TLS. */
    public record TlsDto(Boolean enabled, String certificateId, List<String> protocols) {
    }

    /** One server of the profile. */
    public record ServerDto(String uri, String encryption, List<String> protocols, Boolean verifyHostname,
            String username, String password, Boolean passwordSet, String clientCertificateId) {
    }
}
