package io.moat.delivery.notify;

import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageState;
import java.time.Instant;
import java.util.List;

/**
 * A notification written to the spool (under {@code id}) and waiting to be recorded: a message of the gateway's own,
 * sent with the null reverse path (RFC 3834 3.3: nothing answers or bounces to it), through {@code relayProfileId}
 * (null: the profile routing each recipient's domain).
 *
 * @param about    what it is, for the record's summary ("recipient notice about message ...")
 * @param eightBit whether it holds an octet above 127 (a UTF-8 address), so that it is declared {@code 8BITMIME}
 */
public record Notification(String id, long size, List<String> recipients, String subject, String relayProfileId,
        boolean eightBit, String about) {

    public Notification {
        recipients = List.copyOf(recipients);
    }

    /** Its record: kind NOTIFICATION, QUEUED, never scanned. */
    public MessageEntity record(Instant now) {
        MessageEntity message = new MessageEntity(id, MessageKind.NOTIFICATION, "", recipients, id, size, now);
        message.setSubject(subject);
        message.setScanSummary(about + "; not scanned");
        message.setMailParameters(false, eightBit);
        message.setRelayProfile(relayProfileId);
        message.moveTo(MessageState.QUEUED, now);
        return message;
    }
}
