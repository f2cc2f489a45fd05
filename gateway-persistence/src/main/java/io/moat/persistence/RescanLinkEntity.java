package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A link to the public rescan page for one held message, known by the SHA-256 of its token (hex): the token is never
 * stored. {@code attempts} counts the passwords tried through it; {@code usedAt} is set once a right one was given.
 */
@Entity
@Table(name = "moat_rescan_link")
public class RescanLinkEntity {

    @Id
    @Column(name = "token_hash")
    private String tokenHash;

    @Column(name = "message_id")
    private String messageId;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "expires_at")
    private Instant expiresAt;

    @Column(name = "used_at")
    private Instant usedAt;

    private int attempts;

    protected RescanLinkEntity() {
        // for JPA
    }

    public RescanLinkEntity(String tokenHash, String messageId, Instant createdAt, Instant expiresAt) {
        this.tokenHash = tokenHash;
        this.messageId = messageId;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    public String getTokenHash() {
        return tokenHash;
    }

    public String getMessageId() {
        return messageId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public Instant getUsedAt() {
        return usedAt;
    }

    public int getAttempts() {
        return attempts;
    }
}
