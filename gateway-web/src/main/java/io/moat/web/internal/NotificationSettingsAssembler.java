package io.moat.web.internal;

import io.moat.settings.notifications.NotificationSettings;
import io.moat.settings.notifications.NotificationSettings.AdminOutcome;
import io.moat.settings.notifications.NotificationSettings.Template;
import io.moat.settings.notifications.NotificationSettings.Templates;
import io.moat.web.NotificationSettingsDto;
import io.moat.web.NotificationSettingsDto.TemplateDto;
import io.moat.web.NotificationSettingsDto.TemplatesDto;
import io.moat.web.ProblemException;
import java.util.ArrayList;
import java.util.List;

/** The notification settings between the API's JSON and the settings: outcomes parsed with the field's name. */
public final class NotificationSettingsAssembler {

    private static final String TITLE = "Invalid notification settings";

    private NotificationSettingsAssembler() {
    }

    /** The settings' input for a body; a wrong outcome is a 400 naming its field. */
    public static NotificationSettings input(NotificationSettingsDto body) {
        if (body == null) {
            throw new ProblemException(400, "Missing body", "Send the notification settings as JSON: {\"from\","
                    + " \"recipient\", \"sender\", \"admins\", \"adminOutcomes\", \"digestMinutes\", \"relayProfile\","
                    + " \"templates\"}.");
        }
        List<AdminOutcome> outcomes = null;
        if (body.adminOutcomes() != null) {
            outcomes = new ArrayList<>();
            for (int i = 0; i < body.adminOutcomes().size(); i++) {
                outcomes.add(EnumValues.parse(AdminOutcome.class, body.adminOutcomes().get(i),
                        "adminOutcomes[" + i + "]", TITLE));
            }
        }
        TemplatesDto t = body.templates();
        return new NotificationSettings(body.from(), body.recipient(), body.sender(), body.admins(), outcomes,
                body.digestMinutes(), body.relayProfile(), t == null
                        ? null
                        : new Templates(template(t.recipient()), template(t.sender()), template(t.admin())));
    }

    public static NotificationSettingsDto dto(NotificationSettings s) {
        Templates t = s.templates();
        return new NotificationSettingsDto(s.from(), s.recipient(), s.sender(), s.admins(),
                s.adminOutcomes().stream().map(Enum::name).toList(), s.digestMinutes(), s.relayProfile(),
                new TemplatesDto(dto(t.recipient()), dto(t.sender()), dto(t.admin())));
    }

    private static Template template(TemplateDto t) {
        return t == null ? null : new Template(t.subject(), t.text(), t.html());
    }

    private static TemplateDto dto(Template t) {
        return new TemplateDto(t.subject(), t.text(), t.html());
    }
}
