package io.moat.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The gateway's REST API, as the admin user. */
final class Api {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Api() {
    }

    record Answer(int status, String contentType, String body, String location) {
        JsonStructure json() {
            try (JsonReader reader = Json.createReader(new StringReader(body))) {
                return reader.read();
            }
        }
    }

    static Answer get(String path, String password) {
        return get("http://127.0.0.1:" + TestBed.HTTP_PORT + path, password, true);
    }

    /** GET of a full URL, with Basic authentication when a password is given. */
    static Answer get(String url, String password, boolean absolute) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (password != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return answer(response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Any request to a full URL as the admin, JSON body or none, with the given client (e.g. one that trusts a test
     * certificate); redirects are not followed.
     */
    static Answer send(HttpClient client, String method, String url, String json) {
        return send(client, method, url, json, "admin", TestBed.ADMIN_PASSWORD);
    }

    /** The same as another user (e.g. the auditor). */
    static Answer send(HttpClient client, String method, String url, String json, String user, String password) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .method(method, json == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return answer(client.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Answer send(String method, String url, String json) {
        return send(HTTP, method, url, json);
    }

    static Answer send(String method, String url, String json, String user, String password) {
        return send(HTTP, method, url, json, user, password);
    }

    private static Answer answer(HttpResponse<String> response) {
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body(), response.headers().firstValue("Location").orElse(null));
    }

    static Answer get(String path) {
        return get(path, TestBed.ADMIN_PASSWORD);
    }

    static JsonObject message(String queueId) {
        Answer answer = get("/api/v1/messages/" + queueId);
        if (answer.status() != 200) {
            throw new IllegalStateException("GET message " + queueId + " answered " + answer.status());
        }
        return (JsonObject) answer.json();
    }

    /** The part of a message detail with this file name (its body comes first, then its attachments). */
    static JsonObject attachment(JsonObject detail, String fileName) {
        return detail.getJsonArray("attachments").stream().map(JsonValue::asJsonObject)
                .filter(a -> fileName.equals(a.getString("fileName"))).findFirst()
                .orElseThrow(() -> new AssertionError("no part " + fileName + " in " + detail.get("attachments")));
    }

    static String state(String queueId) {
        return message(queueId).getString("state");
    }

    static JsonArray list(String query) {
        return (JsonArray) get("/api/v1/messages" + query).json();
    }

    /** The queue id from a {@code 250 2.0.0 Ok: queued as <id>} reply. */
    static String queueId(String reply) {
        if (!reply.startsWith("250 ")) {
            throw new IllegalStateException("message not accepted: " + reply);
        }
        return reply.substring(reply.lastIndexOf(' ') + 1).strip();
    }
}
