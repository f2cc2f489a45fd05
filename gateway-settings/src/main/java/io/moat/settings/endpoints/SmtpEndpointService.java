package io.moat.settings.endpoints;

import io.moat.persistence.SmtpEndpointEntity;
import io.moat.persistence.SmtpEndpointRepository;
import io.moat.settings.GatewaySettings;
import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.settings.certificates.CertificateStore;
import io.moat.settings.certificates.CertificateUsage;
import io.moat.smtp.api.Cidr;
import io.moat.smtp.api.SmtpAdapterControl;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.smtp.api.SmtpEndpointConfig;
import io.moat.smtp.api.SmtpEndpointStatus;
import io.moat.tls.DigitalId;
import io.moat.tls.ServerTlsContext;
import io.moat.tls.TlsException;
import io.moat.tls.TlsSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.security.Security;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Settings > Security, SMTP endpoints: stored in the database, validated, and applied to the resource adapter's
 * listeners through its control interface whenever they change (and at start), without a restart. Each endpoint
 * has its own TLS context, changed in place when its certificate is renewed or its versions change, so those
 * apply to the next handshake without restarting the listener. The relay rules are per endpoint.
 */
@ApplicationScoped
@Transactional
public class SmtpEndpointService implements CertificateUsage {

    private static final Logger LOG = Logger.getLogger(SmtpEndpointService.class.getName());
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");
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
    static final int MAX_RECIPIENTS = 1000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HOST = Pattern
            .compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Pattern DOMAIN = Pattern.compile("\\.?" + HOST.pattern());
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    @Inject
    SmtpEndpointRepository repository;

    @Inject
    CertificateStore certificates;

    @Inject
    GatewaySettings settings;

    private final Map<String, ServerTlsContext> tlsByEndpoint = new ConcurrentHashMap<>();
    private volatile Map<String, RelayPolicy> relayByName = Map.of();

    public List<SmtpEndpoint> list() {
        return repository.list().stream().map(SmtpEndpointService::endpoint).toList();
    }

    public Optional<SmtpEndpoint> find(String id) {
        return repository.find(id).map(SmtpEndpointService::endpoint);
    }

