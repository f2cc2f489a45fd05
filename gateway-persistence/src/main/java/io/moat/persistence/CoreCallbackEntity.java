package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A callback Core may make for one submitted file: the SHA-256 (hex) of the token in its {@code callbackurl}, the
 * message and Core's {@code data_id} it is for, and until when it is accepted.
 */
@Entity
@Table(name = "moat_core_callback")
public class CoreCallbackEntity {

    @Id
    @Column(name = "token_hash")
    private String tokenHash;

    @Column(name = "message_id")
    private String messageId;

    @Column(name = "data_id")
    private String dataId;

    @Column(name = "expires_at")
    private Instant expiresAt;

    protected CoreCallbackEntity() {
    }

    public CoreCallbackEntity(String tokenHash, String messageId, String dataId, Instant expiresAt) {
        this.tokenHash = tokenHash;
        this.messageId = messageId;
        this.dataId = dataId;
        this.expiresAt = expiresAt;
    }

    public String getTokenHash() {
        return tokenHash;
    }

    public String getMessageId() {
        return messageId;
    }

    public String getDataId() {
        return dataId;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }
}
