package io.moat.webhook;

import io.moat.delivery.CoreCallbacks;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the webhook port answers, whatever carries the request ({@link CallbackHandler}): Core's callback
 * ({@code POST} or {@code PUT}: Core's documentation says both) to the {@code callbackurl} the gateway gave with a
 * file, {@code /webhook/core/<token>}. The body is Core's result JSON; only its {@code data_id} is read, and the
 * verdict is not: the callback makes the file's message due now, and the pipeline asks Core (CORE-API.md, "Webhook").
 * Answers: {@code 204} taken; {@code 404} for every callback the gateway did not wait for (unknown, expired, used or
 * another file's token, or a path that holds none: one answer for all); {@code 400} a body without a
 * {@code data_id}; {@code 405} another method on a callback's path; {@code 413} a body over {@value #MAX_BODY}
 * bytes; {@code 429} too many from one address ({@link CallbackLimiter}); errors as
 * {@code application/problem+json}.
 */
final class CallbackReceiver {

    /** Where the callbacks come: {@code <publicUrl>/webhook/core/<token>}. */
    static final String PATH = "/webhook/core/";
    /** Core's result JSON of one file is a few kilobytes; a callback body is refused beyond this. */
    static final int MAX_BODY = 64 * 1024;
    /** Made once: {@code Json.createReader} looks the JSON provider up through the service loader at every call. */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());
    private static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());
    /** One answer for every callback the gateway did not wait for. */
    private static final Answer NOT_FOUND = new Answer(404, "Not Found", "no such callback");

    /** An answer: its status, and for an error its problem document's title and detail. */
    record Answer(int status, String title, String detail) {

        static final Answer TAKEN = new Answer(204, null, null);

        /** The {@code application/problem+json} body of an error, null for {@link #TAKEN}. */
        byte[] problem() {
            if (title == null) {
                return null;
            }
            return BUILDERS.createObjectBuilder().add("type", "about:blank").add("title", title).add("status", status)
                    .add("detail", detail).build().toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The body: at most {@link #MAX_BODY} + 1 bytes of it are read, and it is left open (the transport ends it). */
    @FunctionalInterface
    interface Body {
        InputStream open() throws IOException;
    }

    private final CoreCallbacks callbacks;
    private final CallbackLimiter limiter;

    CallbackReceiver(CoreCallbacks callbacks, CallbackLimiter limiter) {
        this.callbacks = callbacks;
        this.limiter = limiter;
    }

    /**
     * Answers one request.
     *
     * @param method        its method
     * @param path          its path (decoded, without the query)
     * @param source        the address it came from
     * @param contentLength its declared length, -1 when none was declared
     * @param body          its body, read only when the rest allows
     */
    Answer take(String method, String path, String source, long contentLength, Body body) throws IOException {
        String token = token(path);
        if (token != null && !"POST".equals(method) && !"PUT".equals(method)) {
            return new Answer(405, "Method Not Allowed", "Core calls back with POST or PUT");
        }
        if (!limiter.tryAcquire(source)) {
            return new Answer(429, "Too Many Requests", "too many callbacks from " + source + "; try again later");
        }
        if (token == null) {
            return NOT_FOUND; // no token tried: charged as one request, so that probes beside Core cost it little
        }
        if (contentLength > MAX_BODY) {
            return tooLarge();
        }
        // not closed here: closing reads the rest of the body, which must not come before the 413
        byte[] bytes = body.open().readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            return tooLarge();
        }
        String dataId = dataId(bytes);
        if (dataId == null) {
            return new Answer(400, "Bad Request", "the body is not Core's result JSON with a data_id");
        }
        if (!callbacks.callback(token, dataId)) {
            limiter.unknown(source);
            return NOT_FOUND;
        }
        return Answer.TAKEN;
    }

    private static Answer tooLarge() {
        return new Answer(413, "Content Too Large", "a callback body is at most " + MAX_BODY + " bytes");
    }

    /** The token of a callback's path ({@code <token>} after {@link #PATH}), or null when it holds none. */
    static String token(String path) {
        if (path == null || !path.startsWith(PATH) || path.length() == PATH.length()
                || path.indexOf('/', PATH.length()) >= 0) {
            return null;
        }
        return path.substring(PATH.length());
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
}
