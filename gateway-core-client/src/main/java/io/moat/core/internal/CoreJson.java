package io.moat.core.internal;

import io.moat.core.CoreUnavailableException;
import io.moat.core.ScanResult;
import io.moat.core.VerdictCategory;
import io.moat.core.VerdictMapper;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Reads Core's JSON answers and translates them into this module's types. The only place that knows Core's field
 * names.
 */
final class CoreJson {

    /** Code used in {@link ScanResult#code()} when Core reported no {@code scan_all_result_i}. */
    static final int NO_CODE = -1;

    private static final int IN_PROGRESS = 255;
    private static final String SANITIZED = "Sanitized";
    private static final String SANITIZED_PARTIALLY = "Sanitized Partially";
    /** What every Deep CDR action's name starts with ({@code Sanitization Failed}, {@code Sanitized}). */
    private static final String SANITIZ = "Sanitiz";
    private static final int MAX_NAME = 255;
    private static final String NOT_FOUND = "Not Found";
    private static final Pattern SMALL_INTEGER = Pattern.compile("-?\\d{1,9}");
    private static final Pattern ACTION_SEPARATOR = Pattern.compile("[|,;]");
    private static final BigDecimal MIN_INT = BigDecimal.valueOf(Integer.MIN_VALUE);
    private static final BigDecimal MAX_INT = BigDecimal.valueOf(Integer.MAX_VALUE);

    private final JsonReaderFactory readers;
    private final String secret;

    /**
     * @param secret a text never to repeat in messages (the API key), or null
     * @throws JsonException if no Jakarta JSON Processing implementation is available
     */
    CoreJson(String secret) {
        this.readers = Json.createReaderFactory(Map.of());
        this.secret = secret == null || secret.isBlank() ? null : secret;
    }

    /**
     * Parses an answer that must be a JSON object.
     *
     * @param body    the answer's body
     * @param context what was asked and where, for the exception message
     * @throws CoreUnavailableException if the body is not a JSON object
     */
    JsonObject parseObject(String body, String context) throws CoreUnavailableException {
        JsonStructure structure;
        try (JsonReader reader = readers.createReader(new StringReader(body))) {
            structure = reader.read();
        } catch (JsonException e) {
            throw new CoreUnavailableException(context + ": unreadable answer (" + redact(e.getMessage()) + "): "
                    + snippet(body), e);
        }
        if (structure instanceof JsonObject object) {
            return object;
        }
        throw new CoreUnavailableException(context + ": answer is not a JSON object: " + snippet(body));
    }

    /**
     * Parses a body that may or may not be a JSON object (error answers can come from proxies, as HTML).
     *
     * @return the object, or empty when the body is not a JSON object
     */
    Optional<JsonObject> parseObjectIfPossible(String body) {
        try (JsonReader reader = readers.createReader(new StringReader(body))) {
            return reader.read() instanceof JsonObject object ? Optional.of(object) : Optional.empty();
        } catch (JsonException notJson) {
            // error answers from proxies are often HTML: the caller then reports the raw body instead
            return Optional.empty();
        }
    }

    /** Core's {@code err} text, if the answer has one. */
    static Optional<String> err(JsonObject answer) {
        return Optional.ofNullable(text(answer, "err"));
    }

    /**
     * Whether the answer is Core's "unknown data_id" form, {@code {"<dataId>":"Not Found"}}.
     */
    static boolean isNotFound(JsonObject answer) {
        if (answer.size() != 1) {
            return false;
        }
        JsonValue value = answer.values().iterator().next();
        return value instanceof JsonString s && s.getString().strip().equalsIgnoreCase(NOT_FOUND);
    }

    /**
     * The {@code data_id} of a {@code POST /file} answer.
     *
     * @throws CoreUnavailableException if there is none
     */
    String dataId(JsonObject answer, String context) throws CoreUnavailableException {
        return requiredText(answer, "data_id", context);
    }

    /**
     * The {@code version} of a {@code GET /version} answer.
     *
     * @throws CoreUnavailableException if there is none
     */
    String version(JsonObject answer, String context) throws CoreUnavailableException {
        return requiredText(answer, "version", context);
    }

    /**
     * Translates a {@code GET /file/{dataId}} answer (or a callback body, which is the same JSON).
     *
     * @param requestedDataId the id that was asked for; used when the answer does not repeat it
     * @param answer          Core's answer
     */
    static ScanResult scanResult(String requestedDataId, JsonObject answer) {
        JsonObject processInfo = object(answer, "process_info");
        JsonObject scanResults = object(answer, "scan_results");
        OptionalInt processProgress = progress(processInfo);
        OptionalInt scanProgress = progress(scanResults);
        OptionalInt reportedCode = integral(scanResults, "scan_all_result_i");
        int code = reportedCode.orElse(NO_CODE);

        boolean done = processProgress.orElse(0) == 100 || scanProgress.orElse(0) == 100;
        boolean complete = done && code != IN_PROGRESS;
        int progressPercent = Math.max(processProgress.orElse(0), scanProgress.orElse(0));
        progressPercent = complete ? 100 : Math.min(progressPercent, 99);

        String processResult = text(processInfo, "result");
        VerdictCategory category = complete ? VerdictMapper.categoryOf(code, processResult) : VerdictCategory.PENDING;

        String dataId = text(answer, "data_id");
        return new ScanResult(dataId == null ? requestedDataId : dataId, complete, progressPercent, code,
                text(scanResults, "scan_all_result_a"), category, sanitization(processInfo),
                convertedName(processInfo), text(processInfo, "blocked_reason"));
    }

