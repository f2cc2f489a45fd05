package io.moat.settings.rules;

import io.moat.settings.rules.SecurityRule.Actions;
import io.moat.settings.rules.SecurityRule.Cdr;
import io.moat.settings.rules.SecurityRule.Filter;
import io.moat.settings.rules.SecurityRule.Marks;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/**
 * A rule's {@code definition} column: everything but its name, position and enabled flag, as JSON (JSON-B), the
 * profiles by id. A field that is not set is left out; the migration that made the default rule writes this shape.
 */
public record StoredRule(Filter filter, String coreProfileId, String coreRule, String relayProfileId,
        Boolean scanBody, Actions actions, Marks marks, String scanErrorAfter, Cdr cdr) {

    private static final Jsonb JSON = JsonbBuilder.create();

    static StoredRule read(String json) {
        return JSON.fromJson(json, StoredRule.class);
    }

    String write() {
        return JSON.toJson(this);
    }
}
