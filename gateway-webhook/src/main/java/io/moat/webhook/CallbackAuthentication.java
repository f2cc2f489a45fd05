package io.moat.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Core's callbacks carry no HTTP credentials: the token in the path names the job, and the verdict is always read
 * back from Core (ADR 0003), so nobody is signed in here. This mechanism says so explicitly. It is also needed:
 * Jakarta Security, once the console module has a mechanism, installs its bridge in every web module of the EAR,
 * and this module cannot see the console's bean (ADR 0012).
 */
@ApplicationScoped
public class CallbackAuthentication implements HttpAuthenticationMechanism {

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) {
        return context.doNothing();
    }
}
