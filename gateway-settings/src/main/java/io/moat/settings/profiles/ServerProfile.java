package io.moat.settings.profiles;

import java.util.List;

/**
 * A server profile: how the gateway reaches a kind of server (SMTP downstreams, Core), with one or more servers and
 * a strategy. Secrets ({@code apikey}, a server's {@code password}) are write-only: in answers they are null and
 * only {@code apikeySet}/{@code passwordSet} say whether one is stored; in an update a null keeps the stored one.
 * So does a null {@code webhook}. {@code maxInFlight}: a Core profile's files submitted and not yet decided, per
 * server, beyond which new files wait (so that Core is never flooded; its {@code 503} still means back off).
 */
public record ServerProfile(String id, String name, Type type, Strategy strategy, Boolean defaultProfile,
        List<String> recipientDomains, List<Server> servers, String apikey, boolean apikeySet, String rule,
        Integer timeoutSeconds, Integer maxInFlight, Webhook webhook) {

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

    /**
     * A Core profile's webhook callbacks: whether submissions carry a {@code callbackurl}, where the webhook listener
     * listens and how, the URL Core calls, and how often to poll while waiting for a callback. In an answer every
     * field is the one in effect (defaults filled in); in an input a null field takes its default.
     *
     * @param bindAddress an IP address; null: the server's public interface ({@code -b})
     * @param port null: {@code moat.webhook.port}
     * @param publicUrl the scheme, host and port Core calls, e.g. {@code https://moat.example.org:8089}; null: the
     *            public server address's host with the webhook port, its scheme following {@code tls}
     * @param fallbackPollSeconds how long to wait for a callback before asking Core anyway (5..3600; 60)
     */
    public record Webhook(Boolean enabled, String bindAddress, Integer port, String publicUrl, Tls tls,
            Integer fallbackPollSeconds) {
    }

    /** The webhook listener's TLS: off, or a stored certificate and the TLS versions. */
    public record Tls(Boolean enabled, String certificateId, List<String> protocols) {
        public Tls {
            protocols = protocols == null ? List.of() : List.copyOf(protocols);
        }
    }

    @Override
    public String toString() {
        return "ServerProfile[" + name + ", " + type + ", " + servers + "]"; // never the API key
    }
}
