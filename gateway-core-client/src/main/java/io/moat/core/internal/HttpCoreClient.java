package io.moat.core.internal;

import io.moat.core.CoreClient;
import io.moat.core.CoreRejectedException;
import io.moat.core.CoreServer;
import io.moat.core.CoreUnavailableException;
import io.moat.core.ScanResult;
import io.moat.core.SubmitOptions;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * {@link CoreClient} over HTTP/1.1 ({@link CoreHttp}: kept connections, one blocking exchange per call). Translates
 * Core's HTTP statuses and JSON into this module's types and exceptions; thread-safe.
 */
public final class HttpCoreClient implements CoreClient {

    private static final String USER_AGENT = "moat";
    private static final String OCTET_STREAM = "application/octet-stream";

    private final CoreServer server;
    private final String base;
    private final CoreExchange http;
    private final CoreJson json;

    /**
     * @param server where Core is and how to authenticate
     * @param tls the TLS context for https (null: the JVM's default), deciding which certificates are trusted
     * @param parameters TLS parameters such as protocol versions (null: the context's defaults)
     * @throws jakarta.json.JsonException if no Jakarta JSON Processing implementation is available
     */
    public HttpCoreClient(CoreServer server, SSLContext tls, SSLParameters parameters) {
        this(server, new CoreHttp(server.baseUri(), tls, parameters, server.requestTimeout()));
    }

    /** Over the given HTTP exchange with {@code server} (the A/B of ADR 0026 compares two). */
    HttpCoreClient(CoreServer server, CoreExchange http) {
        this.server = Objects.requireNonNull(server, "server");
        String uri = server.baseUri().toString();
        while (uri.endsWith("/")) {
            uri = uri.substring(0, uri.length() - 1);
        }
        this.base = uri;
        this.http = Objects.requireNonNull(http, "http");
        this.json = new CoreJson(server.apiKey());
    }

