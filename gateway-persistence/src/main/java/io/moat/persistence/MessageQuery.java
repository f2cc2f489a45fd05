package io.moat.persistence;

import java.time.Instant;
import java.util.Set;

/**
 * What to look for among messages; every criterion is optional ({@code null} or blank: any). Text criteria match
 * case-insensitively anywhere in the field, {@code rule} (its name) and {@code outcome} exactly ({@link #NO_OUTCOME}:
 * messages with none recorded); {@code receivedFrom} is inclusive, {@code receivedBefore} exclusive; {@code states}
 * (null: any) narrows to those states, as {@code state} does to one.
 */
public record MessageQuery(MessageState state, String sender, String recipient, String subject,
        Instant receivedFrom, Instant receivedBefore, String rule, String outcome, Set<MessageState> states) {

    /** As {@code outcome}: a message with no outcome recorded (set aside before any decision). */
    public static final String NO_OUTCOME = "-";

    public MessageQuery(MessageState state, String sender, String recipient, String subject, Instant receivedFrom,
            Instant receivedBefore, String rule, String outcome) {
        this(state, sender, recipient, subject, receivedFrom, receivedBefore, rule, outcome, null);
    }

    public MessageQuery(MessageState state, String sender, String recipient, String subject, Instant receivedFrom,
            Instant receivedBefore) {
        this(state, sender, recipient, subject, receivedFrom, receivedBefore, null, null);
    }

    public static MessageQuery inState(MessageState state) {
        return new MessageQuery(state, null, null, null, null, null);
    }
}
