package io.moat.core;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A scripted MetaDefender Core on 127.0.0.1, port 0: answers each path with what the test set, records every request.
 */
final class FakeCore implements AutoCloseable {

    /** One request as the fake received it. */
    record Received(String method, String rawPath, Headers headers, byte[] body) {

        String header(String name) {
            return headers.getFirst(name);
        }
    }

    private record Answer(int status, byte[] body, Duration delay, boolean chunked, String type) {

        Answer(int status, String body, Duration delay) {
            this(status, body.getBytes(StandardCharsets.UTF_8), delay, false, "application/json; charset=utf-8");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    FakeCore() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Answers requests for {@code rawPath} with {@code status} and {@code body}. */
    FakeCore answer(String rawPath, int status, String body) {
        answers.put(rawPath, new Answer(status, body, Duration.ZERO));
        return this;
    }

    /** Answers requests for {@code rawPath} with 200 and these bytes, as a file: with a length, or chunked. */
    FakeCore answerFile(String rawPath, byte[] bytes, boolean chunked) {
        answers.put(rawPath, new Answer(200, bytes.clone(), Duration.ZERO, chunked, "application/octet-stream"));
        return this;
    }

    /** Answers requests for {@code rawPath} only after {@code delay}. */
    FakeCore answerSlowly(String rawPath, Duration delay, int status, String body) {
        answers.put(rawPath, new Answer(status, body, delay));
        return this;
    }

    /** The base URI of this fake, with a path prefix such as {@code /core} (or {@code ""}). */
    URI uri(String prefix) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + prefix);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    Received onlyRequest() {
        if (received.size() != 1) {
            throw new AssertionError("expected exactly one request, got " + received.size());
        }
        return received.get(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String rawPath = exchange.getRequestURI().getRawPath();
            received.add(new Received(exchange.getRequestMethod(), rawPath, exchange.getRequestHeaders(), body));
            Answer answer = answers.getOrDefault(rawPath,
                    new Answer(404, "{\"err\":\"fake has no answer for " + rawPath + "\"}", Duration.ZERO));
            if (!answer.delay().isZero()) {
                Thread.sleep(answer.delay().toMillis());
            }
            byte[] bytes = answer.body();
            exchange.getResponseHeaders().set("Content-Type", answer.type());
            exchange.sendResponseHeaders(answer.status(), answer.chunked() ? 0 : bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            // the fake is being closed while a slow answer waits
            Thread.currentThread().interrupt();
        }
    }
}
