package io.moat.web.internal;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The container's 403 (a signed-in user without the role, e.g. the auditor changing something through the API):
 * a problem body for the REST API, a page that says what to do for the console.
 */
@WebServlet("/forbidden")
public class ForbiddenServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri instanceof String path && path.startsWith(request.getContextPath() + "/api/")) {
            ProblemResponse.write(response, 403, "Forbidden",
                    "Only the admin may change this; the auditor may only read (GET).");
        } else {
            response.setStatus(403);
            response.setCharacterEncoding("UTF-8");
            response.setContentType("text/html");
            response.getWriter().write("<!DOCTYPE html><html lang=\"en\"><head><title>Forbidden · Moat</title></head>"
                    + "<body><h1>Not for this user</h1><p>Your user may not open this. <a href=\""
                    + request.getContextPath() + "/index.xhtml\">Back to the console</a>.</p></body></html>");
        }
    }
}
