package io.moat.web.internal;

import io.moat.web.Problem;
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
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * How callers prove who they are. The REST API ({@code /api/*}, as {@link ApiPath} tells) takes HTTP Basic on every
 * request and never looks at a session, so a console session cookie cannot be used against it from another site.
 * The console signs in on its sign-in page ({@code SecurityContext.authenticate} with the form's credential), keeps
 * the caller in the HTTP session (a new session id at sign-in) and sends anyone else asking for a console page to the
 * sign-in page.
 *
 * <p>Before any password or session is looked at: while console HTTPS is on, a plain HTTP request is refused (the
 * API) or sent to HTTPS (the console) by {@link ConsoleTransport}; and an address or user name past its limit of failures is refused with 429 and
 * {@code Retry-After} ({@link SignInGuard}), its password not checked. Refusals of the API are a status and a
 * problem kept with the request ({@link Problems#prepare}); the container completes the response through its error
 * page. Writing the body here instead committed the response, and the container's own {@code sendError} for the
 * failed authentication then failed on it ({@code UT010019: Response already commited}, logged for every refusal).
 */
@ApplicationScoped
public class MoatAuthentication implements HttpAuthenticationMechanism {

    /** The console's sign-in page. */
    public static final String SIGN_IN_PAGE = "/login.xhtml";

    private static final Logger LOG = Logger.getLogger(MoatAuthentication.class.getName());
    private static final String SIGNED_IN = MoatAuthentication.class.getName() + ".signedIn";
    /** A console sign-in refused for too many failures: how long until the next try (a request attribute). */
    private static final String REFUSED_FOR = MoatAuthentication.class.getName() + ".refusedFor";

    /**
     * Password checks at once, across every client: each may cost a PBKDF2 derivation (0.2 s of a core), and the
     * per-address and per-user limits do not bound how many addresses and names take part. Beyond them a caller
     * waits up to {@link #CHECK_WAIT}, then is told to come back (503, or the sign-in page's refusal).
     */
    static final Semaphore CHECKS = new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));
    private static final Duration CHECK_WAIT = Duration.ofSeconds(2);

    /** Who is signed in to a console session. */
    record SignedIn(String caller, Set<String> roles) implements Serializable {
    }

    @Inject
    IdentityStoreHandler identityStores;

    @Inject
    Accounts accounts;

    @Inject
    SignInGuard guard;

    @Inject
    ConsoleTransport transport;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) {
        transport.secure(request, response);
        if (transport.answerPlainHttp(request, response)) {
            // the API's 403 is completed by the error page; the console's 308 is complete as it is
            return response.getStatus() >= 400 ? AuthenticationStatus.SEND_FAILURE : AuthenticationStatus.SEND_CONTINUE;
        }
        if (ApiPath.isApi(request)) {
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
        String name = credential instanceof UsernamePasswordCredential login ? login.getCaller() : "";
        SignInGuard.Ticket ticket = guard.attempt(request.getRemoteAddr(), name);
        if (ticket.refusedFor().isPresent()) {
            request.setAttribute(REFUSED_FOR, ticket.refusedFor().get());
            return AuthenticationStatus.SEND_FAILURE;
        }
        Optional<CredentialValidationResult> checked = check(credential);
        if (checked.isEmpty()) {
            guard.succeeded(ticket); // not checked: no failure of the caller's
            request.setAttribute(REFUSED_FOR, CHECK_WAIT);
            return AuthenticationStatus.SEND_FAILURE;
        }
        CredentialValidationResult result = checked.get();
        if (result.getStatus() != CredentialValidationResult.Status.VALID) {
            guard.failed(ticket);
            LOG.warning(() -> "console sign-in refused for user '" + SignInGuard.printable(name) + "' from "
                    + request.getRemoteAddr());
            return AuthenticationStatus.SEND_FAILURE;
        }
        guard.succeeded(ticket);
        HttpSession session = request.getSession(true);
        request.changeSessionId(); // no session fixation
        session.setMaxInactiveInterval((int) Math.min(Integer.MAX_VALUE, accounts.sessionTimeout().toSeconds()));
        SignedIn signedIn = new SignedIn(result.getCallerPrincipal().getName(), Set.copyOf(result.getCallerGroups()));
        session.setAttribute(SIGNED_IN, signedIn);
        LOG.info(() -> "console sign-in of user '" + SignInGuard.printable(name) + "' ("
                + String.join(",", signedIn.roles()) + ") from " + request.getRemoteAddr());
        return context.notifyContainerAboutLogin(result);
    }

    /**
     * How long the caller must wait before signing in again, when the console sign-in of this request was refused
     * for too many failures (and not checked).
     */
    public static Optional<Duration> signInRefusedFor(HttpServletRequest request) {
        return request.getAttribute(REFUSED_FOR) instanceof Duration wait ? Optional.of(wait) : Optional.empty();
    }

    private AuthenticationStatus api(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return context.isProtected() ? challenge(request, response) : context.doNothing();
        }
        UsernamePasswordCredential credential = basic(header.substring(6).strip());
        if (credential == null) {
            return challenge(request, response);
        }
        SignInGuard.Ticket ticket = guard.attempt(request.getRemoteAddr(), credential.getCaller());
        if (ticket.refusedFor().isPresent()) {
            long seconds = retryAfterSeconds(ticket.refusedFor().get());
            response.setHeader("Retry-After", Long.toString(seconds));
            return refuse(request, response, Problems.of(429, "Too many failed sign-ins", "Too many wrong"
                    + " passwords from this address or for this user: this request was not checked. Try again in "
                    + seconds + " s, with the right password."));
        }
        Optional<CredentialValidationResult> checked = check(credential);
        if (checked.isEmpty()) {
            guard.succeeded(ticket); // not checked: no failure of the caller's
            response.setHeader("Retry-After", Long.toString(retryAfterSeconds(CHECK_WAIT)));
            return refuse(request, response, Problems.of(503, "Too many sign-ins at once", "The gateway is checking"
                    + " as many passwords as it has processors for; this request was not checked. Try again in a"
                    + " few seconds."));
        }
        CredentialValidationResult result = checked.get();
        if (result.getStatus() == CredentialValidationResult.Status.VALID) {
            guard.succeeded(ticket);
            return context.notifyContainerAboutLogin(result);
        }
        guard.failed(ticket);
        return challenge(request, response);
    }

    /** The credential checked by the identity store, within {@link #CHECKS}; empty when none was free in time. */
    private Optional<CredentialValidationResult> check(Credential credential) {
        try {
            if (!CHECKS.tryAcquire(CHECK_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning("too many password checks at once: a sign-in was turned away unchecked (many clients"
                        + " failing at once? see the sign-in limits, moat.auth.*)");
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        try {
            return Optional.of(identityStores.validate(credential));
        } finally {
            CHECKS.release();
        }
    }

    /** 401 with the Basic challenge. */
    private static AuthenticationStatus challenge(HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("WWW-Authenticate", "Basic realm=\"Moat\", charset=\"UTF-8\"");
        return refuse(request, response, Problems.forStatus(401));
    }

    /** Whole seconds to wait, rounded up: {@code Retry-After} (RFC 9110, 10.2.3) takes no fractions. */
    public static long retryAfterSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
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
        Redirects.to(response, target.toString()); // relative: never the request's Host
        return AuthenticationStatus.SEND_CONTINUE;
    }

    /** Refuses the request with {@code problem}, which the container's error page writes. */
    private static AuthenticationStatus refuse(HttpServletRequest request, HttpServletResponse response,
            Problem problem) {
        Problems.prepare(request, response, problem);
        return AuthenticationStatus.SEND_FAILURE;
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
