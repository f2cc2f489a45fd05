package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A server profile as stored: its servers are a JSON list (with sealed passwords), its API key sealed. The
 * application owns both formats; this entity only keeps them.
 */
@Entity
@Table(name = "moat_server_profile")
public class ServerProfileEntity {

    @Id
    private String id;

    private String name;

    @Column(name = "profile_type")
    private String type;

    private String strategy;

    @Column(name = "default_profile")
    private boolean defaultProfile;

    @Column(name = "recipient_domains")
    private String recipientDomains;

    private String servers;

    @Column(name = "sealed_apikey")
    private String sealedApiKey;

    @Column(name = "rule_name")
    private String rule;

    @Column(name = "timeout_seconds")
    private Integer timeoutSeconds;

    /** A Core profile's webhook settings as JSON; null: callbacks off. */
    private String webhook;

    /** A Core profile's files in flight per server; null: the default. */
    @Column(name = "max_in_flight")
    private Integer maxInFlight;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    @Version
    private long version;

    protected ServerProfileEntity() {
        // for JPA
    }

    public ServerProfileEntity(String id, String type, Instant now) {
        this.id = id;
        this.type = type;
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** Replaces every field but id and type (create and update replace the whole profile). */
    public void set(String name, String strategy, boolean defaultProfile, String recipientDomains, String servers,
            String sealedApiKey, String rule, Integer timeoutSeconds, Instant now) {
        this.name = name;
        this.strategy = strategy;
        this.defaultProfile = defaultProfile;
        this.recipientDomains = recipientDomains;
        this.servers = servers;
        this.sealedApiKey = sealedApiKey;
        this.rule = rule;
        this.timeoutSeconds = timeoutSeconds;
        this.updatedAt = now;
    }

    public Integer getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(Integer maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public String getWebhook() {
        return webhook;
    }

    public void setWebhook(String webhook) {
        this.webhook = webhook;
    }

    public void setDefaultProfile(boolean defaultProfile) {
        this.defaultProfile = defaultProfile;
    }

    public String getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public String getType() {
        return type;
    }

    public String getStrategy() {
        return strategy;
    }

    public boolean isDefaultProfile() {
        return defaultProfile;
    }

    public String getRecipientDomains() {
        return recipientDomains;
    }

    public String getServers() {
        return servers;
    }

    public String getSealedApiKey() {
        return sealedApiKey;
    }

    public String getRule() {
        return rule;
    }

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public long getVersion() {
        return version;
    }

    @Override
    public String toString() {
        return "ServerProfileEntity[" + id + ", " + name + ", " + type + "]"; // never the sealed secrets
    }
}
