package io.moat.core.internal;

import io.moat.core.CoreClient;
import io.moat.core.CoreRejectedException;
import io.moat.core.CoreServer;
import io.moat.core.CoreUnavailableException;
import io.moat.core.ScanResult;
import io.moat.core.SubmitOptions;
import jakarta.json.JsonObject;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * {@link CoreClient} over {@link HttpClient} (HTTP/1.1). Translates Core's HTTP statuses and JSON into this module's
 * types and exceptions; immutable and thread-safe.
 */
public final class HttpCoreClient implements CoreClient {

    private static final String USER_AGENT = "moat";
    private static final String OCTET_STREAM = "application/octet-stream";

    private final CoreServer server;
    private final String base;
    private final HttpClient http;
    private final CoreJson json;

    /**
     * @param server where Core is and how to authenticate
     * @param tls the TLS context for https (null: the JVM's default), deciding which certificates are trusted
     * @param parameters TLS parameters such as protocol versions (null: the context's defaults)
     * @throws jakarta.json.JsonException if no Jakarta JSON Processing implementation is available
     */
    public HttpCoreClient(CoreServer server, SSLContext tls, SSLParameters parameters) {
        this.server = Objects.requireNonNull(server, "server");
        String uri = server.baseUri().toString();
        while (uri.endsWith("/")) {
            uri = uri.substring(0, uri.length() - 1);
        }
        this.base = uri;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(server.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            builder.sslContext(tls);
        }
        if (parameters != null) {
            builder.sslParameters(parameters);
        }
        this.http = builder.build();
        this.json = new CoreJson(server.apiKey());
    }

    @Override
    public String submit(Path file, String fileName, SubmitOptions options)
            throws CoreUnavailableException, CoreRejectedException {
        Objects.requireNonNull(file, "file");
        BodyPublisher body;
        try {
            // known length: Content-Length is sent, never chunked transfer (Core answers 411 to that)
            body = BodyPublishers.ofFile(file);
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException("cannot read the file to submit: " + file, e);
        }
        return submit(body, fileName, nameOf(file), options);
    }

    @Override
    public String submit(byte[] content, String fileName, SubmitOptions options)
            throws CoreUnavailableException, CoreRejectedException {
        Objects.requireNonNull(content, "content");
        return submit(BodyPublishers.ofByteArray(content), fileName, "file", options);
    }

    /** Posts {@code body} under {@code fileName}, or {@code otherName} if that is null or blank. */
    private String submit(BodyPublisher body, String fileName, String otherName, SubmitOptions options)
            throws CoreUnavailableException, CoreRejectedException {
        String name = fileName == null || fileName.isBlank() ? otherName : fileName;
        SubmitOptions opts = options == null ? SubmitOptions.none() : options;
        HttpRequest.Builder request = request("/file")
                .header("Content-Type", OCTET_STREAM)
                .header("filename", HeaderValues.urlEncode(name))
                .header("user_agent", USER_AGENT)
                .POST(body);
        if (server.rule() != null && !server.rule().isBlank()) {
            request.header("rule", HeaderValues.urlEncode(server.rule()));
        }
        if (opts.callbackUrl() != null) {
            request.header("callbackurl", opts.callbackUrl());
        }
        List<String> passwords = opts.archivePasswords();
        if (passwords.size() == 1) {
            request.header("archivepwd", HeaderValues.urlEncode(passwords.get(0)));
        } else {
            for (int i = 0; i < passwords.size(); i++) {
                request.header("archivepwd" + (i + 1), HeaderValues.urlEncode(passwords.get(i)));
            }
        }

        String context = "POST " + base + "/file";
        HttpResponse<String> response = exchange(request.build(), context);
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
        HttpResponse<String> response = exchange(request(path).GET().build(), context);
        if (response.statusCode() == 404 || isSuccess(response.statusCode())) {
            Optional<JsonObject> answer = json.parseObjectIfPossible(response.body());
            if (answer.isPresent() && CoreJson.isNotFound(answer.get())) {
                throw new CoreRejectedException(404, "data_id not found");
            }
        }
        return CoreJson.scanResult(dataId, successBody(response, context));
    }

    @Override
    public String version() throws CoreUnavailableException, CoreRejectedException {
        String context = "GET " + base + "/version";
        HttpResponse<String> response = exchange(request("/version").GET().build(), context);
        return json.version(successBody(response, context), context);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(server.requestTimeout())
                .header("Accept", "application/json");
        if (server.apiKey() != null && !server.apiKey().isBlank()) {
            builder.header("apikey", server.apiKey());
        }
        return builder;
    }

    private HttpResponse<String> exchange(HttpRequest request, String context) throws CoreUnavailableException {
        try {
            return http.send(request, BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new CoreUnavailableException(
                    context + ": no answer within " + server.requestTimeout() + " (" + describe(e) + ")", e);
        } catch (ConnectException e) {
            throw new CoreUnavailableException(context + ": cannot connect (" + describe(e) + ")", e);
        } catch (IOException e) {
            throw new CoreUnavailableException(context + ": exchange failed (" + describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoreUnavailableException(context + ": interrupted while waiting for Core", e);
        }
    }

    /**
     * The JSON object of a successful answer; otherwise the exception the status calls for.
     */
    private JsonObject successBody(HttpResponse<String> response, String context)
            throws CoreUnavailableException, CoreRejectedException {
        int status = response.statusCode();
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

    private static String describe(Exception e) {
        return e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
