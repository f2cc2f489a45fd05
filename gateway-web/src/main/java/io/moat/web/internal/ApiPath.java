package io.moat.web.internal;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Whether a request is for the REST API. Decided on the path the container matched the request with (servlet path
 * and path info: normalised, path parameters removed), never on the raw request URI, which {@code //api/v1/...} or
 * {@code /api;x/v1/...} would pass unnoticed while the container still serves them from the API.
 */
public final class ApiPath {

    private static final String KNOWN = ApiPath.class.getName() + ".api";

    private ApiPath() {
    }

    /**
     * Whether {@code request} is for {@code /api} or below. Decided at the request's first look and kept with it, so
     * that the error page it may be forwarded to (another path) still knows.
     */
    public static boolean isApi(HttpServletRequest request) {
        if (request.getAttribute(KNOWN) instanceof Boolean known) {
            return known;
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        boolean api = path.equals("/api") || path.startsWith("/api/");
        if (request.getDispatcherType() == DispatcherType.REQUEST) {
            request.setAttribute(KNOWN, api);
        }
        return api;
    }
}
