package io.moat.web.console;

import io.moat.settings.RefusedException;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;

/** Messages to the admin on the next rendering of the page: the global ones at the top, others next to a field. */
final class Feedback {

    private Feedback() {
    }

    static void done(String message) {
        add(null, FacesMessage.SEVERITY_INFO, message);
    }

    /** Something the admin should look at, though the change was made (e.g. a certificate that expires soon). */
    static void warn(String message) {
        add(null, FacesMessage.SEVERITY_WARN, message);
    }

    static void error(String message) {
        add(null, FacesMessage.SEVERITY_ERROR, message);
    }

    /** An error shown next to the field with this client id (e.g. {@code certificate:key}). */
    static void error(String clientId, String message) {
        add(clientId, FacesMessage.SEVERITY_ERROR, message);
    }

    /** A refusal of an application service, in its own words (they say what to do). */
    static void refused(String clientId, RefusedException e) {
        String prefix = switch (e.reason()) {
            case NOT_FOUND -> "Not found: ";
            case CONFLICT -> "Not possible now: ";
            case NOT_APPLIED -> "Could not apply it: ";
            case INVALID -> "";
        };
        error(clientId, prefix + e.getMessage());
    }

    /** Keeps the messages across a redirect (post-redirect-get). */
    static void keepOverRedirect() {
        FacesContext.getCurrentInstance().getExternalContext().getFlash().setKeepMessages(true);
    }

    private static void add(String clientId, FacesMessage.Severity severity, String message) {
        FacesContext.getCurrentInstance().addMessage(clientId, new FacesMessage(severity, message, null));
    }
}
