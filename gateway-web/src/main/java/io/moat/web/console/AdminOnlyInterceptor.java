package io.moat.web.console;

import io.moat.web.internal.Accounts;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.security.enterprise.SecurityContext;
import java.io.Serializable;
import java.util.logging.Logger;

/**
 * Enforces {@link AdminOnly} on the server, whatever the page showed or a forged post asks for. Serializable: it
 * wraps view-scoped beans, which may be passivated with the session.
 */
@AdminOnly
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class AdminOnlyInterceptor implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = Logger.getLogger(AdminOnlyInterceptor.class.getName());

    @Inject
    SecurityContext security;

    @AroundInvoke
    public Object onlyTheAdmin(InvocationContext invocation) throws Exception {
        if (security.isCallerInRole(Accounts.ADMIN)) {
            return invocation.proceed();
        }
        String caller = security.getCallerPrincipal() == null ? "nobody" : security.getCallerPrincipal().getName();
        LOG.warning(() -> "refused " + invocation.getMethod().getDeclaringClass().getSimpleName() + "."
                + invocation.getMethod().getName() + " to '" + caller + "': only the admin may change settings");
        Feedback.error("You are signed in as " + caller + " (auditor): you can look at everything but change"
                + " nothing. Sign in as the admin to make this change.");
        return null;
    }
}
