package io.moat.web;

import io.moat.settings.RefusedException;
import io.moat.web.internal.Problems;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every error the API answers is a problem body: ours, JAX-RS's own (404, 405, 415 ...), and unexpected ones. The
 * framework's own messages are never passed on: they quote its message codes ({@code RESTEASY003210}) and the full
 * URL, and tell an admin nothing to do; {@link Problems#forStatus} says it in our words instead.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Exception> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

    @Override
    public Response toResponse(Exception exception) {
        if (exception instanceof RefusedException r) {
            return response(refused(r)).build();
        }
        if (exception instanceof ProblemException p) {
            return response(new Problem("about:blank", p.title(), p.status(), p.getMessage())).build();
        }
        if (exception instanceof NotFoundException && exception.getCause() != null) {
            // JAX-RS answers 404 when a query or path parameter cannot be converted (e.g. limit=ten)
            return response(Problems.of(400, "Bad parameter", "A query parameter has a value of the wrong type:"
                    + " offset and limit are whole numbers.")).build();
        }
        if (exception instanceof WebApplicationException w) {
            Response framework = w.getResponse();
            if (framework.getStatus() >= 500) {
                LOG.log(Level.SEVERE, "error " + framework.getStatus() + " in the REST API", exception);
            }
            Problem standard = Problems.forStatus(framework.getStatus());
            Set<String> allowed = new TreeSet<>(framework.getAllowedMethods());
            if (framework.getStatus() == 405 && !allowed.isEmpty()) {
                return response(Problems.of(405, standard.title(), "This path takes " + String.join(", ", allowed)
                        + ", not this method.")).allow(allowed).build();
            }
            return response(standard).build();
        }
        LOG.log(Level.SEVERE, "unexpected error in the REST API", exception);
        return response(Problems.forStatus(500)).build();
    }

    /** The status a refusal is answered with. */
    static int status(RefusedException e) {
        return refused(e).status();
    }

    /** An application service's refusal: the reason gives the status, the message the detail. */
    private static Problem refused(RefusedException e) {
        return switch (e.reason()) {
            case INVALID -> new Problem("about:blank", "Invalid request", 400, e.getMessage());
            case NOT_FOUND -> new Problem("about:blank", "Not found", 404, e.getMessage());
            case CONFLICT -> new Problem("about:blank", "Conflict", 409, e.getMessage());
            case NOT_APPLIED -> new Problem("about:blank", "Not applied", 503, e.getMessage());
        };
    }

    private static Response.ResponseBuilder response(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }
}
