package io.moat.web.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.logging.Logger;

/**
 * How callers prove who they are. The REST API ({@code /api/*}) takes HTTP Basic on every request and never looks at
 * a session, so a console session cookie cannot be used against it from another site. The console signs in on its
 * sign-in page ({@code SecurityContext.authenticate} with the form's credential), keeps the caller in the HTTP session
 * (a new session id at sign-in) and sends anyone else asking for a console page to the sign-in page.
 */
@ApplicationScoped
public class MoatAuthentication implements HttpAuthenticationMechanism {

    /** The console's sign-in page. */
    public static final String SIGN_IN_PAGE = "/login.xhtml";

    private static final Logger LOG = Logger.getLogger(MoatAuthentication.class.getName());
    private static final String SIGNED_IN = MoatAuthentication.class.getName() + ".signedIn";

    /** Who is signed in to a console session. */
    record SignedIn(String caller, Set<String> roles) implements Serializable {
    }

    @Inject
    IdentityStoreHandler identityStores;

    @Inject
    Accounts accounts;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) {
        if (isApi(request)) {
            return api(request, response, context);
        }
        Credential credential = context.getAuthParameters().getCredential();
        if (context.isAuthenticationRequest() && credential != null) {
            return signIn(request, context, credential);
        }
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(SIGNED_IN) instanceof SignedIn signedIn) {
            return context.notifyContainerAboutLogin(signedIn.caller(), signedIn.roles());
        }
        if (!context.isProtected()) {
            return context.doNothing();
        }
        return toSignInPage(request, response, context);
    }

    private AuthenticationStatus signIn(HttpServletRequest request, HttpMessageContext context,
            Credential credential) {
        CredentialValidationResult result = identityStores.validate(credential);
        String name = credential instanceof UsernamePasswordCredential login ? login.getCaller() : "?";
        if (result.getStatus() != CredentialValidationResult.Status.VALID) {
            LOG.warning(() -> "console sign-in refused for user '" + name + "' from " + request.getRemoteAddr());
            return AuthenticationStatus.SEND_FAILURE;
        }
        HttpSession session = request.getSession(true);
        request.changeSessionId(); // no session fixation
        session.setMaxInactiveInterval((int) Math.min(Integer.MAX_VALUE, accounts.sessionTimeout().toSeconds()));
        SignedIn signedIn = new SignedIn(result.getCallerPrincipal().getName(), Set.copyOf(result.getCallerGroups()));
        session.setAttribute(SIGNED_IN, signedIn);
        LOG.info(() -> "console sign-in of user '" + name + "' (" + String.join(",", signedIn.roles()) + ") from "
                + request.getRemoteAddr());
        return context.notifyContainerAboutLogin(result);
    }

    private AuthenticationStatus api(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            UsernamePasswordCredential credential = basic(header.substring(6).strip());
            if (credential != null) {
                CredentialValidationResult result = identityStores.validate(credential);
                if (result.getStatus() == CredentialValidationResult.Status.VALID) {
                    return context.notifyContainerAboutLogin(result);
                }
            }
        } else if (!context.isProtected()) {
            return context.doNothing();
        }
        response.setHeader("WWW-Authenticate", "Basic realm=\"Moat\", charset=\"UTF-8\"");
        return problem(response, 401, "Unauthorized", "Give the user name and password of the admin (or auditor)"
                + " with HTTP Basic authentication.");
    }

    private static UsernamePasswordCredential basic(String encoded) {
        try {
            String pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon < 0
                    ? null
                    : new UsernamePasswordCredential(pair.substring(0, colon), pair.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static AuthenticationStatus toSignInPage(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) {
        StringBuilder target = new StringBuilder(request.getContextPath()).append(SIGN_IN_PAGE);
        boolean expired = request.getRequestedSessionId() != null && !request.isRequestedSessionIdValid();
        String next = request.getRequestURI().substring(request.getContextPath().length());
        if ("GET".equals(request.getMethod()) && !next.isEmpty() && !next.equals("/")) {
            if (request.getQueryString() != null) {
                next += "?" + request.getQueryString();
            }
            target.append("?next=").append(URLEncoder.encode(next, StandardCharsets.UTF_8));
            target.append(expired ? "&expired=true" : "");
        } else if (expired) {
            target.append("?expired=true");
        }
        if ("partial/ajax".equals(request.getHeader("Faces-Request"))) {
            // a Faces Ajax request follows a redirect only when it comes as a partial response
            try {
                response.setContentType("text/xml");
                response.setCharacterEncoding("UTF-8");
                response.getWriter().write("<?xml version='1.0' encoding='UTF-8'?><partial-response><redirect url=\""
                        + target.toString().replace("&", "&amp;") + "\"/></partial-response>");
                return AuthenticationStatus.SEND_CONTINUE;
            } catch (IOException e) {
                return AuthenticationStatus.SEND_FAILURE;
            }
        }
        return context.redirect(target.toString());
    }

    private static AuthenticationStatus problem(HttpServletResponse response, int status, String title,
            String detail) {
        try {
            ProblemResponse.write(response, status, title, detail);
            response.flushBuffer();
        } catch (IOException e) {
            LOG.fine(() -> "could not write the problem body: " + e);
        }
        // the response is complete: SEND_CONTINUE keeps the container from replacing it with its error page
        return AuthenticationStatus.SEND_CONTINUE;
    }

    static boolean isApi(HttpServletRequest request) {
        return request.getRequestURI().startsWith(request.getContextPath() + "/api/");
    }

    /** Signs the caller of this request out of the console: the session and everything in it are gone. */
    @Override
    public void cleanSubject(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }
}
