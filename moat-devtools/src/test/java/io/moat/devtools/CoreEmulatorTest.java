package io.moat.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CoreEmulatorTest {

    private static final String KEY = CoreEmulator.DEFAULT_API_KEY;
    private static final Pattern DATA_ID = Pattern.compile("\\{\"data_id\":\"([0-9a-f]{32})\"}");
    private static final byte[] CLEAN = "hello, world\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private CoreEmulator core;
    private HttpServer receiver;
    private final BlockingQueue<String> callbacks = new LinkedBlockingQueue<>();
    private final AtomicInteger failCallbacks = new AtomicInteger();

    @BeforeEach
    void startEmulator() throws IOException {
        core = CoreEmulator.builder().build().start();
    }

    @AfterEach
    void stopAll() {
        core.stop();
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void versionNodesAndUnknownPaths() throws Exception {
        HttpResponse<String> version = get("/version", KEY);
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(version.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(version.body()).isEqualTo("{\"product_id\":\"MDCore-emulator\",\"version\":\"4.18.0\"}");
        HttpResponse<String> nodes = get("/stat/nodes", KEY);
        assertThat(nodes.statusCode()).isEqualTo(200);
        assertThat(nodes.body()).startsWith("{\"max_node_count\":1,\"statuses\":[{")
                .contains("\"scan_queue\":0", "\"issues\":[]").endsWith("}]}");
        assertThat(get("/version", null).statusCode()).isEqualTo(401);
        assertThat(get("/nothing/here", KEY)).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("{\"err\":\"Not Found\"}");
        });
        assertThat(get("/file/converted/0123456789abcdef0123456789abcdef", KEY)).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("{\"err\":\"Not Found\"}");
        });
    }

    @Test
    void cleanFileIsAllowedWithTheExactCoreJson() throws Exception {
        HttpResponse<String> post = post(CLEAN, "apikey", KEY, "filename", "r%C3%A9sum%C3%A9%20v1+final.txt", "rule",
                "Multiscan%20Only", "user_agent", "moat-test");
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.headers().firstValue("Content-Type")).hasValue("application/json");
        String id = dataId(post);

        HttpResponse<String> result = get("/file/" + id, KEY);
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).isEqualTo("{\"data_id\":\"" + id + "\",\"file_info\":{\"display_name\":"
                + "\"résumé v1+final.txt\",\"file_size\":13,\"sha256\":\"" + sha256(CLEAN) + "\"},"
                + "\"process_info\":{\"progress_percentage\":100,\"result\":\"Allowed\",\"blocked_reason\":\"\","
                + "\"post_processing\":{\"actions_ran\":\"\",\"converted_destination\":\"\"}},"
                + "\"scan_results\":{\"progress_percentage\":100,\"scan_all_result_i\":0,"
                + "\"scan_all_result_a\":\"No Threat Detected\",\"total_avs\":1}}");

        Submission s = core.lastSubmission().orElseThrow();
        assertThat(s.dataId()).isEqualTo(id);
        assertThat(s.filename()).isEqualTo("résumé v1+final.txt");
        assertThat(s.rule()).isEqualTo("Multiscan Only");
        assertThat(s.userAgent()).isEqualTo("moat-test");
        assertThat(s.archivePasswordGiven()).isFalse();
        assertThat(s.size()).isEqualTo(13);
        assertThat(core.submissions()).isEqualTo(1);
    }

    @Test
    void eicarIsBlockedAsInfected() throws Exception {
        String id = dataId(post(CoreEmulator.EICAR.getBytes(StandardCharsets.US_ASCII), "apikey", KEY));
        assertThat(get("/file/" + id, KEY).body())
                .contains("\"process_info\":{\"progress_percentage\":100,\"result\":\"Blocked\","
                        + "\"blocked_reason\":\"Infected\"")
                .contains("\"scan_results\":{\"progress_percentage\":100,\"scan_all_result_i\":1,"
                        + "\"scan_all_result_a\":\"Infected\",\"total_avs\":1}")
                .contains("\"display_name\":\"\"");
    }

    @Test
    void encryptedZipNeedsTheRightArchivePassword() throws Exception {
        byte[] zip = new ZipFixtures().encrypted("eicar.com", CoreEmulator.EICAR.getBytes(StandardCharsets.US_ASCII),
                "geheim & sicher ü", true, false).build();
        String locked = dataId(post(zip, "apikey", KEY, "filename", "locked.zip"));
        assertThat(get("/file/" + locked, KEY).body())
                .contains("\"result\":\"Blocked\",\"blocked_reason\":\"Encrypted Archive\"")
                .contains("\"scan_all_result_i\":12,\"scan_all_result_a\":\"Encrypted Archive\"");
        String wrong = dataId(post(zip, "apikey", KEY, "archivepwd", "geheim"));
        assertThat(get("/file/" + wrong, KEY).body()).contains("\"scan_all_result_i\":12");
        assertThat(core.lastSubmission().orElseThrow().archivePasswordGiven()).isTrue();

        String opened = dataId(post(zip, "apikey", KEY, "archivepwd", "nope", "archivepwd1", "nope%20either",
                "archivepwd2", "geheim%20%26%20sicher%20%C3%BC"));
        assertThat(get("/file/" + opened, KEY).body())
                .contains("\"result\":\"Blocked\",\"blocked_reason\":\"Infected\"")
                .contains("\"scan_all_result_i\":1,\"scan_all_result_a\":\"Infected\"");
        Submission s = core.lastSubmission().orElseThrow();
        assertThat(s.archivePasswordGiven()).isTrue();
        assertThat(s.toString()).doesNotContain("geheim").doesNotContain("nope");
        assertThat(core.receivedSubmissions()).extracting(Submission::verdict)
                .containsExactly("Encrypted Archive", "Encrypted Archive", "Infected");
    }

    @Test
    void apiKeyIsRequired() throws Exception {
        for (String key : new String[]{null, "", "wrong-key"}) {
            HttpResponse<String> r = key == null ? post(CLEAN) : post(CLEAN, "apikey", key);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).isEqualTo("{\"err\":\"Invalid apikey\"}");
        }
        String id = dataId(post(CLEAN, "apikey", KEY));
        assertThat(get("/file/" + id, "wrong-key").statusCode()).isEqualTo(401);
        assertThat(get("/file/" + id, null).statusCode()).isEqualTo(401);
        assertThat(core.submissions()).isEqualTo(1);
    }

    @Test
    void withoutConfiguredKeyAnyRequestIsAccepted() throws Exception {
        core.stop();
        core = CoreEmulator.builder().apiKey(null).build().start();
        String id = dataId(post(CLEAN));
        assertThat(get("/file/" + id, null).body()).contains("\"scan_all_result_i\":0");
    }

    @Test
    void emptyFileIs422() throws Exception {
        HttpResponse<String> r = post(new byte[0], "apikey", KEY);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).isEqualTo("{\"err\":\"File is empty.\"}");
        assertThat(core.submissions()).isZero();
    }

    @Test
    void chunkedUploadIs411() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/file"))
                .header("apikey", KEY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(CLEAN)))
                .build();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(411);
        assertThat(r.body()).isEqualTo("{\"err\":\"Missing Content-Length header.\"}");

        String raw = rawHttp("POST /file HTTP/1.1\r\nHost: x\r\napikey: " + KEY
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 411 ").endsWith("{\"err\":\"Missing Content-Length header.\"}");
        assertThat(core.submissions()).isZero();
    }

    @Test
    void plainHttpWithContentLengthIsAccepted() throws Exception {
        String raw = rawHttp("POST /file HTTP/1.1\r\nHost: x\r\napikey: " + KEY + "\r\nfilename: a.txt"
                + "\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
        assertThat(raw).startsWith("HTTP/1.1 200 ").containsPattern("\r\n\r\n\\{\"data_id\":\"[0-9a-f]{32}\"}$");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a url", "ftp://127.0.0.1/cb", "http:///cb", "/relative/cb", "127.0.0.1:8080/cb",
            "mailto:a@example.com"})
    void invalidCallbackUrlIs400(String url) throws Exception {
        HttpResponse<String> r = post(CLEAN, "apikey", KEY, "callbackurl", url);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"err\":\"Callback url is invalid.\"}");
        assertThat(core.submissions()).isZero();
    }

    @Test
    void callbackUrlValidation() {
        assertThat(CoreEmulator.isValidCallbackUrl("http://127.0.0.1:8080/cb")).isTrue();
        assertThat(CoreEmulator.isValidCallbackUrl("HTTPS://gateway.example:8443/core/callback?x=1")).isTrue();
        assertThat(CoreEmulator.isValidCallbackUrl("http://exa mple/")).isFalse();
    }

    @Test
    void percentDecodingKeepsPlusAndMalformedEscapes() {
        assertThat(CoreEmulator.percentDecode("a%20b+c%2Bd")).isEqualTo("a b+c+d");
        assertThat(CoreEmulator.percentDecode("100%")).isEqualTo("100%");
        assertThat(CoreEmulator.percentDecode("%zz%4")).isEqualTo("%zz%4");
        assertThat(CoreEmulator.percentDecode("%E2%82%AC")).isEqualTo("€");
        assertThat(CoreEmulator.percentDecode(null)).isNull();
    }

    @Test
    void failNextSubmissionsAnswers503() throws Exception {
        core.failNextSubmissions(2);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = post(CLEAN, "apikey", KEY);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("{\"err\":\"Server is too busy. Try again later.\"}");
        }
        assertThat(post(CLEAN, "apikey", KEY).statusCode()).isEqualTo(200);
        assertThat(core.submissions()).isEqualTo(1);
    }

    @Test
    void unknownDataIdIsNotFoundWith200() throws Exception {
        HttpResponse<String> r = get("/file/0123456789abcdef0123456789abcdef", KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"0123456789abcdef0123456789abcdef\":\"Not Found\"}");
    }

    @Test
    void resultIsInProgressUntilTheDelayHasPassed() throws Exception {
        core.setDelay(Duration.ofMillis(600));
        long start = System.nanoTime();
        String id = dataId(post(CLEAN, "apikey", KEY));
        String pending = get("/file/" + id, KEY).body();
        if (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500)) {
            assertThat(pending).contains("\"process_info\":{\"progress_percentage\":50,\"result\":\"Processing\","
                    + "\"blocked_reason\":\"\"")
                    .contains("\"scan_results\":{\"progress_percentage\":50,\"scan_all_result_i\":255,"
                            + "\"scan_all_result_a\":\"In Progress\",\"total_avs\":1}");
        }
        String done = pollUntilComplete(id);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(600));
        assertThat(done).contains("\"scan_all_result_i\":0", "\"result\":\"Allowed\"");

        core.setDelay(Duration.ZERO);
        String now = dataId(post(CLEAN, "apikey", KEY));
        assertThat(get("/file/" + now, KEY).body()).contains("\"progress_percentage\":100");
    }

    @Test
    void callbackPostsTheFinalResultOnceComplete() throws Exception {
        startReceiver();
        core.setDelay(Duration.ofMillis(300));
        long start = System.nanoTime();
        String id = dataId(post(CoreEmulator.EICAR.getBytes(StandardCharsets.US_ASCII), "apikey", KEY,
                "callbackurl", receiverUrl()));
        String body = callbacks.poll(10, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(body).isEqualTo("POST application/json " + get("/file/" + id, KEY).body());
        assertThat(body).contains("\"scan_all_result_i\":1");
        assertThat(callbacks.poll(300, TimeUnit.MILLISECONDS)).as("exactly one callback").isNull();
    }

    @Test
    void failedCallbackIsRetried() throws Exception {
        startReceiver();
        failCallbacks.set(2);
        String id = dataId(post(CLEAN, "apikey", KEY, "callbackurl", receiverUrl()));
        String expected = "POST application/json " + get("/file/" + id, KEY).body();
        for (int i = 0; i < 3; i++) {
            assertThat(callbacks.poll(10, TimeUnit.SECONDS)).as("attempt %d", i + 1).isEqualTo(expected);
        }
        assertThat(callbacks.poll(500, TimeUnit.MILLISECONDS)).as("no attempt after success").isNull();
    }

    @Test
    void restartsOnTheSamePortAndKeepsResults() throws Exception {
        String id = dataId(post(CLEAN, "apikey", KEY));
        int port = core.port();
        assertThat(port).isPositive();
        core.stop();
        assertThat(core.isRunning()).isFalse();
        assertThatThrownBy(() -> get("/version", KEY)).isInstanceOf(ConnectException.class);
        core.start();
        assertThat(core.port()).isEqualTo(port);
        assertThat(get("/file/" + id, KEY).body()).contains("\"data_id\":\"" + id + "\"",
                "\"progress_percentage\":100");
        core.stop();
        core.start();
        assertThat(get("/version", KEY).statusCode()).isEqualTo(200);
    }

    private String pollUntilComplete(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String body = get("/file/" + id, KEY).body();
            if (body.contains("\"progress_percentage\":100")) {
                return body;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("result for " + id + " never completed");
    }

    private void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/cb", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                callbacks.add(exchange.getRequestMethod() + " "
                        + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
                exchange.sendResponseHeaders(failCallbacks.getAndDecrement() > 0 ? 500 : 200, -1);
            }
        });
        receiver.start();
    }

    private String receiverUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/cb";
    }

    private URI uri(String path) {
        return core.baseUri().resolve(path);
    }

    private HttpResponse<String> post(byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/file"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path, String apiKey) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (apiKey != null) {
            b.header("apikey", apiKey);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private String rawHttp(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), core.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String dataId(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Matcher m = DATA_ID.matcher(response.body());
        assertThat(m.matches()).as(response.body()).isTrue();
        return m.group(1);
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
