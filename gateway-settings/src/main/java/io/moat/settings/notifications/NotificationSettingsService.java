package io.moat.settings.notifications;

import io.moat.persistence.SettingRepository;
import io.moat.settings.ChangesSettings;
import io.moat.settings.GatewaySettings;
import io.moat.settings.SettingNames;
import io.moat.settings.notifications.NotificationSettings.Kind;
import io.moat.settings.notifications.NotificationSettings.Template;
import io.moat.settings.notifications.NotificationSettings.Templates;
import io.moat.settings.profiles.ProfileUsage;
import io.moat.settings.profiles.ServerProfile.Type;
import io.moat.settings.profiles.ServerProfileService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Settings &gt; Notifications, kept as one JSON document in {@code moat_setting}. Read each time it is needed (a
 * notification is rare: a held message), so that a change applies to the next one on every node.
 */
@ApplicationScoped
@Transactional
public class NotificationSettingsService implements ProfileUsage {

    /** The length of the column the settings are stored in (V16's {@code setting_value}). */
    static final int MAX_STORED = 200_000;

    private static final Logger LOG = Logger.getLogger(NotificationSettingsService.class.getName());
    static final String SETTING = "notifications";

    @Inject
    SettingRepository settings;

    @Inject
    ServerProfileService profiles;

    @Inject
    GatewaySettings gateway;

    /**
     * What the pipeline applies: the settings with every default filled in, and the relay profile by id (null: the
     * held message's rule's, else routing by domain).
     */
    public record Applied(NotificationSettings settings, String relayProfileId) {
    }

    /** As the admin sees them: every default filled in, the relay profile by name. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public NotificationSettings get() {
        Applied applied = applied();
        NotificationSettings s = applied.settings();
        return new NotificationSettings(s.from(), s.recipient(), s.sender(), s.admins(), s.adminOutcomes(),
                s.digestMinutes(), applied.relayProfileId() == null
                        ? null
                        : profiles.nameOf(applied.relayProfileId()).orElse(applied.relayProfileId()),
                s.templates());
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Applied applied() {
        StoredNotifications stored = settings.get(SETTING).map(StoredNotifications::read)
                .orElseGet(() -> new StoredNotifications(null, null, null, null, null, null, null, null));
        return new Applied(new NotificationSettings(NotificationChecks.from(stored.from(), gateway.hostName()),
                stored.recipient() == null || stored.recipient(), stored.sender() != null && stored.sender(),
                NotificationChecks.admins(stored.admins()), NotificationChecks.adminOutcomes(stored.adminOutcomes()),
                NotificationChecks.digestMinutes(stored.digestMinutes()), stored.relayProfileId(),
                NotificationChecks.templates(stored.templates())), stored.relayProfileId());
    }

    /** Checks and stores {@code input} (null fields take their defaults); answers what is now in effect. */
    @ChangesSettings
    public NotificationSettings put(NotificationSettings input) {
        if (input == null) {
            throw SettingNames.invalid("send the notification settings as JSON: {\"from\", \"recipient\","
                    + " \"sender\", \"admins\", \"adminOutcomes\", \"digestMinutes\", \"relayProfile\", \"templates\"}");
        }
        String from = input.from() == null || input.from().isBlank()
                ? null
                : NotificationChecks.address(input.from(), "from");
        String defaultFrom = NotificationChecks.from(null, gateway.hostName());
        Templates templates = NotificationChecks.templates(input.templates());
        StoredNotifications stored = new StoredNotifications(Objects.equals(from, defaultFrom) ? null : from,
                input.recipient() == null || input.recipient(), input.sender() != null && input.sender(),
                NotificationChecks.admins(input.admins()), NotificationChecks.adminOutcomes(input.adminOutcomes()),
                NotificationChecks.digestMinutes(input.digestMinutes()), relayProfile(input.relayProfile()),
                new Templates(differing(templates.recipient(), Kind.RECIPIENT),
                        differing(templates.sender(), Kind.SENDER), differing(templates.admin(), Kind.ADMIN)));
        String written = stored.write();
        if (written.length() > MAX_STORED) {
            // each template is bounded, but all of them at their bounds would not fit the column (V16)
            throw SettingNames.invalid("templates: the settings are " + written.length() + " characters as stored,"
                    + " more than " + MAX_STORED + "; shorten the HTML templates");
        }
        settings.put(SETTING, written);
        NotificationSettings now = get();
        LOG.info(() -> "notification settings changed: recipients " + (now.recipient() ? "told" : "not told")
                + ", senders " + (now.sender() ? "told" : "not told") + ", " + now.admins().size() + " admins of "
                + now.adminOutcomes() + (now.digestMinutes() == 0 ? "" : " every " + now.digestMinutes() + " min"));
        return now;
    }

    /** The template each kind has when the admin sets none. */
    public Template defaultTemplate(Kind kind) {
        return NotificationChecks.defaults(kind);
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> usesOfProfile(String profileId) {
        return profileId.equals(applied().relayProfileId())
                ? List.of("the notifications (Settings > Notifications)")
                : List.of();
    }

    private String relayProfile(String nameOrId) {
        if (nameOrId == null || nameOrId.isBlank()) {
            return null;
        }
        return profiles.idOf(nameOrId.strip(), Type.SMTP).orElseThrow(() -> SettingNames.invalid("relayProfile: no"
                + " SMTP server profile named '" + nameOrId + "' (see /api/v1/server-profiles)"));
    }

    /** The fields of {@code t} that are not the default (null where they are), or null if none differs. */
    private static Template differing(Template t, Kind kind) {
        Template d = NotificationChecks.defaults(kind);
        String subject = t.subject().equals(d.subject()) ? null : t.subject();
        String text = same(t.text(), d.text()) ? null : t.text();
        String html = same(t.html(), d.html()) ? null : t.html();
        return subject == null && text == null && html == null ? null : new Template(subject, text, html);
    }

    /** Equal but for line ends (a browser's form sends CRLF) and trailing white space. */
    private static boolean same(String a, String b) {
        return a.replace("\r\n", "\n").strip().equals(b.replace("\r\n", "\n").strip());
    }
}
