package io.moat.web.internal;

import jakarta.servlet.http.HttpServletResponse;

/**
 * Redirects within the console as relative references (RFC 9110 10.2.2 allows them in {@code Location}):
 * {@code sendRedirect} makes a path absolute with the request's {@code Host} header, which a client chooses, so a
 * forged {@code Host} would come back in the redirect. A relative one goes where the browser already is.
 */
public final class Redirects {

    private Redirects() {
    }

    /** A {@code 302} to {@code path} (absolute path of this host, with any query), relative as it is. */
    public static void to(HttpServletResponse response, String path) {
        if (!path.startsWith("/") || path.startsWith("//")) {
            throw new IllegalArgumentException("not a path of this host: " + path);
        }
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", path);
        response.setHeader("Cache-Control", "no-store");
    }
}
