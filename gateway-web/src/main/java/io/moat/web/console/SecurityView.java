package io.moat.web.console;

import io.moat.settings.GatewaySettings;
import io.moat.settings.RefusedException;
import io.moat.settings.certificates.CertificateStore;
import io.moat.settings.console.ConsoleTlsService;
import io.moat.settings.console.ConsoleTlsService.ConsoleTls;
import io.moat.settings.endpoints.SmtpEndpoint;
import io.moat.settings.endpoints.SmtpEndpointService;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.smtp.api.SmtpEndpointStatus;
import io.moat.web.SmtpEndpointDto;
import io.moat.web.internal.ConsoleTransport;
import io.moat.web.internal.SmtpEndpointAssembler;
import io.moat.web.internal.TlsChoice;
import jakarta.annotation.PostConstruct;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.model.SelectItem;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Settings > Security: console HTTPS and the inbound SMTP endpoints with their "Edit SMTP endpoint" panel. */
@Named("security")
@ViewScoped
public class SecurityView implements Serializable {

    private static final long serialVersionUID = 1L;
    /** TLS versions an SMTP endpoint may offer; 1.0 and 1.1 only for old clients that need them. */
    static final List<String> SMTP_PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    @Inject
    ConsoleTlsService consoleTls;

    @Inject
    SmtpEndpointService endpoints;

    @Inject
    CertificateStore certificates;

    @Inject
    GatewaySettings settings;

    @Inject
    ConsoleTransport transport;

    private boolean httpsEnabled;
    private TlsChoice https = new TlsChoice(null, List.of());
    private EndpointForm editing;
    private String deleting;

    @PostConstruct
    void load() {
        ConsoleTls tls = consoleTls.get();
        httpsEnabled = tls.enabled();
        https = new TlsChoice(tls.certificateId() == null ? CertificateStore.DIGITAL_ID : tls.certificateId(),
                tls.protocols());
    }

    /** Applies the console HTTPS setting; once it is on, the browser continues at the same page over HTTPS. */
    @AdminOnly
    public void applyConsoleTls() throws IOException {
        ConsoleTls applied;
        try {
            applied = consoleTls.set(new ConsoleTls(httpsEnabled, https.getCertificateId(), https.getProtocols()));
        } catch (RefusedException e) {
            Feedback.refused("console-tls", e);
            return;
        }
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        HttpServletRequest request = (HttpServletRequest) external.getRequest();
        // the public server address, whose scheme now follows the new setting: never the host the request named
        String page = transport.atPublicAddress("/settings/security.xhtml");
        if (applied.enabled()) {
            Feedback.done("Console HTTPS is on (" + String.join(", ", applied.protocols()) + "): you are now on "
                    + page.substring(0, page.indexOf("/settings/")) + ". Plain HTTP requests for the console are"
                    + " redirected here; the REST API answers over HTTPS only.");
            Feedback.keepOverRedirect();
            external.redirect(page);
        } else if (request.isSecure()) {
            Feedback.done("Console HTTPS is off: the console is served over HTTP only.");
            Feedback.keepOverRedirect();
            external.redirect(page);
        } else {
            Feedback.done("Console HTTPS is off: the console is served over HTTP only.");
        }
    }

    public List<SmtpEndpointDto> getEndpoints() {
        Map<String, SmtpEndpointStatus> status = endpoints.status();
        return endpoints.list().stream().map(e -> SmtpEndpointAssembler.dto(e, status.get(e.name()))).toList();
    }

    @AdminOnly
    public void add() {
        editing = new EndpointForm();
        deleting = null;
    }

    @AdminOnly
    public void edit(String id) {
        deleting = null;
        editing = endpoints.find(id).map(EndpointForm::of).orElse(null);
        if (editing == null) {
            Feedback.error("That SMTP endpoint no longer exists: someone else deleted it. The table shows those"
                    + " that exist now.");
        }
    }

    public void cancel() {
        editing = null;
        deleting = null;
    }

    /** Creates or updates the endpoint; the listener follows at once (a port change re-binds). */
    @AdminOnly
    public void save() {
        try {
            SmtpEndpoint saved = editing.isNew()
                    ? endpoints.create(editing.toEndpoint())
                    : endpoints.update(editing.getId(), editing.toEndpoint());
            SmtpEndpointStatus status = endpoints.status().get(saved.name());
            String state = status == null || !status.listening()
                    ? " It is not listening yet" + (status == null || status.problem() == null
                            ? ""
                            : ": " + status.problem())
                    : " It is listening on " + saved.bindAddress() + ":" + saved.port() + ".";
            Feedback.done("SMTP endpoint '" + saved.name() + "' saved (" + label(saved.encryption()) + ")." + state);
            editing = null;
        } catch (RefusedException e) {
            Feedback.refused("endpoint-form", e);
        }
    }

    /** The first click asks for confirmation, the second deletes. */
    @AdminOnly
    public void delete(String id) {
        if (!id.equals(deleting)) {
            deleting = id;
            editing = null;
            return;
        }
        deleting = null;
        try {
            String name = endpoints.find(id).map(SmtpEndpoint::name).orElse(id);
            endpoints.delete(id);
            Feedback.done("SMTP endpoint '" + name + "' deleted: it no longer accepts connections; sessions in"
                    + " progress were allowed to finish.");
        } catch (RefusedException e) {
            Feedback.refused(null, e);
        }
    }

    public List<SelectItem> getEncryptions() {
        List<SelectItem> items = new ArrayList<>();
        for (SmtpEncryption encryption : SmtpEncryption.values()) {
            items.add(new SelectItem(encryption, label(encryption)));
        }
        return items;
    }

    /** The certificates to choose from: the digital ID first, then the store's. */
    public List<SelectItem> getCertificates() {
        return certificates.list().stream().map(c -> new SelectItem(c.id(), c.name())).toList();
    }

    /** A certificate's name for the endpoints table (its id if it no longer exists). */
    public String certificateName(String id) {
        if (id == null) {
            return "—";
        }
        return certificates.find(id).map(CertificateStore.Entry::name).orElse(id);
    }

    public List<String> getConsoleProtocols() {
        return ConsoleTlsService.PROTOCOLS;
    }

    public List<String> getSmtpProtocols() {
        return SMTP_PROTOCOLS;
    }

    static String label(SmtpEncryption encryption) {
        return switch (encryption) {
            case NONE -> "None (clear text only)";
            case STARTTLS_OPTIONAL -> "STARTTLS optional";
            case STARTTLS_REQUIRED -> "STARTTLS required";
            case IMPLICIT_TLS -> "Implicit TLS";
        };
    }

    public String encryptionLabel(String name) {
        return label(SmtpEncryption.valueOf(name));
    }

    public boolean isHttpsEnabled() {
        return httpsEnabled;
    }

    public void setHttpsEnabled(boolean httpsEnabled) {
        this.httpsEnabled = httpsEnabled;
    }

    /** The certificate and TLS versions console HTTPS serves. */
    public TlsChoice getHttps() {
        return https;
    }

    public int getHttpsPort() {
        return settings.httpsPort();
    }

    public EndpointForm getEditing() {
        return editing;
    }

    public String getDeleting() {
        return deleting;
    }
}
