package io.moat.persistence;

import java.time.Instant;

/**
 * What to look for among messages; every criterion is optional ({@code null} or blank: any). Text criteria match
 * case-insensitively anywhere in the field, {@code rule} (its name) and {@code outcome} exactly; {@code receivedFrom} is inclusive, {@code receivedBefore} exclusive.
 */
public record MessageQuery(MessageState state, String sender, String recipient, String subject,
        Instant receivedFrom, Instant receivedBefore, String rule, String outcome) {

    public MessageQuery(MessageState state, String sender, String recipient, String subject, Instant receivedFrom,
            Instant receivedBefore) {
        this(state, sender, recipient, subject, receivedFrom, receivedBefore, null, null);
    }

    public static MessageQuery inState(MessageState state) {
        return new MessageQuery(state, null, null, null, null, null);
    }
}
