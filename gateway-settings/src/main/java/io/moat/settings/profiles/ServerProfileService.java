package io.moat.settings.profiles;

import io.moat.core.CoreClient;
import io.moat.core.CoreClients;
import io.moat.core.CoreServer;
import io.moat.persistence.ServerProfileEntity;
import io.moat.persistence.ServerProfileRepository;
import io.moat.settings.ChangesSettings;
import io.moat.settings.GatewaySettings;
import io.moat.settings.GeneralSettingsService;
import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.settings.Secrets;
import io.moat.settings.SettingNames;
import io.moat.settings.SnapshotCache;
import io.moat.settings.certificates.CertificateStore;
import io.moat.settings.certificates.CertificateUsage;
import io.moat.settings.certificates.DigitalIdService;
import io.moat.settings.certificates.TrustStoreService;
import io.moat.settings.profiles.ServerProfile.Server;
import io.moat.settings.profiles.ServerProfile.Strategy;
import io.moat.settings.profiles.ServerProfile.Type;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.tls.DigitalId;
import io.moat.tls.TlsSettings;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;

/**
 * Settings > Server profiles: every outbound connection (downstream SMTP servers, Core) is set up through one.
 * Recipient domains route to an SMTP profile, the rest to the default one; the bootstrap {@code moat.downstream.url}
 * and {@code moat.core.url} become the default profiles on a first start. Secrets are sealed ({@link Secrets}).
 */
@ApplicationScoped
@Transactional
public class ServerProfileService implements CertificateUsage, RecipientRoutes, ScanServers {

    private static final Logger LOG = Logger.getLogger(ServerProfileService.class.getName());
    static final List<String> DEFAULT_PROTOCOLS = ProfileRules.DEFAULT_PROTOCOLS;
    static final int DEFAULT_CORE_TIMEOUT = 30;
    /**
     * Files in flight per Core server unless a profile says otherwise: MetaDefender Core's own queue holds 500 files
     * per node by default; more would only be refused with {@code 503}.
     */
    static final int DEFAULT_MAX_IN_FLIGHT = 500;
    static final int MAX_IN_FLIGHT = 100_000;
    /** The TLS versions the webhook listener may serve, in order; none chosen: all of them. */
    public static final List<String> WEBHOOK_PROTOCOLS = WebhookChecks.PROTOCOLS;
    /**
     * Optional STARTTLS offers the forward-secret CBC suites too, after the AEAD ones: towards a server that has no
     * AEAD suite, the alternative is clear text (ADR 0022).
     */
    static final List<String> OPPORTUNISTIC_SUITES = TlsSettings.supported(
            Stream.concat(TlsSettings.FORWARD_SECRET_AEAD.stream(),
                    TlsSettings.FORWARD_SECRET_CBC.stream()).toList());

    @Inject
    ServerProfileRepository repository;

    @Inject
    Secrets secrets;

    @Inject
    TrustStoreService trust;

    @Inject
    CertificateStore certificates;

    @Inject
    DigitalIdService digitalIds;

    @Inject
    GatewaySettings settings;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Inject
    Instance<ProfileUsage> usages;

    @Inject
    WebhookListener webhookListener;

    @Inject
    GeneralSettingsService general;

    private final Map<String, AtomicInteger> turns = new ConcurrentHashMap<>();
    /** The profiles as last read, for the pipeline's hot path (no query per recipient); null: read again. */
    private final SnapshotCache<List<ServerProfileEntity>> snapshot = new SnapshotCache<>(
            () -> List.copyOf(repository.list()));
    private final Map<String, Built> built = new ConcurrentHashMap<>();

    /** Another node changed the profiles: read them again (SettingsWatcher); built clients follow their version. */
    public void refresh() {
        snapshot.clear();
    }

    /** A profile's servers made usable, for one version of the profile and of the trust store. */
    private record Built(String key, List<SmtpTarget> targets, CoreClient core) {
    }

    public List<ServerProfile> list() {
        return repository.list().stream().map(this::view).toList();
    }

    public Optional<ServerProfile> find(String id) {
        return repository.find(id).map(this::view);
    }

    @ChangesSettings
    public synchronized ServerProfile create(ServerProfile input) {
        if (input.type() == null) {
            throw SettingNames.invalid("type is missing: SMTP or CORE");
        }
        ServerProfileEntity entity = new ServerProfileEntity(UUID.randomUUID().toString(), input.type().name(),
                Instant.now());
        store(entity, input, null);
        repository.add(entity);
        repository.flush();
        invalidate();
        LOG.info(() -> "server profile '" + entity.getName() + "' created: " + profile(entity));
        return view(entity);
    }