    @Override
    public String submit(Path file, String fileName, SubmitOptions options)
            throws CoreUnavailableException, CoreRejectedException {
        Objects.requireNonNull(file, "file");
        CoreExchange.Body body;
        try {
            // known length: Content-Length is sent, never chunked transfer (Core answers 411 to that)
            body = CoreExchange.Body.of(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file to submit: " + file, e);
        }
        return submit(body, fileName, nameOf(file), options);
    }

    @Override
    public String submit(byte[] content, String fileName, SubmitOptions options)
            throws CoreUnavailableException, CoreRejectedException {
        Objects.requireNonNull(content, "content");
        return submit(CoreExchange.Body.of(content), fileName, "file", options);
    }

    /** Posts {@code body} under {@code fileName}, or {@code otherName} if that is null or blank. */
    private String submit(CoreExchange.Body body, String fileName, String otherName, SubmitOptions options)
            throws CoreUnavailableException, CoreRejectedException {
        String name = fileName == null || fileName.isBlank() ? otherName : fileName;
        SubmitOptions opts = options == null ? SubmitOptions.none() : options;
        List<String> headers = headers();
        headers.addAll(List.of("Content-Type", OCTET_STREAM, "filename", HeaderValues.urlEncode(name),
                "user_agent", USER_AGENT));
        if (server.rule() != null && !server.rule().isBlank()) {
            headers.addAll(List.of("rule", HeaderValues.urlEncode(server.rule())));
        }
        if (opts.callbackUrl() != null) {
            headers.addAll(List.of("callbackurl", opts.callbackUrl()));
        }
        List<String> passwords = opts.archivePasswords();
        if (passwords.size() == 1) {
            headers.addAll(List.of("archivepwd", HeaderValues.urlEncode(passwords.get(0))));
        } else {
            for (int i = 0; i < passwords.size(); i++) {
                headers.addAll(List.of("archivepwd" + (i + 1), HeaderValues.urlEncode(passwords.get(i))));
            }
        }

        String context = "POST " + base + "/file";
        CoreExchange.Answer response = exchange("POST", "/file", headers, body, context);
        return json.dataId(successBody(response, context), context);
    }

    @Override
    public ScanResult fetchResult(String dataId) throws CoreUnavailableException, CoreRejectedException {
        Objects.requireNonNull(dataId, "dataId");
        if (dataId.isBlank()) {
            throw new IllegalArgumentException("dataId is blank");
        }
        String path = "/file/" + HeaderValues.urlEncode(dataId);
        String context = "GET " + base + path;
        CoreExchange.Answer response = exchange("GET", path, headers(), null, context);
        if (response.status() == 404 || isSuccess(response.status())) {
            Optional<JsonObject> answer = json.parseObjectIfPossible(response.body());
            if (answer.isPresent() && CoreJson.isNotFound(answer.get())) {
                throw new CoreRejectedException(404, "data_id not found");
            }
        }
        return CoreJson.scanResult(dataId, successBody(response, context));
    }

    @Override
    public Converted fetchSanitized(String dataId, Path target, long maxBytes)
            throws CoreUnavailableException, CoreRejectedException {
        Objects.requireNonNull(dataId, "dataId");
        Objects.requireNonNull(target, "target");
        if (dataId.isBlank()) {
            throw new IllegalArgumentException("dataId is blank");
        }
        String path = "/file/converted/" + HeaderValues.urlEncode(dataId);
        String context = "GET " + base + path;
        List<String> headers = headers();
        headers.set(1, OCTET_STREAM); // Accept: the sanitized bytes, not JSON
        CoreExchange.Download answer;
        try {
            answer = http.download(path, headers, target, maxBytes);
        } catch (SocketTimeoutException e) {
            throw new CoreUnavailableException(
                    context + ": no answer within " + server.requestTimeout() + " (" + describe(e) + ")", e);
        } catch (ConnectException e) {
            throw new CoreUnavailableException(context + ": cannot connect (" + describe(e) + ")", e);
        } catch (java.nio.file.FileSystemException e) {
            throw new UncheckedIOException("cannot write the sanitized file to " + target, e);
        } catch (IOException e) {
            throw new CoreUnavailableException(context + ": download failed (" + describe(e) + ")", e);
        }
        if (answer.status() == 404) {
            return Converted.NOT_FOUND;
        }
        if (answer.tooLarge()) {
            return Converted.TOO_LARGE;
        }
        if (isSuccess(answer.status())) {
            return Converted.WRITTEN;
        }
        successBody(new CoreExchange.Answer(answer.status(), answer.text()), context);
        throw new CoreUnavailableException(context + ": unexpected HTTP " + answer.status());
    }

    @Override
    public String version() throws CoreUnavailableException, CoreRejectedException {
        String context = "GET " + base + "/version";
        CoreExchange.Answer response = exchange("GET", "/version", headers(), null, context);
        return json.version(successBody(response, context), context);
    }

    /** The headers of every request: what Core should answer with, and the API key. */
    private List<String> headers() {
        List<String> headers = new ArrayList<>(16);
        headers.add("Accept");
        headers.add("application/json");
        if (server.apiKey() != null && !server.apiKey().isBlank()) {
            headers.add("apikey");
            headers.add(server.apiKey());
        }
        return headers;
    }

    private CoreExchange.Answer exchange(String method, String path, List<String> headers, CoreExchange.Body body,
            String context) throws CoreUnavailableException {
        try {
            return http.exchange(method, path, headers, body);
        } catch (SocketTimeoutException e) {
            throw new CoreUnavailableException(
                    context + ": no answer within " + server.requestTimeout() + " (" + describe(e) + ")", e);
        } catch (ConnectException e) {
            throw new CoreUnavailableException(context + ": cannot connect (" + describe(e) + ")", e);
        } catch (IOException e) {
            throw new CoreUnavailableException(context + ": exchange failed (" + describe(e) + ")", e);
        }
    }

    /**
     * The JSON object of a successful answer; otherwise the exception the status calls for.
     */
    private JsonObject successBody(CoreExchange.Answer response, String context)
            throws CoreUnavailableException, CoreRejectedException {
        int status = response.status();
        if (isSuccess(status)) {
            return json.parseObject(response.body(), context);
        }
        String err = json.parseObjectIfPossible(response.body())
                .flatMap(CoreJson::err)
                .map(json::redact)
                .orElseGet(() -> json.snippet(response.body()));
        if (status == 429 || status >= 500) {
            throw new CoreUnavailableException(context + ": HTTP " + status + ": " + err);
        }
        if (status >= 400) {
            throw new CoreRejectedException(status, err);
        }
        throw new CoreUnavailableException(context + ": unexpected HTTP " + status + ": " + err);
    }

    private static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    private static String nameOf(Path file) {
        Path name = file.getFileName();
        return name == null ? "file" : name.toString();
    }

    private String describe(Exception e) {
        return e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + json.redact(e.getMessage());
    }
}
