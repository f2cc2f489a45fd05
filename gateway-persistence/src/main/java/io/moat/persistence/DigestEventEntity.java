package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * An event the admins are to be told of in their next digest: a message held or failed, with the values the admin
 * template's placeholders take, as JSON the delivery module writes and reads.
 */
@Entity
@Table(name = "moat_notification_digest")
public class DigestEventEntity {

    /** The JSON of an event is at most this long (the column's size). */
    public static final int EVENT_LENGTH = 20000;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "message_id")
    private String messageId;

    @Column(name = "occurred_at")
    private Instant occurredAt;

    private String event;

    protected DigestEventEntity() {
        // for JPA
    }

    /** @throws IllegalArgumentException if {@code event} is longer than {@link #EVENT_LENGTH} */
    public DigestEventEntity(String messageId, Instant occurredAt, String event) {
        if (event.length() > EVENT_LENGTH) {
            throw new IllegalArgumentException("a digest event is at most " + EVENT_LENGTH + " characters");
        }
        this.messageId = messageId;
        this.occurredAt = occurredAt;
        this.event = event;
    }

    public Long getId() {
        return id;
    }

    public String getMessageId() {
        return messageId;
    }

    public Instant getOccurredAt() {
        return occurredAt;
    }

    public String getEvent() {
        return event;
    }
}
