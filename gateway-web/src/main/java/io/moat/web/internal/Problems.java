package io.moat.web.internal;

import io.moat.web.Problem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * Problem bodies that say what an admin can act on, never a framework's words (which quote its message codes and
 * the full URL): the texts for the error statuses the container or JAX-RS answer by themselves, and the hand-over
 * of a problem decided before any servlet runs (authentication) to the error page that writes it.
 */
public final class Problems {

    private static final String PREPARED = Problems.class.getName() + ".prepared";

    private Problems() {
    }

    /**
     * Sets the status of {@code problem} and keeps the problem with the request: the container then sends its error
     * page ({@code ErrorPageServlet}), which writes it. The response stays uncommitted, so that the container's own
     * error handling has nothing to complain about.
     */
    public static void prepare(HttpServletRequest request, HttpServletResponse response, Problem problem) {
        request.setAttribute(PREPARED, problem);
        response.setStatus(problem.status());
    }

    /** The problem {@link #prepare} kept with this request, if any. */
    public static Optional<Problem> prepared(HttpServletRequest request) {
        return request.getAttribute(PREPARED) instanceof Problem problem ? Optional.of(problem) : Optional.empty();
    }

    /** A problem with the default type. */
    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail);
    }

    /** The REST API's answer for an error status that the container or JAX-RS gave, in words an admin can act on. */
    public static Problem forStatus(int status) {
        return switch (status) {
            case 400 -> of(400, "Bad request", "The request could not be read: check its body (JSON with the fields"
                    + " and types the README gives) and its query parameters.");
            case 401 -> of(401, "Unauthorized", "Give the user name and password of the admin (or auditor) with"
                    + " HTTP Basic authentication.");
            case 403 -> of(403, "Forbidden", "Only the admin may change this; the auditor may only read (GET).");
            case 404 -> of(404, "Not found", "There is no such path in the REST API: its paths begin with /api/v1/"
                    + " and are listed in the README.");
            case 405 -> of(405, "Method not allowed", "This path does not take this method; the Allow header lists"
                    + " the ones it takes.");
            case 406 -> of(406, "Not acceptable", "The REST API answers in JSON: accept application/json.");
            case 413 -> of(413, "Request too large", "The body is larger than the REST API takes.");
            case 415 -> of(415, "Unsupported media type", "Send the body as JSON with Content-Type: application/json"
                    + " (certificates also take multipart/form-data).");
            case 500 -> of(500, "Internal Server Error", "The gateway could not answer; the server log has the"
                    + " details.");
            default -> {
                Response.Status known = Response.Status.fromStatusCode(status);
                String title = known == null ? "HTTP " + status : known.getReasonPhrase();
                yield of(status, title, status >= 500
                        ? "The gateway could not answer (HTTP " + status + "); the server log has the details."
                        : "The request was refused (HTTP " + status + ").");
            }
        };
    }
}
