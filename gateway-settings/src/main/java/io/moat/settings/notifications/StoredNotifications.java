package io.moat.settings.notifications;

import io.moat.settings.notifications.NotificationSettings.AdminOutcome;
import io.moat.settings.notifications.NotificationSettings.Templates;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.List;

/**
 * The notification settings as stored in {@code moat_setting} (JSON-B): the relay profile by id; a template field
 * equal to its default, and the default sender address, are not stored, so that they follow the defaults of a later
 * release. Public, as JSON-B binds only what it may see from its own module.
 */
public record StoredNotifications(String from, Boolean recipient, Boolean sender, List<String> admins,
        List<AdminOutcome> adminOutcomes, Integer digestMinutes, String relayProfileId, Templates templates) {

    private static final Jsonb JSON = JsonbBuilder.create();

    static StoredNotifications read(String json) {
        return JSON.fromJson(json, StoredNotifications.class);
    }

    String write() {
        return JSON.toJson(this);
    }
}
