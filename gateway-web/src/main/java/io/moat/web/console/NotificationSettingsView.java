package io.moat.web.console;

import io.moat.settings.RefusedException;
import io.moat.settings.notifications.NotificationSettings;
import io.moat.settings.notifications.NotificationSettings.AdminOutcome;
import io.moat.settings.notifications.NotificationSettings.Template;
import io.moat.settings.notifications.NotificationSettings.Templates;
import io.moat.settings.notifications.NotificationSettingsService;
import io.moat.settings.profiles.ServerProfile;
import io.moat.settings.profiles.ServerProfile.Type;
import io.moat.settings.profiles.ServerProfileService;
import io.moat.web.internal.TextLists;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Settings &gt; Notifications: who is told by mail when a message is held, from which address, through which SMTP
 * profile, and the templates of each kind. Saved through {@link NotificationSettingsService}, which checks it and
 * names the field it refuses; the refusal is shown next to that field.
 */
@Named("notifications")
@RequestScoped
public class NotificationSettingsView {

    private static final String FORM = "notifications-form:";
    /** The settings' field names (as refusals start) and the inputs they are typed into. */
    private static final Map<String, String> INPUTS = Map.ofEntries(Map.entry("from", "from"),
            Map.entry("admins", "admins"), Map.entry("adminOutcomes", "admin-outcomes"),
            Map.entry("digestMinutes", "digest-minutes"), Map.entry("relayProfile", "relay-profile"),
            Map.entry("templates.recipient.subject", "recipient-subject"),
            Map.entry("templates.recipient.text", "recipient-text"),
            Map.entry("templates.recipient.html", "recipient-html"),
            Map.entry("templates.sender.subject", "sender-subject"), Map.entry("templates.sender.text", "sender-text"),
            Map.entry("templates.sender.html", "sender-html"), Map.entry("templates.admin.subject", "admin-subject"),
            Map.entry("templates.admin.text", "admin-text"), Map.entry("templates.admin.html", "admin-html"));

    @Inject
    NotificationSettingsService service;

    @Inject
    ServerProfileService profiles;

    private String from;
    private boolean recipient;
    private boolean sender;
    private String admins;
    private List<String> adminOutcomes = new ArrayList<>();
    private Integer digestMinutes;
    private String relayProfile;
    private final TemplateFields recipientTemplate = new TemplateFields();
    private final TemplateFields senderTemplate = new TemplateFields();
    private final TemplateFields adminTemplate = new TemplateFields();

    /** One kind's template as typed: an empty field is the default. */
    public static final class TemplateFields {
        private String subject;
        private String text;
        private String html;

        void load(Template t) {
            subject = t.subject();
            text = t.text();
            html = t.html();
        }

        Template template() {
            return new Template(TextLists.stripped(subject), blankIsNull(text), blankIsNull(html));
        }

        public String getSubject() {
            return subject;
        }

        public void setSubject(String subject) {
            this.subject = subject;
        }

        public String getText() {
            return text;
        }

        public void setText(String text) {
            this.text = text;
        }

        public String getHtml() {
            return html;
        }

        public void setHtml(String html) {
            this.html = html;
        }
    }

    @PostConstruct
    void load() {
        NotificationSettings s = service.get();
        from = s.from();
        recipient = s.recipient();
        sender = s.sender();
        admins = TextLists.lines(s.admins());
        adminOutcomes = new ArrayList<>(s.adminOutcomes().stream().map(Enum::name).toList());
        digestMinutes = s.digestMinutes();
        relayProfile = s.relayProfile() == null ? "" : s.relayProfile();
        recipientTemplate.load(s.templates().recipient());
        senderTemplate.load(s.templates().sender());
        adminTemplate.load(s.templates().admin());
    }

