package io.moat.delivery.notify;

import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageState;
import io.moat.settings.notifications.NotificationSettings.AdminOutcome;
import java.time.Instant;
import java.util.List;

/**
 * A message the pipeline has just held (BLOCKED, PASSWORD_REQUIRED, QUARANTINED) or failed for want of a verdict
 * (FAILED with the outcome SCAN_ERROR: its sender gets a DSN, so only the admins are told): what a notification about
 * it may say.
 *
 * @param sender             the envelope sender, empty for the null sender
 * @param recipients         the recipients it was not delivered to
 * @param rule               the security rule's name
 * @param ruleRelayProfileId the rule's SMTP profile (null: routing by domain)
 * @param reason             why, as the record says it (the scan's summary)
 * @param attachments        the file names of its attachments (not its text bodies)
 */
public record Held(String messageId, MessageKind kind, MessageState state, String sender, List<String> recipients,
        String subject, String rule, String ruleRelayProfileId, AdminOutcome outcome, String reason,
        Instant receivedAt, List<String> attachments) {

    public Held {
        recipients = List.copyOf(recipients);
        attachments = List.copyOf(attachments);
    }

    /** Whether the message is held (its recipients and sender may be told), rather than failed (only the admins). */
    public boolean isHeld() {
        return state == MessageState.BLOCKED || state == MessageState.PASSWORD_REQUIRED
                || state == MessageState.QUARANTINED;
    }
}
