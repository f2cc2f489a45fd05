package io.moat.delivery.notify;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the placeholders of one notification stand for, each value made safe ({@link NotificationTemplates#safe})
 * when it is taken; kept as JSON for a digest.
 */
public record Values(String id, String sender, String recipient, String subject, String reason, String rule,
        Instant receivedAt, String attachments, String link, Instant expiry) {

    /** At most this many file names are listed; the rest are counted. */
    static final int MAX_ATTACHMENTS = 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    public Values {
        id = NotificationTemplates.safe(id);
        sender = NotificationTemplates.safe(sender);
        recipient = NotificationTemplates.safe(recipient);
        subject = NotificationTemplates.safe(subject);
        reason = NotificationTemplates.safe(reason);
        rule = NotificationTemplates.safe(rule);
        attachments = NotificationTemplates.safe(attachments);
        link = NotificationTemplates.safe(link);
    }

    /** The values of {@code held} for a notification to {@code recipient} (one address, or the list, in words). */
    static Values of(Held held, String recipient, RescanLinks.Link link) {
        return new Values(held.messageId(), held.sender().isEmpty() ? "<> (no sender)" : held.sender(), recipient,
                held.subject() == null || held.subject().isBlank() ? "(no subject)" : held.subject(), held.reason(),
                held.rule(), held.receivedAt(), attachments(held.attachments()),
                link == null ? "" : link.url().toString(), link == null ? null : link.expires());
    }

    /** By placeholder name, as {@link NotificationTemplates#render} takes them. */
    Map<String, String> placeholders() {
        Map<String, String> values = new HashMap<>();
        values.put("id", id);
        values.put("sender", sender);
        values.put("recipient", recipient);
        values.put("subject", subject);
        values.put("reason", reason);
        values.put("rule", rule);
        values.put("receivedAt", receivedAt == null ? "" : TIME.format(receivedAt));
        values.put("attachments", attachments);
        values.put("link", link);
        values.put("expiry", expiry == null ? "" : TIME.format(expiry));
        return values;
    }

    static String time(Instant instant) {
        return TIME.format(instant);
    }

    String json() {
        return Json.JSONB.toJson(this);
    }

    static Values fromJson(String json) {
        return Json.JSONB.fromJson(json, Values.class);
    }

    /** JSON-B, made when a digest first needs it. */
    private static final class Json {
        static final Jsonb JSONB = JsonbBuilder.create();
    }

    private static String attachments(List<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        String listed = String.join(", ", names.subList(0, Math.min(names.size(), MAX_ATTACHMENTS)));
        return names.size() > MAX_ATTACHMENTS ? listed + " and " + (names.size() - MAX_ATTACHMENTS) + " more" : listed;
    }
}
