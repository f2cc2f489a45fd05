package io.moat.web;

import io.moat.web.internal.Problems;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;

/**
 * A request body that cannot be read into the resource's type (not JSON, a string where a number belongs, a broken
 * multipart form) is the client's mistake: 400 in our words. JAX-RS leaves it to the body reader, and RESTEasy's
 * JSON-B reader throws a {@code ProcessingException} quoting its message code and the parser's internals, which
 * would otherwise be answered as our own failure (500).
 */
@Provider
public class UnreadableBodies implements ReaderInterceptor {

    /** The answer to a body that could not be read. */
    static final Problem UNREADABLE = Problems.of(400, "Unreadable body", "The body is not JSON of the shape this"
            + " path takes: check the syntax, the field names and the types of their values against the README.");

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        try {
            return context.proceed();
        } catch (ProcessingException | JsonbException | JsonException e) {
            throw new ProblemException(UNREADABLE.status(), UNREADABLE.title(), UNREADABLE.detail());
        }
    }
}
