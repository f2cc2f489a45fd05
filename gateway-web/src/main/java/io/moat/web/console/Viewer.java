package io.moat.web.console;

import io.moat.delivery.Actor;
import io.moat.web.internal.Accounts;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.http.HttpServletRequest;

/** Who is looking at the console, for the pages: {@code #{who.name}}, {@code #{who.admin}}. */
@Named("who")
@RequestScoped
public class Viewer {

    @Inject
    SecurityContext security;

    @Inject
    HttpServletRequest request;

    public String getName() {
        return security.getCallerPrincipal() == null ? "" : security.getCallerPrincipal().getName();
    }

    /** Whether the viewer may change things; pages hide or disable what the auditor may not do. */
    public boolean isAdmin() {
        return security.isCallerInRole(Accounts.ADMIN);
    }

    /** Who acts on the quarantine, for its record: the signed-in user and the address the request came from. */
    public Actor actor() {
        return new Actor(getName(), request.getRemoteAddr());
    }

    public String getRole() {
        return isAdmin() ? "admin" : security.isCallerInRole(Accounts.AUDITOR) ? "auditor (read-only)" : "";
    }
}