    /**
     * At most 200 characters of a body, without control characters and without the secret, for exception messages.
     */
    String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "(empty)";
        }
        String clean = redact(body.strip().replaceAll("\\p{Cntrl}+", " "));
        return clean.length() <= 200 ? clean : clean.substring(0, 200) + "…";
    }

    /** The text with every occurrence of the secret replaced by {@code ***}: Core's texts are not ours. */
    String redact(String text) {
        return text == null || secret == null ? text : text.replace(secret, "***");
    }

    private String requiredText(JsonObject answer, String name, String context)
            throws CoreUnavailableException {
        String value = text(answer, name);
        if (value == null) {
            throw new CoreUnavailableException(
                    context + ": answer has no " + name + ": " + snippet(answer.toString()));
        }
        return value;
    }

    /**
     * What Deep CDR did: a failure in {@code actions_failed} ({@code Sanitization Failed}, {@code Sanitization Timed
     * Out}, ...) outweighs {@code Sanitized} in {@code actions_ran} (a failed partial run is no sanitized copy);
     * {@code Sanitized} or {@code Sanitized Partially} there is a sanitized copy; {@code Sanitization Skipped} or
     * nothing is none.
     */
    static ScanResult.Sanitization sanitization(JsonObject processInfo) {
        JsonObject postProcessing = object(processInfo, "post_processing");
        if (actions(postProcessing, "actions_failed").stream()
                .anyMatch(a -> a.regionMatches(true, 0, SANITIZ, 0, SANITIZ.length()))) {
            return ScanResult.Sanitization.FAILED;
        }
        if (actions(postProcessing, "actions_ran").stream()
                .anyMatch(a -> a.equalsIgnoreCase(SANITIZED) || a.equalsIgnoreCase(SANITIZED_PARTIALLY))) {
            return ScanResult.Sanitization.SANITIZED;
        }
        return ScanResult.Sanitization.NONE;
    }

    /** The actions listed in a field of {@code post_processing}: a string separated by {@code |}, or an array. */
    private static List<String> actions(JsonObject postProcessing, String name) {
        JsonValue actions = postProcessing == null ? null : postProcessing.get(name);
        List<String> list = new ArrayList<>();
        if (actions instanceof JsonString s) {
            for (String action : ACTION_SEPARATOR.split(s.getString())) {
                list.add(action.strip());
            }
        } else if (actions instanceof JsonArray array) {
            for (JsonValue action : array) {
                if (action instanceof JsonString a) {
                    list.add(a.getString().strip());
                }
            }
        }
        return list;
    }

    /**
     * The sanitized file's name, {@code converted_destination}: only its last path segment (Core may give a path),
     * without control characters, at most 255 characters; null if there is none.
     */
    static String convertedName(JsonObject processInfo) {
        String destination = text(object(processInfo, "post_processing"), "converted_destination");
        if (destination == null) {
            return null;
        }
        String name = destination.substring(Math.max(destination.lastIndexOf('/'), destination.lastIndexOf('\\'))
                + 1).replaceAll("\\p{Cntrl}", "").strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return null;
        }
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME);
    }

    private static OptionalInt progress(JsonObject parent) {
        JsonValue value = parent == null ? null : parent.get("progress_percentage");
        if (value instanceof JsonNumber n) {
            BigDecimal d = n.bigDecimalValue();
            return OptionalInt.of(d.signum() < 0 ? 0 : d.min(BigDecimal.valueOf(100)).intValue());
        }
        if (value instanceof JsonString s && SMALL_INTEGER.matcher(s.getString().strip()).matches()) {
            return OptionalInt.of(Math.max(0, Math.min(100, Integer.parseInt(s.getString().strip()))));
        }
        return OptionalInt.empty();
    }

    /** An integer field; a fraction or a number outside the int range counts as absent. */
    private static OptionalInt integral(JsonObject parent, String name) {
        JsonValue value = parent == null ? null : parent.get(name);
        if (value instanceof JsonNumber n && n.isIntegral()) {
            BigDecimal d = n.bigDecimalValue();
            if (d.compareTo(MIN_INT) >= 0 && d.compareTo(MAX_INT) <= 0) {
                return OptionalInt.of(d.intValue());
            }
        } else if (value instanceof JsonString s && SMALL_INTEGER.matcher(s.getString().strip()).matches()) {
            return OptionalInt.of(Integer.parseInt(s.getString().strip()));
        }
        return OptionalInt.empty();
    }

    private static JsonObject object(JsonObject parent, String name) {
        JsonValue value = parent == null ? null : parent.get(name);
        return value instanceof JsonObject o ? o : null;
    }

    /** A non-blank string field, or null. */
    private static String text(JsonObject parent, String name) {
        JsonValue value = parent == null ? null : parent.get(name);
        if (value instanceof JsonString s && !s.getString().isBlank()) {
            return s.getString();
        }
        return null;
    }
}
