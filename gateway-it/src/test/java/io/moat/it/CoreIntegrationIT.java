package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.CoreEmulator;
import io.moat.devtools.Submission;
import io.moat.testkit.SmtpClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Core integration (issue #32) on a gateway of this test's own. Core's webhook callbacks, its default Core profile pointed at an
 * emulator of this test's that takes seconds per file and calls back. A callback makes the message due now (the
 * verdict is read from Core, so the emulator's request log shows one result request after the submission's own);
 * forged, replayed and crossed callbacks are refused alike and cost Core nothing; without a callback, the fallback
 * poll reads the verdict; callbacks off, polling as before; over TLS, the webhook port serves the chosen
 * certificate and only the chosen versions (openssl s_client), and a renewed certificate at once. Then a Core on
 * localhost over HTTPS serving the gateway's digital ID (trusted without being added), and a profile of two Core
 * servers, each an emulator process of its own, round robin and failover, one of them killed meanwhile.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoreIntegrationIT {

    private static final int CORE_PORT = 22018;
    private static final int CORE_TLS_PORT = 22019;
    private static final int CORE_B_PORT = 22020;
    private static final String KEY = "hooks-key";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static DedicatedGateway gateway;
    private static CoreEmulator core;
    private static Path made;
    private static String profileId;
    private static int webhookPort;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void up() throws Exception {
        gateway = DedicatedGateway.start(9, "webhook", List.of());
        webhookPort = gateway.httpPort + 9;
        made = gateway.dataDir.resolveSibling("openssl");
        OpenSsl.selfSigned(made, "first", "webhook-first.it.test", false);
        OpenSsl.selfSigned(made, "second", "webhook-second.it.test", true);
        core = CoreEmulator.builder().bindAddress(InetAddress.getLoopbackAddress()).port(CORE_PORT).apiKey(KEY)
                .delay(Duration.ofSeconds(2))
                .callbackTrust(Trust.trusting(made.resolve("first.crt"), made.resolve("second.crt"))).build().start();
        profileId = ((JsonArray) Api.send("GET", gateway.api("/server-profiles"), null).json()).stream()
                .map(JsonValue::asJsonObject).filter(p -> p.getString("type").equals("CORE")).findFirst()
                .orElseThrow().getString("id");
    }

    @AfterAll
    static void down() throws InterruptedException {
        if (core != null) {
            core.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Order(1)
    void aCallbackMakesTheVerdictReadAtOnceAndNoOtherCallbackChangesAnything() throws Exception {
        JsonObject profile = profile("{\"enabled\": true, \"publicUrl\": \"http://127.0.0.1:" + webhookPort
                + "/\", \"fallbackPollSeconds\": 600}");
        JsonObject webhook = profile.getJsonObject("webhook");
        assertThat(webhook.getBoolean("enabled")).isTrue();
        assertThat(webhook.getInt("port")).isEqualTo(webhookPort);
        assertThat(webhook.getString("publicUrl")).isEqualTo("http://127.0.0.1:" + webhookPort);
        assertThat(webhook.getInt("fallbackPollSeconds")).isEqualTo(600);
        assertThat(webhook.getJsonObject("tls").getBoolean("enabled")).isFalse();

        // two messages in flight at once: A's callback URL with B's data_id is refused and asks Core nothing
        core.setDelay(Duration.ofSeconds(4));
        String subjectA = "a-" + Instant.now().toEpochMilli();
        String a = send(subjectA);
        String b = send("b-" + Instant.now().toEpochMilli());
        Submission subA = submissionOf(a);
        Submission subB = submissionOf(b);
        assertThat(subA.callbackUrl()).startsWith("http://127.0.0.1:" + webhookPort + "/webhook/core/");
        assertThat(subA.callbackUrl()).isNotEqualTo(subB.callbackUrl());
        int asked = core.resultRequests();
        assertThat(post(subA.callbackUrl(), "{\"data_id\":\"" + subB.dataId() + "\"}").statusCode()).isEqualTo(404);

        // a forged token: the same answer, nothing asked of Core
        String forged = "http://127.0.0.1:" + webhookPort + "/webhook/core/" + token();
        HttpResponse<String> refused = post(forged, "{\"data_id\":\"" + subA.dataId() + "\"}");
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(put(forged, "{\"data_id\":\"" + subA.dataId() + "\"}").statusCode()).isEqualTo(404);
        assertThat(core.resultRequests()).isEqualTo(asked);
        assertThat(state(a)).isEqualTo("SCANNING");
        assertThat(state(b)).isEqualTo("SCANNING");

        // bodies: not Core's JSON, or too large
        assertThat(post(forged, "not json").statusCode()).isEqualTo(400);
        assertThat(post(forged, "{\"data_id\":\"" + "x".repeat(70_000) + "\"}").statusCode()).isEqualTo(413);
        // the port serves callbacks and nothing else
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(subA.callbackUrl())).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST, PUT");
        HttpResponse<String> elsewhere = post("http://127.0.0.1:" + webhookPort + "/webhook/other", "{}");
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(elsewhere.body()).contains("\"status\":404");
        assertThat(core.resultRequests()).isEqualTo(asked);

        // the real callbacks come after the emulator's 4 s: each message delivered long before the 600 s poll, its
        // verdict read twice in all (at the submission, since nothing is known yet of this Core's pace, and once Core
        // called); it waited in memory meanwhile, shown as being scanned
        await().atMost(PATIENCE).until(() -> state(a).equals("DELIVERED") && state(b).equals("DELIVERED"));
        assertThat(core.resultRequests(subA.dataId())).isEqualTo(2);
        assertThat(core.resultRequests(subB.dataId())).isEqualTo(2);
        assertThat(gateway.sink.messages()).anyMatch(m -> new String(m.data()).contains("Subject: " + subjectA));

        // a replayed callback: refused, nothing asked
        int before = core.resultRequests();
        assertThat(post(subA.callbackUrl(), "{\"data_id\":\"" + subA.dataId() + "\"}").statusCode()).isEqualTo(404);
        assertThat(core.resultRequests()).isEqualTo(before);

        // someone trying tokens gets a burst of about eighty, then forty a second (a fiftieth of the callbacks'
        // rate): a client trying faster than that meets 429 within a few hundred tries
        int tries = 0;
        boolean limited = false;
        while (tries < 1000 && !limited) {
            tries++;
            limited = post(forged, "{\"data_id\":\"x\"}").statusCode() == 429;
        }
        assertThat(limited).as("429 after %d tries", tries).isTrue();
        assertThat(tries).isGreaterThan(50);
    }

    @Test
    @Order(2)
    void whenCoreNeverCallsTheFallbackPollReadsTheVerdict() throws Exception {
        // Core is told to call a port nobody listens on: only the 5 s fallback poll brings the verdict
        profile("{\"enabled\": true, \"publicUrl\": \"http://127.0.0.1:9\", \"fallbackPollSeconds\": 5}");
        core.setDelay(Duration.ofSeconds(1));
        String subject = "fallback-" + Instant.now().toEpochMilli();
        Instant sent = Instant.now();
        String id = send(subject);
        assertThat(submissionOf(id).callbackUrl()).startsWith("http://127.0.0.1:9/webhook/core/");
        await().atMost(PATIENCE).until(() -> state(id).equals("DELIVERED"));
        assertThat(Duration.between(sent, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        // Core took seconds per file in the test before: the gateway no longer asks right after submitting (CorePace),
        // only at the fallback poll
        assertThat(core.resultRequests(submissionOf(id).dataId())).isEqualTo(1);
    }

    @Test
    @Order(3)
    void withCallbacksOffTheGatewayPollsWhenCoresFilesAreUsuallyDone() throws Exception {
        profile("{\"enabled\": false}");
        core.setDelay(Duration.ofSeconds(2));
        String id = send("polled-" + Instant.now().toEpochMilli());
        Submission submission = submissionOf(id);
        assertThat(submission.callbackUrl()).isNull();
        assertThat(state(id)).as("waiting in memory, shown as being scanned").isEqualTo("SCANNING");
        await().atMost(PATIENCE).until(() -> state(id).equals("DELIVERED"));
        // asked when this Core's files are usually done (CorePace: seconds, after the tests before), not a dozen
        // times in the first second
        assertThat(core.resultRequests(submission.dataId())).isBetween(1, 2);
    }

    @Test
    @Order(4)
    void overTlsTheWebhookPortServesTheChosenCertificateAndVersionsAndARenewalAtOnce() throws Exception {
        Api.Answer added = Api.send("POST", gateway.api("/certificates"), pair("webhook", "first"));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        String certificate = ((JsonObject) added.json()).getString("id");

        JsonObject profile = profile("{\"enabled\": true, \"fallbackPollSeconds\": 600, \"publicUrl\":"
                + " \"https://localhost:" + webhookPort + "\", \"tls\": {\"enabled\": true, \"certificateId\": \""
                + certificate + "\", \"protocols\": [\"TLSv1.3\"]}}");
        assertThat(profile.getJsonObject("webhook").getJsonObject("tls").getJsonArray("protocols"))
                .containsExactly(Json.createValue("TLSv1.3"));
        OpenSsl.Handshake tls13 = OpenSsl.connect(webhookPort, "-tls1_3");
        assertThat(tls13.established()).as(tls13.output()).isTrue();
        assertThat(OpenSsl.fingerprint(tls13.certificatePem()))
                .isEqualTo(OpenSsl.fingerprint(made.resolve("first.crt")));
        assertThat(OpenSsl.connect(webhookPort, "-tls1_2").established()).isFalse();
        // in use: the certificate cannot be deleted
        Api.Answer delete = Api.send("DELETE", gateway.api("/certificates/" + certificate), null);
        assertThat(delete.status()).isEqualTo(409);
        assertThat(delete.body()).contains("webhook listener");

        // Core calls back over HTTPS (trusting the certificate): the verdict is read at once
        core.setDelay(Duration.ofSeconds(2));
        String first = send("tls-" + Instant.now().toEpochMilli());
        await().atMost(PATIENCE).until(() -> state(first).equals("DELIVERED"));
        // asked once, when Core called: the gateway knows by now that this Core takes seconds (CorePace)
        assertThat(core.resultRequests(submissionOf(first).dataId())).isEqualTo(1);
        assertThat(submissionOf(first).callbackUrl()).startsWith("https://localhost:" + webhookPort + "/webhook/core/");

        // renewed: the next handshake presents the new certificate, no restart
        Api.Answer renewed = Api.send("PUT", gateway.api("/certificates/" + certificate), pair("webhook", "second"));
        assertThat(renewed.status()).as(renewed.body()).isEqualTo(200);
        OpenSsl.Handshake after = OpenSsl.connect(webhookPort, "-tls1_3");
        assertThat(OpenSsl.fingerprint(after.certificatePem()))
                .isEqualTo(OpenSsl.fingerprint(made.resolve("second.crt")));
        String second = send("renewed-" + Instant.now().toEpochMilli());
        await().atMost(PATIENCE).until(() -> state(second).equals("DELIVERED"));
        assertThat(core.resultRequests(submissionOf(second).dataId())).isEqualTo(1);

        // back to plain HTTP: no more TLS on the port, and the callbacks come over HTTP again
        profile("{\"enabled\": true, \"publicUrl\": \"http://127.0.0.1:" + webhookPort + "\", \"tls\":"
                + " {\"enabled\": false}}");
        assertThat(OpenSsl.connect(webhookPort, "-tls1_3").established()).isFalse();
        String plain = send("plain-" + Instant.now().toEpochMilli());
        await().atMost(PATIENCE).until(() -> state(plain).equals("DELIVERED"));
        assertThat(core.resultRequests(submissionOf(plain).dataId())).isEqualTo(1);
    }

    @Test
    @Order(5)
    void badWebhookSettingsAreRefusedInWordsAnAdminCanActOn() {
        for (String bad : List.of("{\"port\": 70000}", "{\"bindAddress\": \"not-an-ip\"}",
                "{\"publicUrl\": \"ftp://x\"}", "{\"fallbackPollSeconds\": 1}",
                "{\"tls\": {\"enabled\": true}}", "{\"tls\": {\"enabled\": true, \"certificateId\": \"nope\"}}",
                "{\"tls\": {\"enabled\": true, \"certificateId\": \"digital-id\", \"protocols\": [\"SSLv3\"]}}")) {
            Api.Answer answer = Api.send("PUT", gateway.api("/server-profiles/" + profileId), body(bad));
            assertThat(answer.status()).as(bad + " " + answer.body()).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.body()).contains("webhook");
        }
    }

    @Test
    @Order(6)
    void aCoreOnLocalhostServingTheDigitalIdIsTrustedWithoutBeingAdded() throws Exception {
        try (CoreEmulator local = CoreEmulator.builder().bindAddress(InetAddress.getLoopbackAddress())
                .port(CORE_TLS_PORT).apiKey(KEY).https(gateway.dataDir.resolve("key.pem"),
                        gateway.dataDir.resolve("cert.pem"))
                .build().start()) {
            servers("FAILOVER", "https://localhost:" + CORE_TLS_PORT);
            String id = send("local-tls-" + Instant.now().toEpochMilli());
            await().atMost(PATIENCE).until(() -> state(id).equals("DELIVERED"));
            assertThat(local.receivedSubmissions()).extracting(Submission::filename)
                    .anyMatch(name -> name.startsWith("local-tls-"));
        }
    }

    @Test
    @Order(7)
    void twoCoreServersTakeTurnsAndOneStoppedLeavesTheOtherToScanEverything() throws Exception {
        // two emulator processes of their own (the ports of the HTTPS emulator above, closed by now, and B's); what
        // each scanned is read from its own log; both are killed at the end whatever happens
        Path logs = made.resolveSibling("core-processes");
        try (EmulatorProcess a = EmulatorProcess.start(CORE_TLS_PORT, KEY, logs.resolve("a.log"));
                EmulatorProcess b = EmulatorProcess.start(CORE_B_PORT, KEY, logs.resolve("b.log"))) {
            servers("ROUND_ROBIN", "http://127.0.0.1:" + CORE_TLS_PORT, "http://127.0.0.1:" + CORE_B_PORT);
            List<String> ids = new ArrayList<>();
            List<String> files = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String subject = "turns-" + i + "-" + Instant.now().toEpochMilli();
                ids.add(send(subject));
                files.add(subject + ".pdf");
            }
            await().atMost(PATIENCE).until(() -> ids.stream().allMatch(id -> state(id).equals("DELIVERED")));
            await().atMost(PATIENCE).until(() -> a.scanned().size() + b.scanned().size() == 6);
            assertThat(a.scanned()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(b.scanned()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(a.scanned().keySet()).doesNotContainAnyElementsOf(b.scanned().keySet()); // none scanned twice
            List<String> both = new ArrayList<>(a.scanned().keySet());
            both.addAll(b.scanned().keySet());
            assertThat(both).containsExactlyInAnyOrderElementsOf(files);
            // the gateway recorded each file at the server (its place in the profile) whose process logged it, with
            // the data_id that process gave it
            for (int i = 0; i < 6; i++) {
                String file = files.get(i);
                assertThat(dataIdOf(ids.get(i))).isEqualTo(a.scanned().containsKey(file)
                        ? "0/" + a.scanned().get(file)
                        : "1/" + b.scanned().get(file));
            }

            // one of them is killed: the other scans everything, nothing waits for the dead one
            b.kill();
            assertThat(b.isAlive()).isFalse();
            assertThat(b.listens()).isFalse();
            Map<String, String> deadB = b.scanned();
            int before = a.scanned().size();
            List<String> after = new ArrayList<>();
            List<String> afterFiles = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String subject = "one-left-" + i + "-" + Instant.now().toEpochMilli();
                after.add(send(subject));
                afterFiles.add(subject + ".pdf");
            }
            await().atMost(PATIENCE).until(() -> after.stream().allMatch(id -> state(id).equals("DELIVERED")));
            await().atMost(PATIENCE).until(() -> a.scanned().size() == before + 4);
            assertThat(a.scanned()).containsKeys(afterFiles.toArray(String[]::new));
            for (int i = 0; i < 4; i++) {
                assertThat(dataIdOf(after.get(i))).isEqualTo("0/" + a.scanned().get(afterFiles.get(i)));
            }
            assertThat(b.scanned()).isEqualTo(deadB);

            // failover: the first server (dead) is passed over for the second
            servers("FAILOVER", "http://127.0.0.1:" + CORE_B_PORT, "http://127.0.0.1:" + CORE_TLS_PORT);
            String subject = "failover-" + Instant.now().toEpochMilli();
            String failover = send(subject);
            await().atMost(PATIENCE).until(() -> state(failover).equals("DELIVERED"));
            await().atMost(PATIENCE).until(() -> a.scanned().containsKey(subject + ".pdf"));
            assertThat(dataIdOf(failover)).isEqualTo("1/" + a.scanned().get(subject + ".pdf")); // A is second now
            assertThat(b.scanned()).isEqualTo(deadB);
        }
    }

    /** The default Core profile with these servers and strategy, callbacks off. */
    private static void servers(String strategy, String... uris) {
        StringBuilder list = new StringBuilder();
        for (String uri : uris) {
            list.append(list.length() == 0 ? "" : ",").append("{\"uri\": \"").append(uri).append("\"}");
        }
        Api.Answer answer = Api.send("PUT", gateway.api("/server-profiles/" + profileId), "{\"name\": \"core\","
                + " \"type\": \"CORE\", \"defaultProfile\": true, \"strategy\": \"" + strategy
                + "\", \"servers\": [" + list + "], \"webhook\": {\"enabled\": false}}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    /** Points the default Core profile at this test's emulator with {@code webhook}; returns the answer. */
    private static JsonObject profile(String webhook) {
        Api.Answer answer = Api.send("PUT", gateway.api("/server-profiles/" + profileId), body(webhook));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return (JsonObject) answer.json();
    }

    private static String body(String webhook) {
        return "{\"name\": \"core\", \"type\": \"CORE\", \"defaultProfile\": true, \"apikey\": \"" + KEY + "\","
                + " \"servers\": [{\"uri\": \"http://127.0.0.1:" + CORE_PORT + "\"}], \"webhook\": " + webhook + "}";
    }

    private static String send(String subject) throws Exception {
        // one part only (the file is the message's body): one file at Core per message
        String mail = "From: hooks@sender.test\r\nTo: bob@example.com\r\nSubject: " + subject + "\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: application/pdf\r\n"
                + "Content-Disposition: attachment; filename=\"" + subject + ".pdf\"\r\n\r\n%PDF-1.4 " + subject
                + "\r\n";
        return Api.queueId(SmtpClient.send(gateway.smtpPort, "hooks@sender.test", List.of("bob@example.com"),
                mail.getBytes()));
    }

    /** The submission of the message's attachment to this test's in-JVM emulator, once the gateway has made it. */
    private static Submission submissionOf(String id) {
        String dataId = dataIdOf(id);
        return core.receivedSubmissions().stream().filter(s -> s.dataId().equals(dataId)).findFirst().orElseThrow();
    }

    /**
     * The data_id of the message's attachment as the gateway recorded it, once it has: Core's own, after the place of
     * the server that took it in the profile's list ({@code 1/<data_id>}) when the profile has several.
     */
    private static String dataIdOf(String id) {
        String name = ".pdf";
        JsonObject detail = await().atMost(PATIENCE).until(() -> (JsonObject) Api.send("GET",
                gateway.api("/messages/" + id), null).json(), d -> d.getJsonArray("attachments").stream()
                        .map(JsonValue::asJsonObject).anyMatch(p -> p.getString("fileName").endsWith(name)
                                && p.containsKey("dataId") && !p.isNull("dataId")));
        return detail.getJsonArray("attachments").stream().map(JsonValue::asJsonObject)
                .filter(p -> p.getString("fileName").endsWith(name)).findFirst().orElseThrow().getString("dataId");
    }

    private static String state(String id) {
        return ((JsonObject) Api.send("GET", gateway.api("/messages/" + id), null).json()).getString("state");
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> put(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A token of the gateway's shape that it never gave out. */
    private static String token() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String pair(String name, String file) throws Exception {
        return OpenSsl.pair(name, made.resolve(file + ".key"), made.resolve(file + ".crt"));
    }
}
