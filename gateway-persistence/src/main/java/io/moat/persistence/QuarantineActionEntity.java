package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One action taken on a quarantined message (release, rescan, forward, download, delete, purge): who, from where,
 * when, and what, in words that never hold a password.
 */
@Entity
@Table(name = "moat_quarantine_action")
public class QuarantineActionEntity {

    static final int DETAIL_LENGTH = 1000;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "message_id")
    private String messageId;

    private String action;

    private String actor;

    @Column(name = "client_address")
    private String clientAddress;

    @Column(name = "acted_at")
    private Instant actedAt;

    private String detail;

    protected QuarantineActionEntity() {
        // for JPA
    }

    public QuarantineActionEntity(String messageId, String action, String actor, String clientAddress,
            Instant actedAt, String detail) {
        this.messageId = messageId;
        this.action = action;
        this.actor = MessageEntity.truncate(actor, 255);
        this.clientAddress = MessageEntity.truncate(clientAddress, 64);
        this.actedAt = actedAt;
        this.detail = MessageEntity.truncate(detail, DETAIL_LENGTH);
    }

    public String getMessageId() {
        return messageId;
    }

    public String getAction() {
        return action;
    }

    public String getActor() {
        return actor;
    }

    public String getClientAddress() {
        return clientAddress;
    }

    public Instant getActedAt() {
        return actedAt;
    }

    public String getDetail() {
        return detail;
    }
}
