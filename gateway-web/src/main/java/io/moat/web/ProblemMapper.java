package io.moat.web;

import io.moat.delivery.RefusedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every error the API answers is a problem body: ours, JAX-RS's own (404, 405, 415 ...), and unexpected ones. */
@Provider
public class ProblemMapper implements ExceptionMapper<Exception> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

    @Override
    public Response toResponse(Exception exception) {
        if (exception instanceof RefusedException r) {
            return response(refused(r));
        }
        if (exception instanceof ProblemException p) {
            return response(new Problem("about:blank", p.title(), p.status(), p.getMessage()));
        }
        if (exception instanceof WebApplicationException w) {
            Response.StatusType status = w.getResponse().getStatusInfo();
            return response(new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(),
                    w.getMessage()));
        }
        LOG.log(Level.SEVERE, "unexpected error in the REST API", exception);
        return response(new Problem("about:blank", "Internal Server Error", 500,
                "The gateway could not answer; the server log has the details."));
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

    private static Response response(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
