package io.moat.settings;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The bootstrap settings, from MicroProfile Config: system properties and environment variables alike
 * ({@code moat.data-dir} or {@code MOAT_DATA_DIR}). Every key and its default is listed in the README.
 */
@ApplicationScoped
public class GatewaySettings {

    @Inject
    @ConfigProperty(name = "moat.data-dir", defaultValue = "data")
    String dataDir;

    @Inject
    @ConfigProperty(name = "moat.hostname")
    Optional<String> hostName;

    /** Decrypts an encrypted {@code key.pem}/{@code tls.pem}; never logged. */
    @Inject
    @ConfigProperty(name = "moat.tls.key-passphrase")
    Optional<String> keyPassphrase;

    @Inject
    @ConfigProperty(name = "moat.smtp.port", defaultValue = "2525")
    int smtpPort;

    @Inject
    @ConfigProperty(name = "moat.smtp.bind-address", defaultValue = "0.0.0.0")
    String smtpBindAddress;

    @Inject
    @ConfigProperty(name = "moat.smtp.max-message-size", defaultValue = "52428800")
    long smtpMaxMessageSize;

    @Inject
    @ConfigProperty(name = "moat.webhook.port", defaultValue = "8089")
    int webhookPort;

    @Inject
    @ConfigProperty(name = "moat.webhook.max-connections", defaultValue = "512")
    int webhookMaxConnections;

    @Inject
    @ConfigProperty(name = "moat.http.port", defaultValue = "8080")
    int httpPort;

    @Inject
    @ConfigProperty(name = "moat.https.port", defaultValue = "8443")
    int httpsPort;

    @Inject
    @ConfigProperty(name = "moat.management.port", defaultValue = "9990")
    int managementPort;

    @Inject
    @ConfigProperty(name = "moat.core.url", defaultValue = "http://127.0.0.1:8008")
    String coreUrl;

    @Inject
    @ConfigProperty(name = "moat.core.apikey")
    Optional<String> coreApiKey;

    @Inject
    @ConfigProperty(name = "moat.core.rule")
    Optional<String> coreRule;

    @Inject
    @ConfigProperty(name = "moat.core.timeout", defaultValue = "PT30S")
    Duration coreTimeout;

    @Inject
    @ConfigProperty(name = "moat.downstream.url", defaultValue = "smtp://127.0.0.1:2526")
    String downstreamUrl;

    @Inject
    @ConfigProperty(name = "moat.relay-domains", defaultValue = "example.com")
    List<String> relayDomains;

    @Inject
    @ConfigProperty(name = "moat.trusted-networks")
    Optional<List<String>> trustedNetworks;

    @Inject
    @ConfigProperty(name = "moat.delivery.retry-initial", defaultValue = "PT1M")
    Duration retryInitial;

    @Inject
    @ConfigProperty(name = "moat.delivery.retry-max", defaultValue = "PT1H")
    Duration retryMax;

    @Inject
    @ConfigProperty(name = "moat.delivery.max-lifetime", defaultValue = "P5D")
    Duration maxLifetime;

    @Inject
    @ConfigProperty(name = "moat.node-id", defaultValue = "node-1")
    String nodeId;

    @Inject
    @ConfigProperty(name = "moat.pipeline.lease", defaultValue = "PT10M")
    Duration pipelineLease;

    @Inject
    @ConfigProperty(name = "moat.node.address")
    Optional<String> nodeAddress;

    @Inject
    @ConfigProperty(name = "moat.pipeline.workers", defaultValue = "28")
    int workers;

    @Inject
    @ConfigProperty(name = "moat.pipeline.waiting-max", defaultValue = "5000")
    int waitingMax;

    @Inject
    @ConfigProperty(name = "moat.pipeline.waiting-max-bytes", defaultValue = "67108864")
    long waitingMaxBytes;

    @Inject
    @ConfigProperty(name = "moat.pipeline.max-failed-claims", defaultValue = "3")
    int maxFailedClaims;

    @Inject
    @ConfigProperty(name = "moat.commit.max-batch", defaultValue = "64")
    int commitMaxBatch;

    @Inject
    @ConfigProperty(name = "moat.mime.max-parts", defaultValue = "1000")
    int mimeMaxParts;

    @Inject
    @ConfigProperty(name = "moat.mime.max-depth", defaultValue = "20")
    int mimeMaxDepth;

    @Inject
    @ConfigProperty(name = "moat.mime.max-header-bytes", defaultValue = "65536")
    int mimeMaxHeaderBytes;

    @Inject
    @ConfigProperty(name = "moat.mime.max-decoded-bytes", defaultValue = "134217728")
    long mimeMaxDecodedBytes;

    /** The largest sanitized file (Deep CDR) taken from Core to replace an attachment, in bytes. */
    @Inject
    @ConfigProperty(name = "moat.cdr.max-bytes", defaultValue = "67108864")
    long cdrMaxBytes;

