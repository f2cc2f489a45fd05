package io.moat.settings.endpoints;

import io.moat.settings.RefusedException.Reason;
import io.moat.settings.SettingNames;
import io.moat.settings.certificates.CertificateStore;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.tls.TlsException;
import io.moat.tls.TlsSettings;
import java.security.Security;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an SMTP endpoint must be, checked in plain code: its name, address and port (against the other endpoints and
 * the gateway's own ports), its encryption and TLS, its limits and its relay rules, each with its default. What
 * needs the running gateway (its other ports, the certificate store) comes in as {@link Facts}. Every refusal is
 * {@link Reason#INVALID} in words the admin can act on.
 */
final class EndpointRules {

    /** What the rules ask of the running gateway. */
    interface Facts {

        /** What else of the gateway's listens on {@code port} (e.g. "HTTP (console)"), or {@code null}. */
        String reservedPort(int port);

        /** Whether the certificate store holds {@code id}. */
        boolean certificateExists(String id);
    }

    static final List<String> DEFAULT_PROTOCOLS = SettingNames.DEFAULT_TLS_PROTOCOLS;
    static final long DEFAULT_MAX_MESSAGE_SIZE = 50L * 1024 * 1024;
    static final int DEFAULT_MAX_CONNECTIONS = 500;
    static final int DEFAULT_IDLE_TIMEOUT = 300;
    /** Postfix's {@code smtpd_client_connection_count_limit}; never more than the endpoint's connections. */
    static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 50;
    /** Exchange's receive connectors end a connection after 10 minutes ({@code ConnectionTimeout}). */
    static final int DEFAULT_SESSION_TIMEOUT = 600;
    /** Octets per second; Apache's mod_reqtimeout asks 500 of a request body ({@code body=20,MinRate=500}). */
    static final int DEFAULT_MIN_DATA_RATE = 500;
    /** Read and dropped past the size limit: a client a little over it still hears 552 in step. */
    static final long DEFAULT_MAX_DISCARD_SIZE = 1024L * 1024;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private EndpointRules() {
    }

    static SmtpEndpoint validated(SmtpEndpoint in, String id, List<SmtpEndpoint> existing, Facts facts) {
        String name = required(in.name(), "name").strip();
        if (!SettingNames.isName(name)) {
            throw SettingNames.invalid("name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        String bindAddress = in.bindAddress() == null || in.bindAddress().isBlank()
                ? "0.0.0.0"
                : in.bindAddress().strip();
        if (!IPV4.matcher(bindAddress).matches() && !bindAddress.contains(":")) {
            throw SettingNames.invalid("bindAddress '" + bindAddress + "' must be an IP address (0.0.0.0 for all)");
        }
        try {
            java.net.InetAddress.getByName(bindAddress); // a literal: no name look-up
        } catch (java.net.UnknownHostException e) {
            throw SettingNames.invalid("bindAddress '" + bindAddress + "' is not a valid IP address");
        }
        int port = in.port() == null ? -1 : in.port();
        if (port < 1 || port > 65535) {
            throw SettingNames
                    .invalid("port must be 1..65535" + (in.port() == null ? " and is missing" : ", was " + port));
        }
        for (SmtpEndpoint other : existing) {
            if (other.id().equals(id)) {
                continue;
            }
            if (other.name().equalsIgnoreCase(name)) {
                throw SettingNames.invalid("an endpoint named '" + other.name() + "' exists already");
            }
            if (other.port() == port && overlaps(other.bindAddress(), bindAddress)) {
                throw SettingNames
                        .invalid("port " + port + " on " + bindAddress + " is taken by endpoint '" + other.name()
                                + "'");
            }
        }
        String reserved = facts.reservedPort(port);
        if (reserved != null) {
            throw SettingNames.invalid("port " + port + " is the gateway's " + reserved + " port");
        }
        SmtpEncryption encryption = in.encryption();
        if (encryption == null) {
            throw SettingNames
                    .invalid("encryption is missing: NONE, STARTTLS_OPTIONAL, STARTTLS_REQUIRED or IMPLICIT_TLS");
        }
        String certificateId = blankToNull(in.certificateId());
        List<String> protocols = in.protocols();
        List<String> cipherSuites = in.cipherSuites();
        if (encryption == SmtpEncryption.NONE) {
            if (certificateId != null || !protocols.isEmpty() || !cipherSuites.isEmpty()) {
                throw SettingNames
                        .invalid("encryption NONE uses no certificate, protocols or cipher suites; leave them out or"
                                + " choose a TLS encryption");
            }
        } else {
            certificateId = certificateId == null ? CertificateStore.DIGITAL_ID : certificateId;
            String certificate = certificateId;
            if (!facts.certificateExists(certificate)) {
                throw SettingNames.invalid("no certificate with id '" + certificate + "' (see /api/v1/certificates)");
            }
            protocols = protocols.isEmpty() ? DEFAULT_PROTOCOLS : protocols;
            try {
                TlsSettings tls = new TlsSettings(protocols, cipherSuites).validated();
                protocols = tls.protocols();
            } catch (TlsException e) {
                throw SettingNames.invalid(e.getMessage());
            }
            for (String protocol : protocols) {
                if (disabledInThisRuntime(protocol)) {
                    throw SettingNames
                            .invalid(protocol + " is disabled in this Java runtime (jdk.tls.disabledAlgorithms); the"
                                    + " provisioned server enables it for endpoints that ask for it, see the README");
                }
            }
        }
        String greeting = blankToNull(in.greeting());
        if (greeting != null && (greeting.length() > 255 || !SettingNames.isHostName(greeting))) {
            throw SettingNames.invalid("greeting '" + greeting + "' must be a host name, e.g. mx.example.com");
        }
        long maxMessageSize = in.maxMessageSize() == null ? DEFAULT_MAX_MESSAGE_SIZE : in.maxMessageSize();
        if (maxMessageSize < 1024 || maxMessageSize > Integer.MAX_VALUE) {
            throw SettingNames
                    .invalid("maxMessageSize must be 1024.." + Integer.MAX_VALUE + " bytes, was " + maxMessageSize);
        }
        int maxConnections = in.maxConnections() == null ? DEFAULT_MAX_CONNECTIONS : in.maxConnections();
        if (maxConnections < 1 || maxConnections > 10_000) {
            throw SettingNames.invalid("maxConnections must be 1..10000, was " + maxConnections);
        }
        int idleTimeout = in.idleTimeoutSeconds() == null ? DEFAULT_IDLE_TIMEOUT : in.idleTimeoutSeconds();
        if (idleTimeout < 10 || idleTimeout > 86_400) {
            throw SettingNames.invalid("idleTimeoutSeconds must be 10..86400, was " + idleTimeout);
        }
        int perClient = in.maxConnectionsPerClient() == null
                ? Math.min(DEFAULT_MAX_CONNECTIONS_PER_CLIENT, maxConnections)
                : in.maxConnectionsPerClient();
        if (perClient < 1 || perClient > maxConnections) {
            throw SettingNames
                    .invalid("maxConnectionsPerClient must be 1..maxConnections (" + maxConnections + "), was "
                            + perClient);
        }
        int sessionTimeout = in.sessionTimeoutSeconds() == null
                ? DEFAULT_SESSION_TIMEOUT
                : in.sessionTimeoutSeconds();
        if (sessionTimeout < 60 || sessionTimeout > 86_400) {
            throw SettingNames.invalid("sessionTimeoutSeconds must be 60..86400, was " + sessionTimeout);
        }
        int minDataRate = in.minDataRate() == null ? DEFAULT_MIN_DATA_RATE : in.minDataRate();
        if (minDataRate < 0 || minDataRate > 100_000_000) {
            throw SettingNames
                    .invalid("minDataRate must be 0..100000000 octets per second (0: no floor), was " + minDataRate);
        }
        long maxDiscardSize = in.maxDiscardSize() == null ? DEFAULT_MAX_DISCARD_SIZE : in.maxDiscardSize();
        if (maxDiscardSize < 0 || maxDiscardSize > Integer.MAX_VALUE) {
            throw SettingNames
                    .invalid("maxDiscardSize must be 0.." + Integer.MAX_VALUE + " bytes, was " + maxDiscardSize);
        }
        List<String> relayDomains = in.relayDomains().stream().map(d -> d.strip().toLowerCase(Locale.ROOT))
                .filter(d -> !d.isEmpty()).toList();
        for (String domain : relayDomains) {
            if (!SettingNames.isDomain(domain)) {
                throw SettingNames
                        .invalid("relay domain '" + domain + "' is not a domain name (example.org, or .example.org"
                                + " for its subdomains)");
            }
        }
        List<String> trustedNetworks = in.trustedNetworks().stream().map(String::strip).filter(n -> !n.isEmpty())
                .toList();
        try {
            new RelayPolicy(relayDomains, trustedNetworks);
        } catch (IllegalArgumentException e) {
            throw SettingNames.invalid(e.getMessage());
        }
        return new SmtpEndpoint(id, name, bindAddress, port, encryption, certificateId, protocols, cipherSuites,
                greeting, maxMessageSize, maxConnections, idleTimeout, perClient, sessionTimeout, minDataRate,
                maxDiscardSize, relayDomains, trustedNetworks);
    }

    private static boolean overlaps(String a, String b) {
        return a.equals(b) || isWildcard(a) || isWildcard(b);
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::") || address.equals("::0");
    }

    /** Whether the JDK's jdk.tls.disabledAlgorithms switches a protocol version off for every socket. */
    static boolean disabledInThisRuntime(String protocol) {
        String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
        return disabled != null && Arrays.stream(disabled.split(",")).map(String::strip)
                .anyMatch(protocol::equalsIgnoreCase);
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw SettingNames.invalid(field + " is missing");
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

}