    @ChangesSettings
    public synchronized ServerProfile update(String id, ServerProfile input) {
        ServerProfileEntity entity = repository.find(id).orElseThrow(() -> notFound(id));
        if (input.type() != null && !input.type().name().equals(entity.getType())) {
            throw SettingNames.invalid("the type of a profile cannot change (it is " + entity.getType() + ")");
        }
        store(entity, input, profile(entity));
        repository.flush();
        invalidate();
        built.remove(id);
        LOG.info(() -> "server profile '" + entity.getName() + "' changed: " + profile(entity));
        return view(entity);
    }

    @ChangesSettings
    public synchronized void delete(String id) {
        ServerProfileEntity entity = repository.find(id).orElseThrow(() -> notFound(id));
        if (entity.isDefaultProfile()) {
            throw new RefusedException(Reason.INVALID, "'" + entity.getName() + "' is the default "
                    + entity.getType() + " profile; make another profile the default first");
        }
        for (ProfileUsage usage : usages) {
            List<String> uses = usage.usesOfProfile(id);
            if (!uses.isEmpty()) {
                throw new RefusedException(Reason.CONFLICT, "profile '" + entity.getName() + "' is used by "
                        + String.join(", ", uses) + "; change those first");
            }
        }
        StoredWebhook webhook = StoredWebhook.read(entity.getWebhook());
        if (webhook != null && webhook.enabled()) {
            serveWebhooks(repository.list().stream().filter(p -> !p.getId().equals(id)).toList(), null, null);
        }
        repository.delete(entity);
        invalidate();
        built.remove(id);
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public int maxInFlight(String profileId) {
        return snapshot().stream()
                .filter(p -> p.getType().equals(Type.CORE.name())
                        && (profileId == null ? p.isDefaultProfile() : p.getId().equals(profileId)))
                .findFirst().map(p -> maxInFlight(p) * Math.max(1, StoredServer.read(p.getServers()).size()))
                .orElse(DEFAULT_MAX_IN_FLIGHT);
    }

    private static int maxInFlight(ServerProfileEntity p) {
        return p.getMaxInFlight() == null ? DEFAULT_MAX_IN_FLIGHT : p.getMaxInFlight();
    }

    /** The webhook listener the Core profiles with callbacks on want; empty when none has them on. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<WebhookListener.Listening> webhookListening() {
        return Optional.ofNullable(listening(snapshot(), null, null));
    }

    /**
     * A Core profile's webhook settings as given, with a null wherever the default applies (unlike {@link #find},
     * which shows the settings in effect): for an editor, so that saving it unchanged stores the same and a default
     * stays a default. Empty for an SMTP profile, or a Core profile whose webhook was never set (callbacks off).
     */
    public Optional<ServerProfile.Webhook> webhookAsGiven(String id) {
        return repository.find(id).filter(p -> p.getType().equals(Type.CORE.name()))
                .map(p -> StoredWebhook.read(p.getWebhook())).map(WebhookChecks::asGiven);
    }

    /**
     * The URL Core is given when a profile names none: the public server address's host with the webhook port
     * ({@code port}, null: {@code moat.webhook.port}), https when the listener has TLS.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public String defaultWebhookUrl(boolean tls, Integer port) {
        return WebhookChecks.defaultUrl(tls, port == null ? settings.webhookPort() : port, general.publicHost());
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Callbacks> callbacks(String profileId) {
        return snapshot().stream()
                .filter(p -> p.getType().equals(Type.CORE.name())
                        && (profileId == null ? p.isDefaultProfile() : p.getId().equals(profileId)))
                .findFirst().map(p -> StoredWebhook.read(p.getWebhook())).filter(StoredWebhook::enabled)
                .map(w -> new Callbacks(WebhookChecks.publicUrl(w, settings.webhookPort(), general.publicHost()),
                        WebhookChecks.fallbackPollDuration(w)));
    }

    /** At start: on a first start the bootstrap URLs become the default SMTP and Core profiles. */
    @ChangesSettings
    public synchronized void start() {
        List<ServerProfileEntity> existing = repository.list();
        if (existing.stream().noneMatch(p -> p.getType().equals(Type.SMTP.name()))) {
            ServerProfile downstream = new ServerProfile(null, "downstream", Type.SMTP, Strategy.FAILOVER, true,
                    List.of(), List.of(fromBootstrap(settings.downstreamUri())), null, false, null, null, null, null);
            create(downstream);
        }
        if (existing.stream().noneMatch(p -> p.getType().equals(Type.CORE.name()))) {
            ServerProfile core = new ServerProfile(null, "core", Type.CORE, Strategy.FAILOVER, true, List.of(),
                    List.of(new Server(settings.coreUri().toString(), null, List.of(), true, null, null, false,
                            null)),
                    settings.coreApiKey(), false, settings.coreRule(),
                    (int) Math.max(1, settings.coreTimeout().toSeconds()), null, null);
            create(core);
        }
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Route route(String recipient, String profileId) {
        if (profileId == null) {
            return route(recipient);
        }
        ServerProfileEntity profile = snapshot().stream()
                .filter(p -> p.getId().equals(profileId) && p.getType().equals(Type.SMTP.name())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the SMTP server profile with id '" + profileId
                        + "' a security rule names is gone; set the rule's relayProfile (/api/v1/security-rules)"));
        return new Route(profile.getName(), ordered(profile, build(profile).targets()));
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Route route(String recipient) {
        String domain = recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        ServerProfileEntity chosen = null;
        ServerProfileEntity fallback = null;
        for (ServerProfileEntity p : snapshot()) {
            if (!p.getType().equals(Type.SMTP.name())) {
                continue;
            }
            if (p.isDefaultProfile()) {
                fallback = p;
            }
            for (String routed : lines(p.getRecipientDomains())) {
                if (routed.startsWith(".") ? domain.endsWith(routed) : domain.equals(routed)) {
                    chosen = p;
                }
            }
        }
        ServerProfileEntity profile = chosen != null ? chosen : fallback;
        if (profile == null) {
            throw new IllegalStateException("no SMTP server profile: create one under /api/v1/server-profiles");
        }
        return new Route(profile.getName(), ordered(profile, build(profile).targets()));
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public CoreClient coreClient() {
        ServerProfileEntity profile = snapshot().stream()
                .filter(p -> p.getType().equals(Type.CORE.name()) && p.isDefaultProfile()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Core server profile: create one under"
                        + " /api/v1/server-profiles"));
        return build(profile).core();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public CoreClient coreClient(String profileId, String rule) {
        if (profileId == null && rule == null) {
            return coreClient();
        }
        ServerProfileEntity profile = snapshot().stream()
                .filter(p -> p.getType().equals(Type.CORE.name())
                        && (profileId == null ? p.isDefaultProfile() : p.getId().equals(profileId)))
                .findFirst().orElseThrow(() -> new IllegalStateException(profileId == null
                        ? "no Core server profile: create one under /api/v1/server-profiles"
                        : "the Core server profile with id '" + profileId + "' a security rule names is gone; set"
                                + " the rule's coreProfile (/api/v1/security-rules)"));
        if (rule == null) {
            return build(profile).core();
        }
        String key = profile.getVersion() + "/" + trust.signature();
        String slot = profile.getId() + "\n" + rule;
        Built current = built.get(slot);
        if (current != null && current.key().equals(key)) {
            return current.core();
        }
        Built fresh = new Built(key, List.of(), core(profile(profile), profile, rule));
        built.put(slot, fresh);
        return fresh.core();
    }

    /** Whether {@code nameOrId} names a profile of {@code type}: its id, or empty. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<String> idOf(String nameOrId, Type type) {
        return snapshot().stream().filter(p -> p.getType().equals(type.name()))
                .filter(p -> p.getId().equals(nameOrId) || p.getName().equalsIgnoreCase(nameOrId))
                .map(ServerProfileEntity::getId).findFirst();
    }

    /** The name of the profile with this id, or empty. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<String> nameOf(String id) {
        return snapshot().stream().filter(p -> p.getId().equals(id)).map(ServerProfileEntity::getName).findFirst();
    }

    /** One server of a profile, made usable to be probed: an SMTP target or a Core client of its own. */
    record ProbeTarget(String profile, Type type, String uri, SmtpTarget smtp, CoreClient core) {
    }

    /** Every server of every profile, each on its own (no failover), Core with at most {@code timeout}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    List<ProbeTarget> probeTargets(Duration timeout) {
        List<ProbeTarget> targets = new ArrayList<>();
        for (ServerProfileEntity entity : snapshot()) {
            ServerProfile p = profile(entity);
            if (p.type() == Type.SMTP) {
                List<SmtpTarget> built = build(entity).targets();
                for (int i = 0; i < built.size(); i++) {
                    targets.add(new ProbeTarget(p.name(), Type.SMTP, p.servers().get(i).uri(), built.get(i), null));
                }
            } else {
                String apikey = entity.getSealedApiKey() == null
                        ? null
                        : secrets.openString(entity.getSealedApiKey(), entity.getId(), "the Core API key of profile '"
                                + p.name() + "'");
                Duration limit = timeout.compareTo(Duration.ofSeconds(p.timeoutSeconds())) < 0
                        ? timeout
                        : Duration.ofSeconds(p.timeoutSeconds());
                for (Server server : p.servers()) {
                    targets.add(new ProbeTarget(p.name(), Type.CORE, server.uri(), null,
                            core(server, apikey, p.rule(), limit)));
                }
            }
        }
        return targets;
    }

    /** Forgets the snapshot now and again once the transaction has ended, so no reader keeps a stale one. */
    private void invalidate() {
        snapshot.invalidate(transactions);
    }

    private List<ServerProfileEntity> snapshot() {
        return snapshot.get();
    }

    private List<SmtpTarget> ordered(ServerProfileEntity profile, List<SmtpTarget> targets) {
        if (!Strategy.ROUND_ROBIN.name().equals(profile.getStrategy()) || targets.size() < 2) {
            return targets;
        }
        return rotated(targets, turns.computeIfAbsent(profile.getId(), k -> new AtomicInteger()).getAndIncrement());
    }

    /** The list starting at {@code turn} (modulo its size), the ones before it after: round robin with fallback. */
    static <T> List<T> rotated(List<T> list, int turn) {
        int start = Math.floorMod(turn, list.size());
        List<T> rotated = new ArrayList<>(list.subList(start, list.size()));
        rotated.addAll(list.subList(0, start));
        return rotated;
    }

    private Built build(ServerProfileEntity profile) {
        String key = profile.getVersion() + "/" + trust.signature();
        Built current = built.get(profile.getId());
        if (current != null && current.key().equals(key)) {
            return current;
        }
        ServerProfile p = profile(profile);
        Built fresh;
        if (p.type() == Type.SMTP) {
            List<SmtpTarget> targets = new ArrayList<>();
            List<StoredServer> stored = StoredServer.read(profile.getServers());
            for (int i = 0; i < p.servers().size(); i++) {
                targets.add(target(p.servers().get(i), stored.get(i).sealedPassword(), profile.getId()));
            }
            fresh = new Built(key, List.copyOf(targets), null);
        } else {
            fresh = new Built(key, List.of(), core(p, profile, p.rule()));
        }
        built.put(profile.getId(), fresh);
        return fresh;
    }

    private SmtpTarget target(Server server, String sealedPassword, String profileId) {
        URI uri = URI.create(server.uri());
        boolean smtps = "smtps".equalsIgnoreCase(uri.getScheme());
        SmtpEncryption mode = SmtpTarget.encryption(smtps, server.encryption(), server.username() != null);
        if ("NONE".equals(server.encryption()) && mode != SmtpEncryption.NONE) {
            LOG.warning(() -> "SMTP server " + server.uri() + " has encryption NONE and the username '"
                    + server.username() + "' (stored before such a server was refused): credentials go only over"
                    + " verified TLS, so it is used with STARTTLS required; set its encryption to STARTTLS_REQUIRED"
                    + " or remove the username (/api/v1/server-profiles)");
        }
        SSLSocketFactory factory = null;
        if (mode != SmtpEncryption.NONE) {
            Optional<DigitalId> client = Optional.ofNullable(server.clientCertificateId())
                    .flatMap(certificates::digitalId);
            factory = mode == SmtpEncryption.STARTTLS_OPTIONAL
                    ? new ProtocolSocketFactory(trust.opportunisticClientContext(client).getSocketFactory(),
                            server.protocols(), OPPORTUNISTIC_SUITES)
                    : new ProtocolSocketFactory(trust.clientContext(client, List.of()).getSocketFactory(),
                            server.protocols(), new TlsSettings(server.protocols(), List.of()).effectiveCipherSuites());
        }
        char[] password = sealedPassword == null
                ? null
                : secrets.openString(sealedPassword, profileId + "/" + server.uri(), "the password for "
                        + server.uri()).toCharArray();
        int port = uri.getPort() > 0 ? uri.getPort() : smtps ? 465 : 25;
        return new SmtpTarget(uri.getHost(), port, mode, factory, !Boolean.FALSE.equals(server.verifyHostname()),
                server.username(), password);
    }

    private CoreClient core(ServerProfile p, ServerProfileEntity entity, String rule) {
        String apikey = entity.getSealedApiKey() == null
                ? null
                : secrets.openString(entity.getSealedApiKey(), entity.getId(), "the Core API key of profile '"
                        + p.name() + "'");
        List<CoreClient> clients = new ArrayList<>();
        for (Server server : p.servers()) {
            clients.add(core(server, apikey, rule, Duration.ofSeconds(p.timeoutSeconds())));
        }
        AtomicInteger turn = turns.computeIfAbsent(entity.getId(), k -> new AtomicInteger());
        return CoreClients.failover(clients, p.strategy() == Strategy.ROUND_ROBIN ? turn::getAndIncrement : () -> 0);
    }

    private CoreClient core(Server server, String apikey, String rule, Duration timeout) {
        URI uri = URI.create(server.uri());
        CoreServer core = new CoreServer(uri, apikey, rule, timeout);
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            return CoreClients.create(core);
        }
        // Core on this host: trust the digital ID too (the seed's TLS propagation)
        List<X509Certificate> extra = isLocal(uri.getHost()) && digitalIds.digitalId() != null
                ? List.of(digitalIds.digitalId().certificate())
                : List.of();
        SSLContext context = trust.clientContext(Optional.empty(), extra);
        SSLParameters parameters = context.getDefaultSSLParameters();
        List<String> protocols = server.protocols().isEmpty() ? DEFAULT_PROTOCOLS : server.protocols();
        parameters.setProtocols(protocols.toArray(String[]::new));
        parameters
                .setCipherSuites(new TlsSettings(protocols, List.of()).effectiveCipherSuites().toArray(String[]::new));
        return CoreClients.create(core, context, parameters);
    }

    private static boolean isLocal(String host) {
        return host.equalsIgnoreCase("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
                || host.equals("::1");
    }

    private void store(ServerProfileEntity entity, ServerProfile in, ServerProfile before) {
        Type type = Type.valueOf(entity.getType());
        List<ServerProfileEntity> others = repository.list().stream()
                .filter(p -> !p.getId().equals(entity.getId())).toList();
        String name = ProfileRules.name(in.name());
        for (ServerProfileEntity other : others) {
            if (other.getName().equalsIgnoreCase(name)) {
                throw SettingNames.invalid("a profile named '" + other.getName() + "' exists already");
            }
        }
        Strategy strategy = in.strategy() == null ? Strategy.FAILOVER : in.strategy();
        if (in.servers().isEmpty()) {
            throw SettingNames.invalid("servers is empty: give at least one server");
        }
        List<String> domains = ProfileRules.recipientDomains(type, in.recipientDomains());
        for (String domain : domains) {
            for (ServerProfileEntity other : others) {
                if (lines(other.getRecipientDomains()).contains(domain)) {
                    throw SettingNames
                            .invalid("recipient domain '" + domain + "' is routed by profile '" + other.getName()
                                    + "' already");
                }
            }
        }
        List<StoredServer> servers = new ArrayList<>();
        for (Server server : in.servers()) {
            servers.add(server(type, server, before, entity.getId()));
        }
        String sealedApiKey = entity.getSealedApiKey();
        Integer timeout = null;
        String rule = null;
        if (type == Type.CORE) {
            if (in.apikey() != null) {
                sealedApiKey = in.apikey().isBlank() ? null : secrets.seal(in.apikey(), entity.getId());
            }
            timeout = in.timeoutSeconds() == null ? DEFAULT_CORE_TIMEOUT : in.timeoutSeconds();
            if (timeout < 1 || timeout > 600) {
                throw SettingNames.invalid("timeoutSeconds must be 1..600, was " + timeout);
            }
            rule = in.rule() == null || in.rule().isBlank() ? null : in.rule().strip();
            if (in.maxInFlight() != null && (in.maxInFlight() < 1 || in.maxInFlight() > MAX_IN_FLIGHT)) {
                throw SettingNames.invalid("maxInFlight must be 1.." + MAX_IN_FLIGHT + " files per server, was "
                        + in.maxInFlight());
            }
            entity.setMaxInFlight(in.maxInFlight());
            if (in.webhook() != null) {
                StoredWebhook stored = StoredWebhook.read(entity.getWebhook());
                StoredWebhook webhook = WebhookChecks.checked(in.webhook(), stored);
                if (webhook.certificateId() != null && certificates.find(webhook.certificateId()).isEmpty()) {
                    throw SettingNames.invalid("webhook.tls.certificateId: no certificate with id '"
                            + webhook.certificateId() + "'; choose one of /api/v1/certificates");
                }
                if (!webhook.equals(stored)) {
                    serveWebhooks(others, entity.getId(), webhook);
                }
                entity.setWebhook(webhook.write());
            }
        } else if (in.apikey() != null || in.rule() != null || in.timeoutSeconds() != null || in.webhook() != null
                || in.maxInFlight() != null) {
            throw SettingNames.invalid("apikey, rule, timeoutSeconds, maxInFlight and webhook belong to Core profiles");
        }
        boolean makeDefault = Boolean.TRUE.equals(in.defaultProfile());
        boolean noDefaultYet = others.stream()
                .noneMatch(p -> p.getType().equals(type.name()) && p.isDefaultProfile());
        if (before != null && Boolean.TRUE.equals(before.defaultProfile()) && !makeDefault && noDefaultYet) {
            throw SettingNames
                    .invalid("'" + name + "' is the default " + type + " profile; make another one the default"
                            + " instead of this one");
        }
        if (makeDefault) {
            others.stream().filter(p -> p.getType().equals(type.name())).forEach(p -> p.setDefaultProfile(false));
        }
        entity.set(name, strategy.name(), makeDefault || noDefaultYet, String.join("\n", domains),
                StoredServer.write(servers), sealedApiKey, rule, timeout, Instant.now());
    }

    private StoredServer server(Type type, Server in, ServerProfile before, String profileId) {
        ProfileRules.CheckedServer server = ProfileRules.server(type, in);
        String uri = server.uri();
        if (!server.verifyHostname()) {
            LOG.warning(() -> "host name verification is off for " + uri + ": any trusted certificate will do");
        }
        if (server.clientCertificateId() != null && certificates.find(server.clientCertificateId()).isEmpty()) {
            throw SettingNames.invalid("no certificate with id '" + server.clientCertificateId() + "' for " + uri);
        }
        String sealed = null;
        if (server.username() != null) {
            if (in.password() != null && !in.password().isEmpty()) {
                sealed = secrets.seal(in.password(), profileId + "/" + uri);
            } else if (before != null) {
                sealed = previousPassword(profileId, uri, server.username());
            }
            if (sealed == null) {
                throw SettingNames.invalid("username '" + server.username() + "' for " + uri + " needs a password");
            }
        }
        return new StoredServer(uri, server.encryption(), server.protocols(), server.verifyHostname(),
                server.username(), sealed, server.clientCertificateId());
    }

    private String previousPassword(String profileId, String uri, String username) {
        return repository.find(profileId).map(p -> StoredServer.read(p.getServers())).orElse(List.of()).stream()
                .filter(s -> uri.equals(s.uri()) && username.equals(s.username())).map(StoredServer::sealedPassword)
                .findFirst().orElse(null);
    }

    /**
     * Makes the webhook listener what the profiles want once {@code changed} has {@code webhook} (null: the profile
     * is gone): refused when two profiles with callbacks on want different listeners, or the server cannot open it.
     */
    private void serveWebhooks(List<ServerProfileEntity> others, String changed, StoredWebhook webhook) {
        WebhookListener.Listening before = listening(repository.list(), null, null);
        WebhookListener.Listening after = listening(others, changed, webhook);
        if (!Objects.equals(before, after)) {
            webhookListener.serve(after);
        }
    }

    /**
     * The one listener the Core profiles with callbacks on share, {@code changed} taken with {@code webhook}; null
     * when none has them on.
     */
    private WebhookListener.Listening listening(List<ServerProfileEntity> profiles, String changed,
            StoredWebhook webhook) {
        WebhookListener.Listening wanted = null;
        String wantedBy = null;
        List<Map.Entry<String, StoredWebhook>> all = new ArrayList<>();
        for (ServerProfileEntity p : profiles) {
            if (p.getType().equals(Type.CORE.name()) && !p.getId().equals(changed)) {
                all.add(Map.entry(p.getName(), StoredWebhook.read(p.getWebhook()) == null
                        ? new StoredWebhook(false, null, null, null, null, null, null)
                        : StoredWebhook.read(p.getWebhook())));
            }
        }
        if (webhook != null) {
            all.add(Map.entry("this profile", webhook));
        }
        for (Map.Entry<String, StoredWebhook> entry : all) {
            if (!entry.getValue().enabled()) {
                continue;
            }
            WebhookListener.Listening listening = WebhookChecks.listening(entry.getValue(), settings.webhookPort());
            if (wanted != null && !wanted.equals(listening)) {
                throw new RefusedException(Reason.CONFLICT, "Core profiles share one webhook listener: '" + wantedBy
                        + "' has it on " + describe(wanted) + ", " + entry.getKey() + " wants " + describe(listening)
                        + "; give the same bindAddress, port and tls");
            }
            wanted = listening;
            wantedBy = entry.getKey();
        }
        return wanted;
    }

    private static String describe(WebhookListener.Listening l) {
        return (l.bindAddress() == null ? "the public interface" : l.bindAddress()) + " port " + l.port()
                + (l.tls() ? " over TLS (" + l.certificateId() + ", " + l.protocols() + ")" : " over plain HTTP");
    }

    private ServerProfile profile(ServerProfileEntity e) {
        return profile(e, null);
    }

    /** As the API shows it: with a Core profile's webhook settings in effect. */
    private ServerProfile view(ServerProfileEntity e) {
        return profile(e, general.publicHost());
    }

    private ServerProfile profile(ServerProfileEntity e, String publicHost) {
        List<Server> servers = StoredServer.read(e.getServers()).stream().map(StoredServer::view).toList();
        ServerProfile.Webhook webhook = null;
        if (publicHost != null && e.getType().equals(Type.CORE.name())) {
            StoredWebhook stored = StoredWebhook.read(e.getWebhook());
            webhook = WebhookChecks.effective(stored == null
                    ? new StoredWebhook(false, null, null, null, null, null, null)
                    : stored, settings.webhookPort(), publicHost);
        }
        return new ServerProfile(e.getId(), e.getName(), Type.valueOf(e.getType()),
                Strategy.valueOf(e.getStrategy()), e.isDefaultProfile(), lines(e.getRecipientDomains()), servers,
                null, e.getSealedApiKey() != null, e.getRule(), e.getTimeoutSeconds(),
                e.getType().equals(Type.CORE.name()) ? maxInFlight(e) : null, webhook);
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> usesOf(String certificateId) {
        List<String> uses = new ArrayList<>(repository.list().stream().map(this::profile).filter(p -> p.servers()
                .stream().anyMatch(s -> certificateId.equals(s.clientCertificateId())))
                .map(p -> "server profile '" + p.name() + "' (client certificate)").toList());
        for (ServerProfileEntity p : repository.list()) {
            StoredWebhook webhook = StoredWebhook.read(p.getWebhook());
            if (webhook != null && webhook.enabled() && certificateId.equals(webhook.certificateId())) {
                uses.add("server profile '" + p.getName() + "' (webhook listener)");
            }
        }
        return uses;
    }

    @Override
    public void replaced(String certificateId) {
        built.clear(); // the next connection presents the renewed client certificate
    }

    /** {@code smtp://host:port?starttls=none|optional|required} or {@code smtps://host:port}. */
    static Server fromBootstrap(URI uri) {
        String encryption = null;
        if (uri.getQuery() != null) {
            for (String parameter : uri.getQuery().split("&")) {
                if (parameter.toLowerCase(Locale.ROOT).startsWith("starttls=")) {
                    encryption = switch (parameter.substring(9).toLowerCase(Locale.ROOT)) {
                        case "none" -> "NONE";
                        case "optional" -> "STARTTLS_OPTIONAL";
                        case "required" -> "STARTTLS_REQUIRED";
                        default -> throw new RefusedException(Reason.INVALID, "moat.downstream.url: starttls="
                                + parameter.substring(9) + " is not none, optional or required");
                    };
                }
            }
        }
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        return new Server(base, encryption, List.of(), true, null, null, false, null);
    }

    private static List<String> lines(String value) {
        return value == null || value.isEmpty() ? List.of() : Arrays.asList(value.split("\n"));
    }

    private static RefusedException notFound(String id) {
        return new RefusedException(Reason.NOT_FOUND, "no server profile with id '" + id + "'");
    }
}
