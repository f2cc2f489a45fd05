package io.moat.web;

import io.moat.delivery.ConsoleTlsService;
import io.moat.delivery.GatewaySettings;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * With console HTTPS on, every plain HTTP request (console, rescan page, REST API) is redirected to the same path
 * over HTTPS; {@code 308} keeps the method and body, so API clients that follow redirects keep working.
 */
@WebFilter(urlPatterns = "/*")
public class HttpsRedirectFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Inject
    ConsoleTlsService consoleTls;

    @Inject
    GatewaySettings settings;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.isSecure() || !consoleTls.httpsEnabled()) {
            chain.doFilter(request, response);
            return;
        }
        String host = request.getServerName();
        StringBuilder target = new StringBuilder("https://")
                .append(host.contains(":") ? "[" + host + "]" : host)
                .append(settings.httpsPort() == 443 ? "" : ":" + settings.httpsPort())
                .append(request.getRequestURI());
        if (request.getQueryString() != null) {
            target.append('?').append(request.getQueryString());
        }
        response.setStatus(308);
        response.setHeader("Location", target.toString());
    }
}