    /** The adapter's view of each endpoint, by name (empty while the adapter is not running). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<String, SmtpEndpointStatus> status() {
        Map<String, SmtpEndpointStatus> status = new HashMap<>();
        SmtpAdapterControl.current().ifPresent(c -> c.status().forEach(s -> status.put(s.name(), s)));
        return status;
    }

    /** The relay rules of the endpoint a client came in on; an unknown endpoint relays nothing. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RelayPolicy relayPolicy(String endpointName) {
        return relayByName.getOrDefault(endpointName, RelayPolicy.NOTHING);
    }

    public synchronized SmtpEndpoint create(SmtpEndpoint input) {
        List<SmtpEndpoint> before = list();
        SmtpEndpoint endpoint = validated(input, null, before);
        SmtpEndpointEntity entity = new SmtpEndpointEntity(UUID.randomUUID().toString(), Instant.now());
        store(entity, endpoint);
        repository.add(entity);
        repository.flush();
        applyOrUndo(entity.getName(), before);
        LOG.info(() -> "SMTP endpoint '" + entity.getName() + "' created: " + describe(endpoint));
        return endpoint(entity);
    }

    public synchronized SmtpEndpoint update(String id, SmtpEndpoint input) {
        List<SmtpEndpoint> before = list();
        SmtpEndpointEntity entity = repository.find(id).orElseThrow(() -> notFound(id));
        SmtpEndpoint endpoint = validated(input, id, before);
        store(entity, endpoint);
        repository.flush();
        applyOrUndo(entity.getName(), before);
        LOG.info(() -> "SMTP endpoint '" + entity.getName() + "' changed: " + describe(endpoint));
        return endpoint(entity);
    }

    public synchronized void delete(String id) {
        List<SmtpEndpoint> before = list();
        SmtpEndpointEntity entity = repository.find(id).orElseThrow(() -> notFound(id));
        repository.delete(entity);
        repository.flush();
        applyOrUndo(null, before);
        tlsByEndpoint.remove(id);
        LOG.info(() -> "SMTP endpoint '" + entity.getName() + "' deleted; its sessions in flight finish");
    }

    /**
     * At start: a first start creates the endpoint 'default' from the bootstrap settings ({@code moat.smtp.*},
     * relay domains and trusted networks); then the stored endpoints are applied.
     */
    public synchronized void start() {
        if (repository.list().isEmpty()) {
            SmtpEndpoint initial = new SmtpEndpoint(null, "default", settings.smtpBindAddress(), settings.smtpPort(),
                    SmtpEncryption.STARTTLS_OPTIONAL, CertificateStore.DIGITAL_ID, DEFAULT_PROTOCOLS, List.of(),
                    settings.configuredHostName(), settings.smtpMaxMessageSize(), DEFAULT_MAX_CONNECTIONS,
                    DEFAULT_IDLE_TIMEOUT, null, null, null, null, settings.relayDomains(), settings.trustedNetworks());
            SmtpEndpointEntity entity = new SmtpEndpointEntity(UUID.randomUUID().toString(), Instant.now());
            SmtpEndpoint created = validated(initial, null, List.of());
            store(entity, created);
            repository.add(entity);
            repository.flush();
            LOG.info(() -> "created SMTP endpoint 'default' from the bootstrap settings: " + describe(created)
                    + "; manage endpoints with /api/v1/smtp-endpoints from now on");
        }
        for (SmtpEndpointStatus status : apply(list())) {
            if (!status.listening() && status.problem() != null) {
                LOG.severe(() -> "SMTP endpoint '" + status.name() + "' is not listening: " + status.problem());
            }
        }
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> usesOf(String certificateId) {
        return list().stream().filter(e -> e.encryption() != SmtpEncryption.NONE)
                .filter(e -> certificateId.equals(e.certificateId()))
                .map(e -> "SMTP endpoint '" + e.name() + "' (" + e.encryption() + ")").toList();
    }

    @Override
    public void replaced(String certificateId) {
        for (SmtpEndpoint endpoint : list()) {
            ServerTlsContext tls = tlsByEndpoint.get(endpoint.id());
            if (tls != null && certificateId.equals(endpoint.certificateId())) {
                certificates.digitalId(certificateId).ifPresent(tls::swap);
                LOG.info(() -> "SMTP endpoint '" + endpoint.name() + "' presents the renewed certificate from the"
                        + " next handshake");
            }
        }
    }

    /** Applies the stored set; when the endpoint just changed cannot listen, puts the previous set back. */
    private void applyOrUndo(String changed, List<SmtpEndpoint> before) {
        List<SmtpEndpointStatus> status = apply(list());
        Optional<SmtpEndpointStatus> failure = status.stream()
                .filter(s -> s.name().equals(changed) && !s.listening() && s.problem() != null).findFirst();
        if (failure.isPresent()) {
            apply(before);
            throw new RefusedException(Reason.INVALID, failure.get().problem());
        }
    }

    private List<SmtpEndpointStatus> apply(List<SmtpEndpoint> endpoints) {
        List<SmtpEndpointConfig> configs = new ArrayList<>();
        Map<String, RelayPolicy> relay = new HashMap<>();
        for (SmtpEndpoint e : endpoints) {
            configs.add(new SmtpEndpointConfig(e.name(), e.bindAddress(), e.port(), e.encryption(), tls(e),
                    e.greeting(), e.maxMessageSize(), MAX_RECIPIENTS, e.maxConnections(), e.idleTimeoutSeconds(),
                    e.maxConnectionsPerClient(), e.sessionTimeoutSeconds(), e.minDataRate(), e.maxDiscardSize(),
                    e.trustedNetworks().stream().map(Cidr::parse).toList()));
            relay.put(e.name(), new RelayPolicy(e.relayDomains(), e.trustedNetworks()));
        }
        relayByName = Map.copyOf(relay);
        Optional<SmtpAdapterControl> control = SmtpAdapterControl.current();
        if (control.isEmpty()) {
            LOG.warning("the SMTP resource adapter is not running; the endpoints are applied when it starts");
            return List.of();
        }
        return control.get().apply(configs);
    }

    /** The endpoint's TLS context: created once, then changed in place (next handshake), null for NONE. */
    private ServerTlsContext tls(SmtpEndpoint e) {
        if (e.encryption() == SmtpEncryption.NONE) {
            tlsByEndpoint.remove(e.id());
            return null;
        }
        DigitalId id = certificates.digitalId(e.certificateId()).orElseThrow(() -> new RefusedException(
                Reason.INVALID, "endpoint '" + e.name() + "': no certificate with id '" + e.certificateId() + "'"));
        TlsSettings tlsSettings = new TlsSettings(e.protocols(), e.cipherSuites());
        ServerTlsContext tls = tlsByEndpoint.get(e.id());
        if (tls == null) {
            tls = new ServerTlsContext(id, tlsSettings);
            tlsByEndpoint.put(e.id(), tls);
            return tls;
        }
        if (!tls.digitalId().equals(id)) {
            tls.swap(id);
        }
        if (!tls.settings().equals(tlsSettings)) {
            tls.settings(tlsSettings);
        }
        return tls;
    }

    private SmtpEndpoint validated(SmtpEndpoint in, String id, List<SmtpEndpoint> existing) {
        String name = required(in.name(), "name").strip();
        if (!NAME.matcher(name).matches()) {
            throw invalid("name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        String bindAddress = in.bindAddress() == null || in.bindAddress().isBlank()
                ? "0.0.0.0"
                : in.bindAddress().strip();
        if (!IPV4.matcher(bindAddress).matches() && !bindAddress.contains(":")) {
            throw invalid("bindAddress '" + bindAddress + "' must be an IP address (0.0.0.0 for all)");
        }
        try {
            java.net.InetAddress.getByName(bindAddress); // a literal: no name look-up
        } catch (java.net.UnknownHostException e) {
            throw invalid("bindAddress '" + bindAddress + "' is not a valid IP address");
        }
        int port = in.port() == null ? -1 : in.port();
        if (port < 1 || port > 65535) {
            throw invalid("port must be 1..65535" + (in.port() == null ? " and is missing" : ", was " + port));
        }
        for (SmtpEndpoint other : existing) {
            if (other.id().equals(id)) {
                continue;
            }
            if (other.name().equalsIgnoreCase(name)) {
                throw invalid("an endpoint named '" + other.name() + "' exists already");
            }
            if (other.port() == port && overlaps(other.bindAddress(), bindAddress)) {
                throw invalid("port " + port + " on " + bindAddress + " is taken by endpoint '" + other.name()
                        + "'");
            }
        }
        String reserved = reservedPort(port);
        if (reserved != null) {
            throw invalid("port " + port + " is the gateway's " + reserved + " port");
        }
        SmtpEncryption encryption = in.encryption();
        if (encryption == null) {
            throw invalid("encryption is missing: NONE, STARTTLS_OPTIONAL, STARTTLS_REQUIRED or IMPLICIT_TLS");
        }
        String certificateId = blankToNull(in.certificateId());
        List<String> protocols = in.protocols();
        List<String> cipherSuites = in.cipherSuites();
        if (encryption == SmtpEncryption.NONE) {
            if (certificateId != null || !protocols.isEmpty() || !cipherSuites.isEmpty()) {
                throw invalid("encryption NONE uses no certificate, protocols or cipher suites; leave them out or"
                        + " choose a TLS encryption");
            }
        } else {
            certificateId = certificateId == null ? CertificateStore.DIGITAL_ID : certificateId;
            String certificate = certificateId;
            if (certificates.find(certificate).isEmpty()) {
                throw invalid("no certificate with id '" + certificate + "' (see /api/v1/certificates)");
            }
            protocols = protocols.isEmpty() ? DEFAULT_PROTOCOLS : protocols;
            try {
                TlsSettings tls = new TlsSettings(protocols, cipherSuites).validated();
                protocols = tls.protocols();
            } catch (TlsException e) {
                throw invalid(e.getMessage());
            }
            for (String protocol : protocols) {
                if (disabledInThisRuntime(protocol)) {
                    throw invalid(protocol + " is disabled in this Java runtime (jdk.tls.disabledAlgorithms); the"
                            + " provisioned server enables it for endpoints that ask for it, see the README");
                }
            }
        }
        String greeting = blankToNull(in.greeting());
        if (greeting != null && (greeting.length() > 255 || !HOST.matcher(greeting).matches())) {
            throw invalid("greeting '" + greeting + "' must be a host name, e.g. mx.example.com");
        }
        long maxMessageSize = in.maxMessageSize() == null ? DEFAULT_MAX_MESSAGE_SIZE : in.maxMessageSize();
        if (maxMessageSize < 1024 || maxMessageSize > Integer.MAX_VALUE) {
            throw invalid("maxMessageSize must be 1024.." + Integer.MAX_VALUE + " bytes, was " + maxMessageSize);
        }
        int maxConnections = in.maxConnections() == null ? DEFAULT_MAX_CONNECTIONS : in.maxConnections();
        if (maxConnections < 1 || maxConnections > 10_000) {
            throw invalid("maxConnections must be 1..10000, was " + maxConnections);
        }
        int idleTimeout = in.idleTimeoutSeconds() == null ? DEFAULT_IDLE_TIMEOUT : in.idleTimeoutSeconds();
        if (idleTimeout < 10 || idleTimeout > 86_400) {
            throw invalid("idleTimeoutSeconds must be 10..86400, was " + idleTimeout);
        }
        int perClient = in.maxConnectionsPerClient() == null
                ? Math.min(DEFAULT_MAX_CONNECTIONS_PER_CLIENT, maxConnections)
                : in.maxConnectionsPerClient();
        if (perClient < 1 || perClient > maxConnections) {
            throw invalid("maxConnectionsPerClient must be 1..maxConnections (" + maxConnections + "), was "
                    + perClient);
        }
        int sessionTimeout = in.sessionTimeoutSeconds() == null
                ? DEFAULT_SESSION_TIMEOUT
                : in.sessionTimeoutSeconds();
        if (sessionTimeout < 60 || sessionTimeout > 86_400) {
            throw invalid("sessionTimeoutSeconds must be 60..86400, was " + sessionTimeout);
        }
        int minDataRate = in.minDataRate() == null ? DEFAULT_MIN_DATA_RATE : in.minDataRate();
        if (minDataRate < 0 || minDataRate > 100_000_000) {
            throw invalid("minDataRate must be 0..100000000 octets per second (0: no floor), was " + minDataRate);
        }
        long maxDiscardSize = in.maxDiscardSize() == null ? DEFAULT_MAX_DISCARD_SIZE : in.maxDiscardSize();
        if (maxDiscardSize < 0 || maxDiscardSize > Integer.MAX_VALUE) {
            throw invalid("maxDiscardSize must be 0.." + Integer.MAX_VALUE + " bytes, was " + maxDiscardSize);
        }
        List<String> relayDomains = in.relayDomains().stream().map(d -> d.strip().toLowerCase(Locale.ROOT))
                .filter(d -> !d.isEmpty()).toList();
        for (String domain : relayDomains) {
            if (!DOMAIN.matcher(domain).matches()) {
                throw invalid("relay domain '" + domain + "' is not a domain name (example.org, or .example.org"
                        + " for its subdomains)");
            }
        }
        List<String> trustedNetworks = in.trustedNetworks().stream().map(String::strip).filter(n -> !n.isEmpty())
                .toList();
        try {
            new RelayPolicy(relayDomains, trustedNetworks);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        return new SmtpEndpoint(id, name, bindAddress, port, encryption, certificateId, protocols, cipherSuites,
                greeting, maxMessageSize, maxConnections, idleTimeout, perClient, sessionTimeout, minDataRate,
                maxDiscardSize, relayDomains, trustedNetworks);
    }

    private String reservedPort(int port) {
        if (port == settings.httpPort()) {
            return "HTTP (console)";
        }
        if (port == settings.httpsPort()) {
            return "HTTPS (console)";
        }
        if (port == settings.managementPort()) {
            return "management";
        }
        if (port == settings.webhookPort()) {
            return "webhook";
        }
        return null;
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

    private static void store(SmtpEndpointEntity entity, SmtpEndpoint e) {
        entity.set(e.name(), e.bindAddress(), e.port(), e.encryption().name(), e.certificateId(), e.protocols(),
                e.cipherSuites(), e.greeting(), e.maxMessageSize(), e.maxConnections(), e.idleTimeoutSeconds(),
                e.maxConnectionsPerClient(), e.sessionTimeoutSeconds(), e.minDataRate(), e.maxDiscardSize(),
                e.relayDomains(), e.trustedNetworks(), Instant.now());
    }

    private static SmtpEndpoint endpoint(SmtpEndpointEntity e) {
        return new SmtpEndpoint(e.getId(), e.getName(), e.getBindAddress(), e.getPort(),
                SmtpEncryption.valueOf(e.getEncryption()), e.getCertificateId(), e.getProtocols(),
                e.getCipherSuites(), e.getGreeting(), e.getMaxMessageSize(), e.getMaxConnections(),
                e.getIdleTimeoutSeconds(), e.getMaxConnectionsPerClient(), e.getSessionTimeoutSeconds(),
                e.getMinDataRate(), e.getMaxDiscardSize(), e.getRelayDomains(), e.getTrustedNetworks());
    }

    private static String describe(SmtpEndpoint e) {
        return e.bindAddress() + ":" + e.port() + ", " + e.encryption()
                + (e.encryption() == SmtpEncryption.NONE
                        ? ""
                        : " " + e.protocols() + ", certificate "
                                + e.certificateId())
                + ", " + e.maxConnections() + " connections (" + e.maxConnectionsPerClient() + " per client), session "
                + e.sessionTimeoutSeconds() + " s, relay domains " + e.relayDomains() + ", trusted networks "
                + e.trustedNetworks();
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw invalid(field + " is missing");
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static RefusedException invalid(String message) {
        return new RefusedException(Reason.INVALID, message);
    }

    private static RefusedException notFound(String id) {
        return new RefusedException(Reason.NOT_FOUND, "no SMTP endpoint with id '" + id + "'");
    }
}
