package io.moat.settings.profiles;

import java.util.List;

/**
 * A server profile: how the gateway reaches a kind of server (SMTP downstreams, Core), with one or more servers and
 * a strategy. Secrets ({@code apikey}, a server's {@code password}) are write-only: in answers they are null and
 * only {@code apikeySet}/{@code passwordSet} say whether one is stored; in an update a null keeps the stored one.
 */
public record ServerProfile(String id, String name, Type type, Strategy strategy, Boolean defaultProfile,
        List<String> recipientDomains, List<Server> servers, String apikey, boolean apikeySet, String rule,
        Integer timeoutSeconds) {

    /** What kind of server. */
    public enum Type {
        SMTP, CORE
    }

    /** In which order the servers are used. */
    public enum Strategy {
        /** The first that answers, in the given order. */
        FAILOVER,
        /** Each in turn, the others as fallback. */
        ROUND_ROBIN
    }

    public ServerProfile {
        recipientDomains = recipientDomains == null ? List.of() : List.copyOf(recipientDomains);
        servers = servers == null ? List.of() : List.copyOf(servers);
    }

    /** One server of a profile. Only scheme, host, port and path of the URI are used. */
    public record Server(String uri, String encryption, List<String> protocols, Boolean verifyHostname,
            String username, String password, boolean passwordSet, String clientCertificateId) {

        public Server {
            protocols = protocols == null ? List.of() : List.copyOf(protocols);
        }

        @Override
        public String toString() {
            return "Server[" + uri + ", " + encryption + "]"; // never the password
        }
    }

    @Override
    public String toString() {
        return "ServerProfile[" + name + ", " + type + ", " + servers + "]"; // never the API key
    }
}
