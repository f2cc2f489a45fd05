package io.moat.web.console;

import io.moat.settings.GeneralSettingsService;
import io.moat.settings.RefusedException;
import io.moat.settings.console.ConsoleTlsService;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * Settings > General: the public server address, the base of every link the gateway puts into mail. Its scheme is not
 * the admin's to choose here: it follows console HTTPS (Settings > Security).
 */
@Named("general")
@RequestScoped
public class GeneralSettingsView {

    @Inject
    GeneralSettingsService settings;

    @Inject
    ConsoleTlsService consoleTls;

    private String publicAddress;
    private String inEffect;
    private boolean https;

    @PostConstruct
    void load() {
        inEffect = settings.publicAddress().toString();
        https = consoleTls.httpsEnabled(); // current: reading the address read the console TLS setting
        publicAddress = inEffect;
    }

    @AdminOnly
    public String save() {
        String saved;
        try {
            saved = settings.setPublicAddress(publicAddress).toString();
        } catch (RefusedException e) {
            Feedback.refused("general-form:public-address", e);
            return null;
        }
        Feedback.done("Saved. Links in mail now start with " + saved + (saved.startsWith("https:")
                ? ""
                : " (http while console HTTPS is off)") + ".");
        Feedback.keepOverRedirect();
        return FacesContext.getCurrentInstance().getViewRoot().getViewId() + "?faces-redirect=true";
    }

    /** The address in effect, with the scheme that console HTTPS gives it. */
    public String getInEffect() {
        return inEffect;
    }

    /** Whether console HTTPS is on, and so whether the address starts with https. */
    public boolean isHttps() {
        return https;
    }

    public String getPublicAddress() {
        return publicAddress;
    }

    public void setPublicAddress(String publicAddress) {
        this.publicAddress = publicAddress;
    }
}
