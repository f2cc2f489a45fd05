package io.moat.web.console;

import io.moat.settings.RefusedException;
import io.moat.settings.RescanPageSettings;
import io.moat.settings.RescanPageSettingsService;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Map;

/**
 * Settings › General, "Rescan page": how long a link in a recipient's notice works (an ISO-8601 duration, whole days
 * shown as {@code P7D}) and how many passwords one link takes. Shown with the public server address, the base of
 * those links.
 */
@Named("rescanPage")
@RequestScoped
public class RescanPageView {

    private static final String FORM = "rescan-page-form:";
    /** The service's field names, as its refusals start, and the inputs that show them. */
    private static final Map<String, String> INPUTS = Map.of("linkValidity", "link-validity", "maxWrongPasswords",
            "max-wrong-passwords");

    @Inject
    RescanPageSettingsService settings;

    @Inject
    Formats fmt;

    private RescanPageSettings inEffect;
    private String linkValidity;
    private String maxWrongPasswords;

    @PostConstruct
    void load() {
        inEffect = settings.get();
        linkValidity = Formats.iso(inEffect.linkValidity());
        maxWrongPasswords = Integer.toString(inEffect.maxWrongPasswords());
    }

    @AdminOnly
    public String save() {
        RescanPageSettings saved;
        try {
            saved = settings.put(linkValidity, number(maxWrongPasswords));
        } catch (RefusedException e) {
            String field = e.getMessage().substring(0, Math.max(0, e.getMessage().indexOf(':')));
            Feedback.refused(INPUTS.containsKey(field) ? FORM + INPUTS.get(field) : null, e);
            return null;
        }
        Feedback.done("Saved: a rescan link works " + fmt.words(saved.linkValidity()) + " and takes "
                + saved.maxWrongPasswords() + " passwords. Links given out from now on have this validity.");
        Feedback.keepOverRedirect();
        return FacesContext.getCurrentInstance().getViewRoot().getViewId() + "?faces-redirect=true";
    }

    /** The number typed, or a refusal naming the field. */
    private static Integer number(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw new RefusedException(RefusedException.Reason.INVALID, "maxWrongPasswords: '" + text
                    + "' is not a whole number from 1 to 100");
        }
    }

    public RescanPageSettings getInEffect() {
        return inEffect;
    }

    public String getLinkValidity() {
        return linkValidity;
    }

    public void setLinkValidity(String linkValidity) {
        this.linkValidity = linkValidity;
    }

    public String getMaxWrongPasswords() {
        return maxWrongPasswords;
    }

    public void setMaxWrongPasswords(String maxWrongPasswords) {
        this.maxWrongPasswords = maxWrongPasswords;
    }
}
