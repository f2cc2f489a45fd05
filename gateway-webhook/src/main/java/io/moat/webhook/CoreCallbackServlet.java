package io.moat.webhook;

import io.moat.delivery.CoreCallbacks;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Core's callback ({@code POST} or {@code PUT}: Core's documentation says both) to the {@code callbackurl} the gateway
 * gave with a file, {@code /webhook/core/<token>}. The body is Core's result JSON; only its {@code data_id} is read,
 * and the verdict is not: the callback makes the file's message due now, and the pipeline asks Core (CORE-API.md,
 * "Webhook"). Answers: {@code 204} taken; {@code 404} for every callback the gateway did not wait for (unknown,
 * expired, used or another file's token: one answer for all); {@code 400} a body without a {@code data_id};
 * {@code 413} a body over {@value #MAX_BODY} bytes; {@code 429} too many from one address ({@link CallbackLimiter}).
 */
@Path("/core/{token}")
@RequestScoped
public class CoreCallbackResource {

    /** Core's result JSON of one file is a few kilobytes; a callback body is refused beyond this. */
    static final int MAX_BODY = 64 * 1024;

    @Inject
    CoreCallbacks callbacks;

    @Inject
    CallbackLimiter limiter;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response post(@PathParam("token") String token, InputStream body) throws IOException {
        return take(token, body);
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    public Response put(@PathParam("token") String token, InputStream body) throws IOException {
        return take(token, body);
    }

    private Response take(String token, InputStream body) throws IOException {
        String source = request.getRemoteAddr();
        if (!limiter.tryAcquire(source)) {
            return problem(429, "Too Many Requests", "too many callbacks from " + source + "; try again later")
                    .header("Retry-After", "1").build();
        }
        if (request.getContentLengthLong() > MAX_BODY) {
            return problem(413, "Content Too Large", "a callback body is at most " + MAX_BODY + " bytes").build();
        }
        byte[] bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            return problem(413, "Content Too Large", "a callback body is at most " + MAX_BODY + " bytes").build();
        }
        String dataId = dataId(bytes);
        if (dataId == null) {
            return problem(400, "Bad Request", "the body is not Core's result JSON with a data_id").build();
        }
        if (!callbacks.callback(token, dataId)) {
            limiter.unknown(source);
            return problem(404, "Not Found", "no such callback").build();
        }
        return Response.noContent().build();
    }

    /** The {@code data_id} of Core's result JSON, or null when the body is not such JSON. */
    static String dataId(byte[] body) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
            JsonValue value = reader.readValue();
            if (!(value instanceof JsonObject object) || !(object.get("data_id") instanceof JsonString id)) {
                return null;
            }
            String text = id.getString();
            return text.isEmpty() || text.length() > 64 ? null : text;
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }

    private static Response.ResponseBuilder problem(int status, String title, String detail) {
        String json = Json.createObjectBuilder().add("type", "about:blank").add("title", title).add("status", status)
                .add("detail", detail).build().toString();
        return Response.status(status).type("application/problem+json").entity(json);
    }
}