    @Inject
    @ConfigProperty(name = "moat.scan.max-attempts", defaultValue = "3")
    int scanMaxAttempts;

    @Inject
    @ConfigProperty(name = "moat.scan.max-time", defaultValue = "P1D")
    Duration scanMaxTime;

    /** How often the retention purge runs (its times are Settings › Retention). */
    @Inject
    @ConfigProperty(name = "moat.retention.interval", defaultValue = "PT1H")
    Duration retentionInterval;

    /** How often a quarantined message may be rescanned with passwords (wrong ones included). */
    @Inject
    @ConfigProperty(name = "moat.quarantine.max-password-rescans", defaultValue = "10")
    int maxPasswordRescans;

    /**
     * How long the public rescan page waits for the pipeline's decision after a recipient gave passwords, before it
     * says to come back later (the request's thread waits that long).
     */
    @Inject
    @ConfigProperty(name = "moat.rescan.result-wait", defaultValue = "PT20S")
    Duration rescanResultWait;

    /** How many rescan page requests may wait for a decision at once; more are told to come back later at once. */
    @Inject
    @ConfigProperty(name = "moat.rescan.max-waiting", defaultValue = "8")
    int rescanMaxWaiting;

    public Path dataDirectory() {
        return Path.of(dataDir).toAbsolutePath();
    }

    private String resolvedHostName;

    /** The name this gateway gives itself in greetings and Received: headers (looked up once). */
    public synchronized String hostName() {
        if (resolvedHostName == null) {
            resolvedHostName = hostName.filter(h -> !h.isBlank()).orElseGet(() -> {
                try {
                    return InetAddress.getLocalHost().getCanonicalHostName();
                } catch (UnknownHostException e) {
                    return "localhost";
                }
            });
        }
        return resolvedHostName;
    }

    /** The passphrase of an encrypted digital ID key, or null. */
    public char[] keyPassphrase() {
        return keyPassphrase.filter(p -> !p.isEmpty()).map(String::toCharArray).orElse(null);
    }

    /** Bootstrap: the port of the endpoint 'default' created on a first start. */
    public int smtpPort() {
        return smtpPort;
    }

    public String smtpBindAddress() {
        return smtpBindAddress;
    }

    public long smtpMaxMessageSize() {
        return smtpMaxMessageSize;
    }

    /** {@code moat.hostname} when set, else null (the local host name is looked up where needed). */
    public String configuredHostName() {
        return hostName.filter(h -> !h.isBlank()).orElse(null);
    }

    public int webhookPort() {
        return webhookPort;
    }

    /** The most connections the webhook listener holds at once (configure-moat.cli reads the same key). */
    public int webhookMaxConnections() {
        return webhookMaxConnections;
    }

    public int httpPort() {
        return httpPort;
    }

    public int httpsPort() {
        return httpsPort;
    }

    /** The server's own management port on the loopback address (console HTTPS is switched through it). */
    public int managementPort() {
        return managementPort;
    }

    public URI coreUri() {
        return URI.create(coreUrl);
    }

    public String coreApiKey() {
        return coreApiKey.orElse(null);
    }

    public String coreRule() {
        return coreRule.filter(r -> !r.isBlank()).orElse(null);
    }

    public Duration coreTimeout() {
        return coreTimeout;
    }

    public URI downstreamUri() {
        return URI.create(downstreamUrl);
    }

    public List<String> relayDomains() {
        return relayDomains;
    }

    public List<String> trustedNetworks() {
        return trustedNetworks.orElse(List.of());
    }

    public Duration retryInitial() {
        return retryInitial;
    }

    public Duration retryMax() {
        return retryMax;
    }

    public Duration maxLifetime() {
        return maxLifetime;
    }

    public int workers() {
        return Math.max(1, workers);
    }

    /** The longest node id: its leases are {@code <id>/<uuid>} in 64 characters. */
    static final int NODE_ID_MAX = 24;
    /** The shortest lease: a message's run (a Core round trip, a delivery) must fit well inside one. */
    static final Duration LEASE_MIN = Duration.ofSeconds(10);

    /**
     * This node's name among the nodes sharing a database ({@code MOAT_NODE_ID}): letters, digits, {@code .} and
     * {@code -}, at most {@value #NODE_ID_MAX} characters, so that its leases ({@code <id>/...}) are told apart from
     * every other node's and fit their column.
     *
     * @throws IllegalStateException if it is not such a name
     */
    public String nodeId() {
        return checkedNodeId(nodeId);
    }

