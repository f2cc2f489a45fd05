package io.moat.webhook;

import io.moat.delivery.CoreCallbacks;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Core's callback ({@code POST} or {@code PUT}: Core's documentation says both) to the {@code callbackurl} the gateway
 * gave with a file, {@code /webhook/core/<token>}. The body is Core's result JSON; only its {@code data_id} is read,
 * and the verdict is not: the callback makes the file's message due now, and the pipeline asks Core (CORE-API.md,
 * "Webhook"). Answers: {@code 204} taken; {@code 404} for every callback the gateway did not wait for (unknown,
 * expired, used or another file's token, or a path that holds none: one answer for all); {@code 400} a body without a
 * {@code data_id}; {@code 413} a body over {@value #MAX_BODY} bytes; {@code 429} too many from one address
 * ({@link CallbackLimiter}); errors as {@code application/problem+json}.
 * <p>
 * A servlet, not a JAX-RS resource: with a Core calling back 1,600 times a second, RESTEasy's dispatch and a
 * request-scoped resource made, injected and validated per callback were most of a callback's cost (ADR 0041).
 */
@WebServlet(CoreCallbackServlet.PATH + "/*")
public class CoreCallbackServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** Where the callbacks come: {@code <publicUrl>/webhook/core/<token>}. */
    static final String PATH = "/webhook/core";
    /** Core's result JSON of one file is a few kilobytes; a callback body is refused beyond this. */
    static final int MAX_BODY = 64 * 1024;
    /** Made once: {@code Json.createReader} looks the JSON provider up through the service loader at every call. */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    @Inject
    transient CoreCallbacks callbacks;

    @Inject
    transient CallbackLimiter limiter;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        take(request, response);
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        take(request, response);
    }

    private void take(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String source = request.getRemoteAddr();
        if (!limiter.tryAcquire(source)) {
            response.setHeader("Retry-After", "1");
            problem(response, 429, "Too Many Requests", "too many callbacks from " + source + "; try again later");
            return;
        }
        if (request.getContentLengthLong() > MAX_BODY) {
            problem(response, 413, "Content Too Large", "a callback body is at most " + MAX_BODY + " bytes");
            return;
        }
        byte[] bytes = request.getInputStream().readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            problem(response, 413, "Content Too Large", "a callback body is at most " + MAX_BODY + " bytes");
            return;
        }
        String dataId = dataId(bytes);
        if (dataId == null) {
            problem(response, 400, "Bad Request", "the body is not Core's result JSON with a data_id");
            return;
        }
        String token = token(request.getPathInfo());
        if (token == null || !callbacks.callback(token, dataId)) {
            limiter.unknown(source);
            problem(response, 404, "Not Found", "no such callback");
            return;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    /** The token of a callback's path ({@code /<token>} after {@link #PATH}), or null when it holds none. */
    static String token(String pathInfo) {
        if (pathInfo == null || pathInfo.length() < 2 || pathInfo.indexOf('/', 1) >= 0) {
            return null;
        }
        return pathInfo.substring(1);
    }

    /** The {@code data_id} of Core's result JSON, or null when the body is not such JSON. */
    static String dataId(byte[] body) {
        try (JsonReader reader = READERS.createReader(new ByteArrayInputStream(body))) {
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

    private static void problem(HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        byte[] json = Json.createObjectBuilder().add("type", "about:blank").add("title", title).add("status", status)
                .add("detail", detail).build().toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }
}
