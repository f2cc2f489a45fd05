package io.moat.settings.profiles;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.List;

/**
 * A Core profile's webhook settings as stored in its {@code webhook} column (JSON-B), checked ({@link WebhookChecks});
 * a null field takes its default when used, so that a default changed later applies to profiles that kept it.
 *
 * @param certificateId the stored certificate the listener serves; null: plain HTTP
 */
public record StoredWebhook(boolean enabled, String bindAddress, Integer port, String publicUrl, String certificateId,
        List<String> protocols, Integer fallbackPollSeconds) {

    private static final Jsonb JSON = JsonbBuilder.create();

    public StoredWebhook {
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
    }

    static StoredWebhook read(String json) {
        return json == null || json.isEmpty() ? null : JSON.fromJson(json, StoredWebhook.class);
    }

    String write() {
        return JSON.toJson(this);
    }
}