    static String checkedNodeId(String id) {
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9.-]{0," + (NODE_ID_MAX - 1) + "}")) {
            throw new IllegalStateException("moat.node-id (MOAT_NODE_ID) must be 1 to " + NODE_ID_MAX + " letters,"
                    + " digits, '.' or '-', starting with a letter or digit; it is '" + id + "'");
        }
        return id;
    }

    /**
     * How long a node holds a message it works on ({@code moat.pipeline.lease}, default 10 minutes): when a node dies,
     * the others take its messages over once their leases run out.
     *
     * @throws IllegalStateException if it is shorter than {@link #LEASE_MIN}
     */
    public Duration pipelineLease() {
        return checkedLease(pipelineLease);
    }

    /**
     * This node's address ({@code MOAT_NODE_ADDRESS}), when it has one: it takes the place of the wildcard address for
     * the SMTP endpoints and the webhook listener (configure-moat.cli does so for the console's and the management
     * interfaces), so that several nodes on one machine serve the same ports each on its own address.
     */
    public Optional<String> nodeAddress() {
        return nodeAddress.map(String::strip).filter(a -> !a.isEmpty());
    }

    /**
     * The address a listener configured with {@code configured} binds to on this node: the node's address in place
     * of a wildcard ({@code 0.0.0.0}, {@code ::}) or of none (null stays null without a node address).
     */
    public String bindAddress(String configured) {
        Optional<String> node = nodeAddress();
        if (node.isPresent() && (configured == null || isWildcard(configured))) {
            return node.get();
        }
        return configured;
    }

    static boolean isWildcard(String address) {
        String a = address.strip();
        return a.isEmpty() || a.equals("0.0.0.0") || a.equals("::") || a.equals("::0") || a.equals("[::]");
    }

    /** Where this node's management interface is: on its node address, else on the loopback address. */
    public InetAddress managementAddress() {
        Optional<String> node = nodeAddress();
        if (node.isEmpty()) {
            return InetAddress.getLoopbackAddress();
        }
        try {
            return InetAddress.getByName(node.get());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("moat.node.address (MOAT_NODE_ADDRESS) '" + node.get() + "' is not an"
                    + " address of this machine: " + e.getMessage(), e);
        }
    }

    static Duration checkedLease(Duration lease) {
        if (lease == null || lease.compareTo(LEASE_MIN) < 0) {
            throw new IllegalStateException("moat.pipeline.lease must be at least " + LEASE_MIN + " (ISO-8601, e.g."
                    + " PT10M); it is " + lease);
        }
        return lease;
    }

    /**
     * Messages whose files are at Core this node keeps in memory between their checks rather than record and claim
     * again (ADR 0041); 0 keeps none.
     */
    public int waitingMax() {
        return Math.max(0, waitingMax);
    }

    /** Decoded parts, in bytes, the messages kept in memory while they wait for Core may hold in all. */
    public long waitingMaxBytes() {
        return Math.max(0, waitingMaxBytes);
    }

    /** Failed claims of one message in a row before it is set aside (QUARANTINED). */
    public int maxFailedClaims() {
        return Math.max(1, maxFailedClaims);
    }

    /**
     * Works (intake records, pipeline results) one shared transaction of the group commit carries at most, 1 to
     * 1,000; 1 gives each caller a transaction of its own while the write to the disk is still shared (ADR 31's A/B).
     */
    public int commitMaxBatch() {
        return Math.max(1, Math.min(1000, commitMaxBatch));
    }

    /** MIME entities per message before it is quarantined as not fully inspected. */
    public int mimeMaxParts() {
        return mimeMaxParts;
    }

    /** Nesting of multiparts and forwarded messages taken apart. */
    public int mimeMaxDepth() {
        return mimeMaxDepth;
    }

    /** Bytes of one entity's header section. */
    public int mimeMaxHeaderBytes() {
        return mimeMaxHeaderBytes;
    }

    /** Bytes of decoded content per message. */
    public long mimeMaxDecodedBytes() {
        return mimeMaxDecodedBytes;
    }

    /**
     * The largest sanitized file (bytes, {@code moat.cdr.max-bytes}, 64 MiB by default) the gateway downloads from
     * Core to put in an attachment's place; a larger one is a failed sanitization (the rule's {@code onFailure}).
     */
    public long cdrMaxBytes() {
        return Math.max(1, cdrMaxBytes);
    }

    /** How often a file whose scan failed is submitted to Core, in all, before the message fails. */
    public int scanMaxAttempts() {
        return Math.max(1, scanMaxAttempts);
    }

    /** The longest a message may wait for its verdicts (Core down, busy or failing) before it fails. */
    public Duration scanMaxTime() {
        return scanMaxTime;
    }

    public Duration retentionInterval() {
        return retentionInterval.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retentionInterval;
    }

    public int maxPasswordRescans() {
        return Math.max(1, maxPasswordRescans);
    }

    /** {@code moat.rescan.result-wait}, within 0 (no wait) and one minute. */
    public Duration rescanResultWait() {
        if (rescanResultWait.isNegative()) {
            return Duration.ZERO;
        }
        return rescanResultWait.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : rescanResultWait;
    }

    /** {@code moat.rescan.max-waiting}, at least 0 (none waits). */
    public int rescanMaxWaiting() {
        return Math.max(0, rescanMaxWaiting);
    }
}
