package io.moat.web.internal;

import io.moat.web.Problem;
import jakarta.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * An RFC 9457 problem body written straight to a servlet response, for answers given before JAX-RS is reached (the
 * authentication mechanism's 401, the container's 403); inside the REST API {@code ProblemMapper} does this.
 */
public final class ProblemResponse {

    private ProblemResponse() {
    }

    public static void write(HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Json.createObjectBuilder().add("type", "about:blank").add("title", title)
                .add("status", status).add("detail", detail).build().toString());
    }
}
