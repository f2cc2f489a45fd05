package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** One inbound SMTP endpoint as stored; lists are kept one entry per line. */
@Entity
@Table(name = "moat_smtp_endpoint")
public class SmtpEndpointEntity {

    @Id
    private String id;

    private String name;

    @Column(name = "bind_address")
    private String bindAddress;

    private int port;

    private String encryption;

    @Column(name = "certificate_id")
    private String certificateId;

    private String protocols;

    @Column(name = "cipher_suites")
    private String cipherSuites;

    private String greeting;

    @Column(name = "max_message_size")
    private long maxMessageSize;

    @Column(name = "max_connections")
    private int maxConnections;

    @Column(name = "idle_timeout_seconds")
    private int idleTimeoutSeconds;

    @Column(name = "max_connections_per_client")
    private int maxConnectionsPerClient;

    @Column(name = "session_timeout_seconds")
    private int sessionTimeoutSeconds;

    @Column(name = "min_data_rate")
    private int minDataRate;

    @Column(name = "max_discard_size")
    private long maxDiscardSize;

    @Column(name = "relay_domains")
    private String relayDomains;

    @Column(name = "trusted_networks")
    private String trustedNetworks;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    @Version
    private long version;

    protected SmtpEndpointEntity() {
        // for JPA
    }

    public SmtpEndpointEntity(String id, Instant now) {
        this.id = id;
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** Sets every field at once (create and update replace the whole endpoint). */
    public void set(String name, String bindAddress, int port, String encryption, String certificateId,
            List<String> protocols, List<String> cipherSuites, String greeting, long maxMessageSize,
            int maxConnections, int idleTimeoutSeconds, int maxConnectionsPerClient, int sessionTimeoutSeconds,
            int minDataRate, long maxDiscardSize, List<String> relayDomains, List<String> trustedNetworks,
            Instant now) {
        this.name = name;
        this.bindAddress = bindAddress;
        this.port = port;
        this.encryption = encryption;
        this.certificateId = certificateId;
        this.protocols = join(protocols);
        this.cipherSuites = join(cipherSuites);
        this.greeting = greeting;
        this.maxMessageSize = maxMessageSize;
        this.maxConnections = maxConnections;
        this.idleTimeoutSeconds = idleTimeoutSeconds;
        this.maxConnectionsPerClient = maxConnectionsPerClient;
        this.sessionTimeoutSeconds = sessionTimeoutSeconds;
        this.minDataRate = minDataRate;
        this.maxDiscardSize = maxDiscardSize;
        this.relayDomains = join(relayDomains);
        this.trustedNetworks = join(trustedNetworks);
        this.updatedAt = now;
    }

    private static String join(List<String> values) {
        return values == null || values.isEmpty() ? null : String.join("\n", values);
    }

    private static List<String> split(String value) {
        return value == null || value.isEmpty() ? List.of() : Arrays.asList(value.split("\n"));
    }

    public String getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public String getBindAddress() {
        return bindAddress;
    }

    public int getPort() {
        return port;
    }

    public String getEncryption() {
        return encryption;
    }

    public String getCertificateId() {
        return certificateId;
    }

    public List<String> getProtocols() {
        return split(protocols);
    }

    public List<String> getCipherSuites() {
        return split(cipherSuites);
    }

    public String getGreeting() {
        return greeting;
    }

    public long getMaxMessageSize() {
        return maxMessageSize;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public int getIdleTimeoutSeconds() {
        return idleTimeoutSeconds;
    }

    public int getMaxConnectionsPerClient() {
        return maxConnectionsPerClient;
    }

    public int getSessionTimeoutSeconds() {
        return sessionTimeoutSeconds;
    }

    public int getMinDataRate() {
        return minDataRate;
    }

    public long getMaxDiscardSize() {
        return maxDiscardSize;
    }

    public List<String> getRelayDomains() {
        return split(relayDomains);
    }

    public List<String> getTrustedNetworks() {
        return split(trustedNetworks);
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
