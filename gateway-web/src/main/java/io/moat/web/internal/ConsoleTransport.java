package io.moat.web.internal;

import io.moat.settings.GeneralSettingsService;
import io.moat.settings.console.ConsoleTlsService;
import io.moat.web.Problem;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What console HTTPS asks of each request while it is on, before the authentication looks at it. Over HTTPS,
 * responses carry HSTS (RFC 6797), so that a browser that has been here goes straight to HTTPS from then on. Over
 * plain HTTP the REST API is refused with 403, not redirected (an API client that followed the redirect would have
 * sent its credentials in clear already, and would go on doing so), and console pages are sent to the same page at
 * the public server address (Settings › General), whose scheme is https then: never to the host the request named,
 * which the client chose, and before a session cookie sent in clear is looked at.
 */
@ApplicationScoped
public class ConsoleTransport {

    /** The answer to the REST API over plain HTTP while console HTTPS is on. */
    public static final Problem PLAIN_HTTP_API = Problems.of(403, "HTTPS required", "Console HTTPS is on: the REST"
            + " API answers over HTTPS only. Send this request to the https:// address (the public server address"
            + " of Settings › General), and change the password if it was sent over plain HTTP.");

    @Inject
    ConsoleTlsService consoleTls;

    @Inject
    GeneralSettingsService general;

    @Inject
    @ConfigProperty(name = "moat.console.hsts-max-age", defaultValue = "P365D")
    Duration hstsMaxAge;

    private String hsts;

    @PostConstruct
    void init() {
        if (hstsMaxAge.isNegative() || hstsMaxAge.compareTo(Duration.ofDays(2 * 365)) > 0) {
            throw new IllegalArgumentException("moat.console.hsts-max-age must be between PT0S (browsers forget"
                    + " it) and P730D, e.g. P365D; it is " + hstsMaxAge);
        }
        hsts = "max-age=" + hstsMaxAge.toSeconds();
    }

    /** Checks {@code moat.console.hsts-max-age} at deployment. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // the bean is made, and its setting checked, now
    }

    /** Whether console HTTPS is on now. */
    public boolean httpsOn() {
        return consoleTls.httpsEnabled();
    }

    /** HSTS on a response over HTTPS while console HTTPS is on. */
    public void secure(HttpServletRequest request, HttpServletResponse response) {
        if (request.isSecure() && httpsOn()) {
            response.setHeader("Strict-Transport-Security", hsts);
        }
    }

    /**
     * Answers a plain HTTP request while console HTTPS is on, before anything else looks at it (its credentials,
     * its session): the REST API with {@link #PLAIN_HTTP_API}, prepared for the error page ({@link
     * Problems#prepare}); anything else with {@code 308} (method and body kept) to the same page at the public
     * server address. False, and nothing done, over HTTPS or while console HTTPS is off.
     */
    public boolean answerPlainHttp(HttpServletRequest request, HttpServletResponse response) {
        if (request.isSecure() || !httpsOn()) {
            return false;
        }
        if (ApiPath.isApi(request)) {
            Problems.prepare(request, response, PLAIN_HTTP_API);
        } else {
            response.setStatus(308);
            response.setHeader("Location", httpsLocation(request));
        }
        return true;
    }

    /** The same page over HTTPS at the public server address. */
    String httpsLocation(HttpServletRequest request) {
        return location(general.publicAddress(), request.getContextPath(), request.getRequestURI(),
                request.getQueryString());
    }

    /** {@code path} (of this application) at the public server address, as it is now. */
    public String atPublicAddress(String path) {
        return location(general.publicAddress(), "", path, null);
    }

    /**
     * {@code requestUri} (as the client sent it, below {@code contextPath}) and {@code query} at {@code base}, the
     * public server address (which may have a path of its own, behind a reverse proxy).
     */
    static String location(URI base, String contextPath, String requestUri, String query) {
        String path = requestUri.startsWith(contextPath) ? requestUri.substring(contextPath.length()) : requestUri;
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        if (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        StringBuilder location = new StringBuilder(base.getScheme()).append("://").append(base.getRawAuthority())
                .append(basePath).append(path.startsWith("/") ? path : "/" + path);
        if (query != null) {
            location.append('?').append(query);
        }
        return location.toString();
    }
}
