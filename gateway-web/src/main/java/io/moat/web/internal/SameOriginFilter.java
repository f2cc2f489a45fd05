package io.moat.web.internal;

import io.moat.settings.GeneralSettingsService;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * CSRF protection of the console (and of the public rescan page's form), in front of the Faces view state: a form post whose {@code Origin} (or, without
 * one, {@code Referer}) names another site is refused with 403 before anything runs. "This site" is the address the
 * request came to, or the host (and port, if it has one) of the public server address: behind a reverse proxy the
 * browser's origin is the proxy's. The session cookie is
 * {@code SameSite=Lax} as well (no cross-site posts), and every Faces form carries the session's random view state id.
 */
@WebFilter(urlPatterns = {"*.xhtml", "/rescan"})
public class SameOriginFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(SameOriginFilter.class.getName());
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    GeneralSettingsService general;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (SAFE.contains(request.getMethod()) || sameOrigin(request, general::publicAddress)) {
            chain.doFilter(request, response);
            return;
        }
        LOG.warning(() -> "refused a console " + request.getMethod() + " of " + request.getRequestURI()
                + " from another site (Origin " + request.getHeader("Origin") + ", Referer "
                + request.getHeader("Referer") + ") by " + request.getRemoteAddr());
        response.setStatus(403);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write("Refused: this form was sent from another site. Open the console at "
                + origin(request.getScheme(), request.getServerName(), request.getServerPort())
                + " and submit it there. Behind a reverse proxy, set the public server address (Settings > General)"
                + " to the address the browser uses.\n");
    }

    static boolean sameOrigin(HttpServletRequest request, Supplier<URI> publicAddress) {
        String claimed = request.getHeader("Origin");
        if (claimed == null || claimed.equals("null")) {
            claimed = request.getHeader("Referer");
        }
        if (claimed == null) {
            return true; // neither header: not a browser's cross-site form; the view state still protects
        }
        try {
            URI uri = URI.create(claimed.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return false;
            }
            if (origin(uri.getScheme(), uri.getHost(), uri.getPort())
                    .equals(origin(request.getScheme(), request.getServerName(), request.getServerPort()))) {
                return true;
            }
            URI known = publicAddress.get();
            return uri.getHost().equalsIgnoreCase(known.getHost()) && (known.getPort() < 0
                    || known.getPort() == (uri.getPort() > 0
                            ? uri.getPort()
                            : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String origin(String scheme, String host, int port) {
        String s = scheme.toLowerCase(Locale.ROOT);
        int p = port > 0 ? port : s.equals("https") ? 443 : 80;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return s + "://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + p;
    }
}
