package io.moat.settings.endpoints;

import io.moat.persistence.SmtpEndpointEntity;
import io.moat.persistence.SmtpEndpointRepository;
import io.moat.settings.ChangesSettings;
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
import io.moat.tls.TlsSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

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
    public static final List<String> DEFAULT_PROTOCOLS = EndpointRules.DEFAULT_PROTOCOLS;
    static final int MAX_RECIPIENTS = 1000;

    @Inject
    SmtpEndpointRepository repository;

    @Inject
    CertificateStore certificates;

    @Inject
    GatewaySettings settings;

    /**
     * Makes the listeners what the stored endpoints say, e.g. after another node changed them (SettingsWatcher):
     * opened, closed or changed as their settings differ, and renewed certificates served from the next handshake.
     */
    public synchronized void reconcile() {
        apply(list());
    }

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

    @ChangesSettings
    public synchronized SmtpEndpoint create(SmtpEndpoint input) {
        List<SmtpEndpoint> before = list();
        SmtpEndpoint endpoint = EndpointRules.validated(input, null, before, facts());
        SmtpEndpointEntity entity = new SmtpEndpointEntity(UUID.randomUUID().toString(), Instant.now());
        store(entity, endpoint);
        repository.add(entity);
        repository.flush();
        applyOrUndo(entity.getName(), before);
        LOG.info(() -> "SMTP endpoint '" + entity.getName() + "' created: " + describe(endpoint));
        return endpoint(entity);
    }

    @ChangesSettings
    public synchronized SmtpEndpoint update(String id, SmtpEndpoint input) {
        List<SmtpEndpoint> before = list();
        SmtpEndpointEntity entity = repository.find(id).orElseThrow(() -> notFound(id));
        SmtpEndpoint endpoint = EndpointRules.validated(input, id, before, facts());
        store(entity, endpoint);
        repository.flush();
        applyOrUndo(entity.getName(), before);
        LOG.info(() -> "SMTP endpoint '" + entity.getName() + "' changed: " + describe(endpoint));
        return endpoint(entity);
    }

    @ChangesSettings
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
    @ChangesSettings
    public synchronized void start() {
        if (repository.list().isEmpty()) {
            SmtpEndpoint initial = new SmtpEndpoint(null, "default", settings.smtpBindAddress(), settings.smtpPort(),
                    SmtpEncryption.STARTTLS_OPTIONAL, CertificateStore.DIGITAL_ID, DEFAULT_PROTOCOLS, List.of(),
                    settings.configuredHostName(), settings.smtpMaxMessageSize(), EndpointRules.DEFAULT_MAX_CONNECTIONS,
                    EndpointRules.DEFAULT_IDLE_TIMEOUT, null, null, null, null, settings.relayDomains(),
                    settings.trustedNetworks());
            SmtpEndpointEntity entity = new SmtpEndpointEntity(UUID.randomUUID().toString(), Instant.now());
            SmtpEndpoint created = EndpointRules.validated(initial, null, List.of(), facts());
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
            // a node's own address in place of the wildcard: nodes on one machine serve the same ports
            configs.add(new SmtpEndpointConfig(e.name(), settings.bindAddress(e.bindAddress()), e.port(),
                    e.encryption(), tls(e),
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

    /** What the rules ask of the running gateway: its other ports, and the certificate store. */
    private EndpointRules.Facts facts() {
        return new EndpointRules.Facts() {
            @Override
            public String reservedPort(int port) {
                return SmtpEndpointService.this.reservedPort(port);
            }

            @Override
            public boolean certificateExists(String id) {
                return certificates.find(id).isPresent();
            }
        };
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

    private static RefusedException notFound(String id) {
        return new RefusedException(Reason.NOT_FOUND, "no SMTP endpoint with id '" + id + "'");
    }
}
