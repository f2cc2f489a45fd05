package io.moat.web.rescan;

import io.moat.delivery.PublicRescan;
import io.moat.delivery.PublicRescan.Answer;
import io.moat.delivery.PublicRescan.Outcome;
import io.moat.web.console.Formats;
import io.moat.web.internal.MoatAuthentication;
import io.moat.web.internal.RescanGuard;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The public rescan page: {@code GET /rescan?t=<token>} shows what the link opens, {@code POST /rescan} (the token and
 * a password per protected attachment) has them scanned again and shows the result. No account and no session:
 * the token is the only key. Before this runs, the authentication mechanism has sent a plain HTTP request to HTTPS
 * while console HTTPS is on ({@code ConsoleTransport}) and added HSTS to HTTPS answers. Every answer is kept out of
 * caches and carries a content security policy that allows the console's style sheet and a form posted here, and
 * nothing else. Failures (a link that opens nothing, a wrong password) count against the client's address
 * ({@link RescanGuard}); past its limit the page answers 429 without looking at the token.
 */
@WebServlet(PublicRescan.PATH)
public class RescanPageServlet extends HttpServlet {

    /** Nothing from elsewhere, no script at all, no framing; the form posts to this page only. */
    static final String POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    private static final long serialVersionUID = 1L;

    @Inject
    PublicRescan rescan;

    @Inject
    RescanGuard guard;

    @Inject
    Formats formats;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        boolean post = "POST".equals(request.getMethod());
        if (!post && !"GET".equals(request.getMethod())) {
            response.setHeader("Allow", "GET, POST");
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        request.setCharacterEncoding("UTF-8");
        RescanGuard.Ticket ticket = guard.attempt(request.getRemoteAddr());
        if (ticket.refusedFor().isPresent()) {
            long seconds = MoatAuthentication.retryAfterSeconds(ticket.refusedFor().get());
            response.setHeader("Retry-After", Long.toString(seconds));
            write(response, 429, RescanPageHtml.tooMany(seconds));
            return;
        }
        String token = request.getParameter(PublicRescan.TOKEN);
        Answer answer;
        try {
            answer = post ? submit(request, token) : rescan.view(token);
        } catch (RuntimeException e) {
            guard.succeeded(ticket); // the gateway's failure, not the client's
            throw e;
        }
        if (answer.outcome() == Outcome.NOT_VALID || answer.outcome() == Outcome.WRONG_PASSWORD) {
            guard.failed(ticket);
        } else {
            guard.succeeded(ticket);
        }
        write(response, answer.outcome() == Outcome.NOT_VALID ? 404 : 200,
                RescanPageHtml.page(answer, token, formats::time));
    }

    /** The passwords of the form, by the attachment names the link opens now, scanned again. */
    private Answer submit(HttpServletRequest request, String token) {
        Answer now = rescan.view(token);
        if (now.outcome() != Outcome.ASK_PASSWORDS) {
            return now;
        }
        List<String> names = now.message().protectedAttachments();
        Map<String, char[]> passwords = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String password = request.getParameter(RescanPageHtml.PASSWORD_FIELD + i);
            if (password != null) {
                passwords.put(names.get(i), password.toCharArray());
            }
        }
        return rescan.submit(token, passwords, request.getRemoteAddr());
    }

    private static void write(HttpServletResponse response, int status, String html) throws IOException {
        response.setStatus(status);
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(html);
    }
}
