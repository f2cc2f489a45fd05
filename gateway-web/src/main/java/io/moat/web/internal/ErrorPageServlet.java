package io.moat.web.internal;

import io.moat.web.Problem;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The container's error pages (web.xml): for the REST API a problem body, the one authentication prepared
 * ({@link Problems#prepare}: 401, 403 over plain HTTP, 429) or the one for the status (the auditor's 403, a path
 * outside the API's resources, a method the container refuses); for the console a page that says what to do.
 */
@WebServlet(ErrorPageServlet.PATH)
public class ErrorPageServlet extends HttpServlet {

    /** Where web.xml sends errors. */
    public static final String PATH = "/error";

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
                ? code
                : response.getStatus();
        if (ApiPath.isApi(request)) {
            Problem problem = Problems.prepared(request).filter(p -> p.status() == status)
                    .orElseGet(() -> Problems.forStatus(status));
            ProblemResponse.write(response, status, problem.title(), problem.detail());
            return;
        }
        response.setStatus(status);
        response.setCharacterEncoding("UTF-8");
        response.setContentType("text/html");
        String back = "<a href=\"" + request.getContextPath() + "/index.xhtml\">Back to the console</a>.";
        String body = switch (status) {
            case 403 -> "<h1>Not for this user</h1><p>Your user may not open this. " + back + "</p>";
            case 404 -> "<h1>Not found</h1><p>There is no such page. " + back + "</p>";
            default -> status >= 500
                    ? "<h1>Something went wrong</h1><p>The gateway could not show this page; the server log has the"
                            + " details. " + back + "</p>"
                    : "<h1>Refused</h1><p>The gateway refused this request (HTTP " + status + "). " + back + "</p>";
        };
        response.getWriter().write("<!DOCTYPE html><html lang=\"en\"><head><title>Moat</title></head><body>" + body
                + "</body></html>");
    }
}
