package io.moat.web;

import java.util.List;

/**
 * A server profile. Field names are kept stable for integrators. {@code apikey} and a server's {@code password}
 * are write-only: answers leave them out and say with {@code apikeySet}/{@code passwordSet} whether one is stored;
 * in an update, leaving them out keeps the stored one.
 */
public record ServerProfileDto(String id, String name, String type, String strategy, Boolean defaultProfile,
        List<String> recipientDomains, List<ServerDto> servers, String apikey, Boolean apikeySet, String rule,
        Integer timeoutSeconds) {

    /** One server of the profile. */
    public record ServerDto(String uri, String encryption, List<String> protocols, Boolean verifyHostname,
            String username, String password, Boolean passwordSet, String clientCertificateId) {
    }
}
