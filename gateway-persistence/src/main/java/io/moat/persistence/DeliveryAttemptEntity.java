package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/** One attempt to hand a message to the downstream server, and the server's answer. */
@Entity
@Table(name = "moat_delivery_attempt")
public class DeliveryAttemptEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "message_id")
    private MessageEntity message;

    @Column(name = "attempted_at")
    private Instant attemptedAt;

    private String server;

    /** DELIVERED, DEFERRED or FAILED. */
    private String outcome;

    private String reply;

    @Column(name = "tls_protocol")
    private String tlsProtocol;

    @Column(name = "tls_cipher")
    private String tlsCipher;

    protected DeliveryAttemptEntity() {
        // for JPA
    }

    DeliveryAttemptEntity(MessageEntity message, Instant attemptedAt, String server, String outcome, String reply) {
        this.message = message;
        this.attemptedAt = attemptedAt;
        this.server = server;
        this.outcome = outcome;
        this.reply = reply;
    }

    public Long getId() {
        return id;
    }

    public Instant getAttemptedAt() {
        return attemptedAt;
    }

    public String getServer() {
        return server;
    }

    public String getOutcome() {
        return outcome;
    }

    public String getReply() {
        return reply;
    }

    /** The TLS version of the connection that carried the attempt, or null for clear text. */
    public String getTlsProtocol() {
        return tlsProtocol;
    }

    public String getTlsCipher() {
        return tlsCipher;
    }

    void tls(String protocol, String cipher) {
        this.tlsProtocol = protocol;
        this.tlsCipher = cipher;
    }
}