    @AdminOnly
    public String save() {
        try {
            NotificationSettings saved = service.put(new NotificationSettings(TextLists.stripped(from), recipient,
                    sender, TextLists.entries(admins), adminOutcomes.stream().map(AdminOutcome::valueOf).toList(),
                    digestMinutes, TextLists.stripped(relayProfile), new Templates(recipientTemplate.template(),
                            senderTemplate.template(), adminTemplate.template())));
            Feedback.done("Saved. The next held message is told of from " + saved.from() + (saved.admins().isEmpty()
                    ? "; no admin is told."
                    : "; " + saved.admins().size() + " admin address(es) are told" + (saved.digestMinutes() == 0
                            ? " of each."
                            : " in a digest at most every " + saved.digestMinutes() + " minutes.")));
        } catch (RefusedException e) {
            Feedback.refused(inputOf(e.getMessage()), e);
            return null;
        }
        Feedback.keepOverRedirect();
        return FacesContext.getCurrentInstance().getViewRoot().getViewId() + "?faces-redirect=true";
    }

    /** The client id of the input a refusal names ({@code admins[2]: ...} is the admins' text area); null: none. */
    static String inputOf(String message) {
        if (message == null) {
            return null;
        }
        int colon = message.indexOf(':');
        String field = colon < 0 ? message : message.substring(0, colon);
        int bracket = field.indexOf('[');
        String input = INPUTS.get(bracket < 0 ? field : field.substring(0, bracket));
        return input == null ? null : FORM + input;
    }

    /** The outcomes the admins may be told of, for the check boxes. */
    public List<String> getOutcomeChoices() {
        return List.of(AdminOutcome.values()).stream().map(Enum::name).toList();
    }

    /** An outcome in words. */
    public String outcomeLabel(String outcome) {
        return switch (outcome) {
            case "BLOCKED" -> "Blocked (infected, suspicious)";
            case "ENCRYPTED" -> "Encrypted (held for a password, or blocked)";
            case "SCAN_ERROR" -> "Scan error (no verdict in time)";
            case "UNINSPECTED" -> "Could not be inspected within the limits";
            case "PROCESSING_FAILED" -> "Processing failed again and again";
            default -> outcome;
        };
    }

    /** The names of the SMTP profiles notifications may go through. */
    public List<String> getSmtpProfiles() {
        return profiles.list().stream().filter(p -> p.type() == Type.SMTP).map(ServerProfile::name).toList();
    }

    /** The placeholders in words, for the templates' hint. */
    public String getPlaceholders() {
        return String.join(" ", NotificationSettings.PLACEHOLDERS.stream().map(p -> "{" + p + "}").toList());
    }

    private static String blankIsNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    public String getFrom() {
        return from;
    }

    public void setFrom(String from) {
        this.from = from;
    }

    public boolean isRecipient() {
        return recipient;
    }

    public void setRecipient(boolean recipient) {
        this.recipient = recipient;
    }

    public boolean isSender() {
        return sender;
    }

    public void setSender(boolean sender) {
        this.sender = sender;
    }

    public String getAdmins() {
        return admins;
    }

    public void setAdmins(String admins) {
        this.admins = admins;
    }

    public List<String> getAdminOutcomes() {
        return adminOutcomes;
    }

    public void setAdminOutcomes(List<String> adminOutcomes) {
        this.adminOutcomes = adminOutcomes == null ? new ArrayList<>() : new ArrayList<>(adminOutcomes);
    }

    public Integer getDigestMinutes() {
        return digestMinutes;
    }

    public void setDigestMinutes(Integer digestMinutes) {
        this.digestMinutes = digestMinutes;
    }

    public String getRelayProfile() {
        return relayProfile;
    }

    public void setRelayProfile(String relayProfile) {
        this.relayProfile = relayProfile;
    }

    /** Each kind's template as typed, by the kind's name in the settings ({@code recipient}, {@code sender}, {@code admin}). */
    public Map<String, TemplateFields> getTemplates() {
        return Map.of("recipient", recipientTemplate, "sender", senderTemplate, "admin", adminTemplate);
    }
}
