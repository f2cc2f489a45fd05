package io.moat.web.console;

import io.moat.settings.GatewaySettings;
import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.settings.certificates.CertificateStore;
import io.moat.settings.certificates.TrustStoreService;
import io.moat.settings.profiles.ServerProfile;
import io.moat.settings.profiles.ServerProfile.Strategy;
import io.moat.settings.profiles.ServerProfile.Type;
import io.moat.settings.profiles.ServerProfileService;
import io.moat.web.TrustedCertificateDto;
import io.moat.web.internal.ServerProfileForm;
import io.moat.web.internal.ServerProfileForm.ServerRow;
import io.moat.web.internal.TrustedCertificateAssembler;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings > Server profiles: the SMTP and Core profiles, one editor for adding and changing them, and the trust store
 * for outbound TLS. Every change goes through {@link ServerProfileService} and {@link TrustStoreService}, which check
 * it; their refusals are shown as they are.
 */
@Named("profiles")
@ViewScoped
public class ServerProfilesView implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String FORM = "profile-form:";
    private static final String SAVE = FORM + "profile-save";

    @Inject
    ServerProfileService service;

    @Inject
    TrustStoreService trust;

    @Inject
    CertificateStore certificates;

    @Inject
    GatewaySettings settings;

    /** Read from the services when first needed after a change; not part of the view's state. */
    private transient List<ServerProfile> all;
    private transient List<TrustedCertificateDto> trusted;
    private transient Map<String, String> certificateNames;
    private transient Boolean jvmCas;

    private ServerProfileForm form;
    private String editingName;
    private String confirmDelete;
    private String confirmUntrust;
    private boolean jvmCasWanted;
    private String trustName;
    private String trustPem;

    // ---- profiles

    public List<ServerProfile> getSmtpProfiles() {
        return of(Type.SMTP);
    }

    public List<ServerProfile> getCoreProfiles() {
        return of(Type.CORE);
    }

    private List<ServerProfile> of(Type type) {
        if (all == null) {
            all = service.list();
        }
        return all.stream().filter(p -> p.type() == type).toList();
    }

    /** Opens the editor on a new profile (SMTP first; the type can be changed until it is saved). */
    @AdminOnly
    public void add() {
        form = ServerProfileForm.blank(Type.SMTP);
        editingName = null;
        confirmDelete = null;
    }

    @AdminOnly
    public void edit(String id) {
        confirmDelete = null;
        service.find(id).ifPresentOrElse(p -> {
            form = ServerProfileForm.of(p, service.webhookAsGiven(id).orElse(null));
            editingName = p.name();
        }, () -> {
            Feedback.error("The profile is gone: someone deleted it meanwhile. The list shows the profiles as they are"
                    + " now.");
            form = null;
            reload();
        });
    }

    public void cancel() {
        form = null;
        editingName = null;
    }

    @AdminOnly
    public void addServer() {
        if (form != null) {
            form.addServer();
        }
    }

    @AdminOnly
    public void removeServer(ServerRow row) {
        if (form != null) {
            form.removeServer(row);
        }
    }

    /**
     * Creates or updates the profile in the editor, its webhook settings applied at once as over the REST API (the
     * same service call); on a refusal the editor stays open (with the secrets typed so far) and the service's reason
     * is shown next to the webhook field it names, else next to the Save button; a clash of the shared webhook
     * listener with another profile, or a listener the server could not open, at the top of the page.
     */
    @AdminOnly
    public void save() {
        if (form == null) {
            return;
        }
        String notNumber = form.notWholeNumber();
        if (notNumber != null) {
            Feedback.error(FORM + notNumber, notNumber.equals("profile-timeout")
                    ? "Enter the timeout (seconds) and the files in flight as whole numbers."
                    : "Enter a whole number, or nothing for the default.");
            return;
        }
        boolean created = form.isAdding();
        try {
            ServerProfile input = form.toProfile();
            ServerProfile saved = created ? service.create(input) : service.update(form.getId(), input);
            Feedback.done((saved.type() == Type.CORE ? "Core" : "SMTP") + " profile '" + saved.name() + "' "
                    + (created ? "created" : "saved") + "; the next connection uses it." + callbacks(saved));
            form = null;
            editingName = null;
        } catch (RefusedException e) {
            String input = ServerProfileForm.inputOf(e.getMessage());
            boolean listener = e.reason() == Reason.CONFLICT || e.reason() == Reason.NOT_APPLIED;
            Feedback.refused(listener ? null : input != null ? FORM + input : SAVE, e);
        } finally {
            reload();
        }
    }

    /** What a saved Core profile's callbacks are, in words. */
    private static String callbacks(ServerProfile saved) {
        ServerProfile.Webhook webhook = saved.webhook();
        if (webhook == null || !Boolean.TRUE.equals(webhook.enabled())) {
            return "";
        }
        return " Core is asked to call back at " + webhook.publicUrl() + "; the webhook port " + webhook.port()
                + (Boolean.TRUE.equals(webhook.tls().enabled())
                        ? " serves TLS (" + String.join(", ", webhook.tls().protocols()) + ") now."
                        : " serves plain HTTP now.");
    }

    /** The URL Core is given when the editor's public URL is left empty (for its placeholder). */
    public String getDefaultWebhookUrl() {
        return form == null
                ? null
                : service.defaultWebhookUrl(form.getWebhook().isTlsEnabled(),
                        form.getWebhook().typedPort());
    }

    /** The webhook port when a profile names none ({@code moat.webhook.port}). */
    public int getDefaultWebhookPort() {
        return settings.webhookPort();
    }

    /** The TLS versions the webhook listener may serve, as the settings module checks them. */
    public List<String> getWebhookProtocols() {
        return ServerProfileService.WEBHOOK_PROTOCOLS;
    }

    @AdminOnly
    public void askDelete(String id) {
        confirmDelete = id;
    }

    public void keep() {
        confirmDelete = null;
    }

    @AdminOnly
    public void delete(String id) {
        try {
            String name = service.find(id).map(ServerProfile::name).orElse(id);
            service.delete(id);
            Feedback.done("Profile '" + name + "' deleted.");
            if (form != null && id.equals(form.getId())) {
                cancel();
            }
        } catch (RefusedException e) {
            Feedback.refused(null, e);
        } finally {
            confirmDelete = null;
            reload();
        }
    }

    public ServerProfileForm getForm() {
        return form;
    }

    public String getEditingName() {
        return editingName;
    }

    public String getConfirmDelete() {
        return confirmDelete;
    }

    public Type[] getTypes() {
        return Type.values();
    }

    public Strategy[] getStrategies() {
        return Strategy.values();
    }

    /** The certificate store's entries a server may present as its client certificate: id to name. */
    public Map<String, String> getCertificates() {
        if (certificateNames == null) {
            Map<String, String> names = new LinkedHashMap<>();
            certificates.list().forEach(c -> names.put(c.id(), c.name()));
            certificateNames = names;
        }
        return certificateNames;
    }

    public String certificateName(String id) {
        return id == null ? null : getCertificates().getOrDefault(id, id + " (not in the certificate store)");
    }

    /** How a server of an SMTP profile is encrypted, in words. */
    public String encryption(ServerProfile.Server server) {
        if (server.uri() != null && server.uri().startsWith("smtps:")) {
            return "implicit TLS";
        }
        if (server.encryption() == null) {
            return "";
        }
        return switch (server.encryption()) {
            case "NONE" -> "clear text";
            case "STARTTLS_OPTIONAL" -> "STARTTLS optional";
            case "STARTTLS_REQUIRED" -> "STARTTLS required";
            default -> server.encryption();
        };
    }

    /** A list for reading: "a, b, c". */
    public String join(List<String> values) {
        return values == null ? "" : String.join(", ", values);
    }

    // ---- trust store

    public List<TrustedCertificateDto> getTrusted() {
        if (trusted == null) {
            trusted = trust.list().stream().map(TrustedCertificateAssembler::dto).toList();
        }
        return trusted;
    }

    /** Where the operator's PEM files are; the service reads every {@code *.pem} and {@code *.crt} in it. */
    public String getTrustDirectory() {
        return settings.dataDirectory().resolve("trust").toString();
    }

    public boolean expired(Instant notAfter) {
        return notAfter != null && notAfter.isBefore(Instant.now());
    }

    @AdminOnly
    public void addTrusted() {
        try {
            TrustStoreService.Trusted added = trust.add(trustName, trustPem);
            Feedback.done("Trusting '" + added.name() + "' from the next connection.");
            trustName = null;
            trustPem = null;
        } catch (RefusedException e) {
            Feedback.refused("trust-form:trust-pem", e);
        } finally {
            reload();
        }
    }

    @AdminOnly
    public void askUntrust(String id) {
        confirmUntrust = id;
    }

    public void keepTrusted() {
        confirmUntrust = null;
    }

    @AdminOnly
    public void untrust(String id) {
        try {
            String name = getTrusted().stream().filter(t -> t.id().equals(id)).map(TrustedCertificateDto::name)
                    .findFirst().orElse(id);
            trust.delete(id);
            Feedback.done("'" + name + "' is no longer trusted from the next connection.");
        } catch (RefusedException e) {
            Feedback.refused(null, e);
        } finally {
            confirmUntrust = null;
            reload();
        }
    }

    public String getConfirmUntrust() {
        return confirmUntrust;
    }

    /** The stored setting, always as it is (a refused change does not show as made). */
    public boolean isJvmCas() {
        if (jvmCas == null) {
            jvmCas = trust.jvmDefaultCas();
        }
        return jvmCas;
    }

    public void setJvmCas(boolean wanted) {
        jvmCasWanted = wanted;
    }

    @AdminOnly
    public void saveJvmCas() {
        trust.jvmDefaultCas(jvmCasWanted);
        reload();
        Feedback.done(isJvmCas()
                ? "The JVM's default CAs are trusted too, from the next connection."
                : "Only the trust store below is trusted, from the next connection.");
    }

    public String getTrustName() {
        return trustName;
    }

    public void setTrustName(String trustName) {
        this.trustName = trustName;
    }

    /** The PEM being added; only certificates, nothing secret. */
    public String getTrustPem() {
        return trustPem;
    }

    public void setTrustPem(String trustPem) {
        this.trustPem = trustPem;
    }

    private void reload() {
        all = null;
        trusted = null;
        certificateNames = null;
        jvmCas = null;
    }
}
