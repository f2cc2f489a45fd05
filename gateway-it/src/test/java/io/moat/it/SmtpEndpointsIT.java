package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMTP endpoints created, changed and deleted over REST on the running shared server, each checked with real
 * tools: openssl s_client (STARTTLS and implicit TLS, chosen versions), swaks --tls / --tlsc, and a raw client for
 * what tools do not do (530 before STARTTLS, the plaintext command injection probe).
 */
class SmtpEndpointsIT {

    private static final String API = "http://127.0.0.1:" + TestBed.HTTP_PORT + "/api/v1";
    private static final int SUBMISSION = 12587;
    private static final int SMTPS = 12465;
    private static final int LEGACY = 12025;
    private static final int PLAIN = 12026;

    private final List<String> created = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void doubles() {
        TestBed.up();
    }

    @AfterEach
    void deleteCreated() {
        for (String id : created) {
            Api.send("DELETE", API + "/smtp-endpoints/" + id, null);
        }
    }

    @Test
    void theBootstrapEndpointListensWithOptionalStarttls() {
        JsonObject endpoint = endpoints().get("default");
        assertThat(endpoint).isNotNull();
        assertThat(endpoint.getInt("port")).isEqualTo(TestBed.SMTP_PORT);
        assertThat(endpoint.getString("encryption")).isEqualTo("STARTTLS_OPTIONAL");
        assertThat(endpoint.getString("certificateId")).isEqualTo("digital-id");
        assertThat(endpoint.getJsonObject("status").getBoolean("listening")).isTrue();
        // the limits against clients that hold connections, at their defaults (README, Security)
        assertThat(endpoint.getInt("maxConnections")).isEqualTo(500);
        assertThat(endpoint.getInt("maxConnectionsPerClient")).isEqualTo(50);
        assertThat(endpoint.getInt("sessionTimeoutSeconds")).isEqualTo(600);
        assertThat(endpoint.getInt("minDataRate")).isEqualTo(500);
        assertThat(endpoint.getJsonNumber("maxDiscardSize").longValue()).isEqualTo(1024 * 1024);
    }

    @Test
    void starttlsRequiredRefusesMailBeforeTlsAndDeliversAfterIt() throws Exception {
        create(endpoint("submission", SUBMISSION, "STARTTLS_REQUIRED").add("relayDomains",
                Json.createArrayBuilder().add("example.com")));
        try (RawSmtp smtp = new RawSmtp(SUBMISSION)) {
            assertThat(smtp.reply()).startsWith("220");
            assertThat(smtp.command("EHLO client.it.test")).contains("STARTTLS");
            assertThat(smtp.command("MAIL FROM:<alice@sender.test>"))
                    .startsWith("530 5.7.0 Must issue a STARTTLS command first");
            assertThat(smtp.command("NOOP")).startsWith("250");
        }
        OpenSsl.Handshake handshake = OpenSsl.connect(SUBMISSION, "-starttls", "smtp");
        assertThat(handshake.established()).as(handshake.output()).isTrue();

        String testId = UUID.randomUUID().toString();
        String id = Swaks.send(SUBMISSION, "--tls", "--to", "user@example.com", "--add-header", "X-Test-Id: " + testId);
        await().atMost(Duration.ofSeconds(60)).until(() -> TestBed.delivered(testId).size() == 1);
        assertThat(Api.message(id).getJsonObject("client").getString("endpoint")).isEqualTo("submission");
    }

    @Test
    void commandsPipelinedBehindStarttlsAreNotExecuted() throws Exception {
        create(endpoint("submission", SUBMISSION, "STARTTLS_OPTIONAL"));
        try (RawSmtp smtp = new RawSmtp(SUBMISSION)) {
            smtp.reply();
            smtp.command("EHLO client.it.test");
            smtp.write("STARTTLS\r\nRSET\r\n"); // one write: the injection probe
            assertThat(smtp.reply()).startsWith("220");
            smtp.startTls(Trust.trusting(Path.of(System.getProperty("it.data", "target/it-data")).resolve("cert.pem")));
            // had the RSET been executed after the handshake, its 250 would come before the EHLO's answer
            String ehlo = smtp.command("EHLO client.it.test");
            assertThat(ehlo).startsWith("250-");
            assertThat(ehlo).doesNotContain("STARTTLS");
        }
    }

    @Test
    void implicitTlsWithChosenVersionsChangedAtRunTime() throws Exception {
        String id = create(endpoint("smtps", SMTPS, "IMPLICIT_TLS").add("protocols",
                Json.createArrayBuilder().add("TLSv1.3")));
        OpenSsl.Handshake tls13 = OpenSsl.connect(SMTPS, "-tls1_3");
        assertThat(tls13.established()).as(tls13.output()).isTrue();
        assertThat(OpenSsl.connect(SMTPS, "-tls1_2").established()).isFalse();
        String testId = UUID.randomUUID().toString();
        Swaks.send(SMTPS, "--tlsc", "--to", "user@example.com", "--add-header", "X-Test-Id: " + testId);
        await().atMost(Duration.ofSeconds(60)).until(() -> TestBed.delivered(testId).size() == 1);

        // allow TLSv1.2 too: the next handshake may use it, the listener was not restarted
        Api.Answer changed = Api.send("PUT", API + "/smtp-endpoints/" + id, endpoint("smtps", SMTPS, "IMPLICIT_TLS")
                .add("protocols", Json.createArrayBuilder().add("TLSv1.2").add("TLSv1.3")).build().toString());
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(OpenSsl.connect(SMTPS, "-tls1_2").established()).isTrue();
    }

    @Test
    void forwardSecretAeadSuitesOnlyUnlessAnEndpointNamesOthers() throws Exception {
        // the default endpoint names no suites: ECDHE with GCM or ChaCha20, and TLS 1.3's
        OpenSsl.Handshake gcm = OpenSsl.connect(TestBed.SMTP_PORT, "-starttls", "smtp", "-tls1_2", "-cipher",
                "ECDHE-RSA-AES128-GCM-SHA256");
        assertThat(gcm.established()).as(gcm.output()).isTrue();
        for (String refused : List.of("ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384", "AES128-GCM-SHA256",
                "AES256-SHA256", "DHE-RSA-AES128-GCM-SHA256")) {
            OpenSsl.Handshake handshake = OpenSsl.connect(TestBed.SMTP_PORT, "-starttls", "smtp", "-tls1_2",
                    "-cipher", refused);
            assertThat(handshake.established()).as(refused + "\n" + handshake.output()).isFalse();
        }
        assertThat(OpenSsl.connect(TestBed.SMTP_PORT, "-starttls", "smtp", "-tls1_3", "-ciphersuites",
                "TLS_CHACHA20_POLY1305_SHA256").established()).isTrue();

        // an endpoint that names a suite offers it, and only what it names
        create(endpoint("named", PLAIN, "STARTTLS_OPTIONAL").add("protocols", Json.createArrayBuilder().add("TLSv1.2"))
                .add("cipherSuites", Json.createArrayBuilder().add("TLS_RSA_WITH_AES_128_CBC_SHA")));
        OpenSsl.Handshake named = OpenSsl.connect(PLAIN, "-starttls", "smtp", "-tls1_2", "-cipher", "AES128-SHA");
        assertThat(named.established()).as(named.output()).isTrue();
        assertThat(OpenSsl.connect(PLAIN, "-starttls", "smtp", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")
                .established()).isFalse();
    }

    @Test
    void tls11OnlyWhereSelected() throws Exception {
        create(endpoint("legacy", LEGACY, "STARTTLS_OPTIONAL").add("protocols",
                Json.createArrayBuilder().add("TLSv1").add("TLSv1.1").add("TLSv1.2")));
        OpenSsl.Handshake legacy = OpenSsl.connect(LEGACY, "-starttls", "smtp", "-tls1_1", "-cipher",
                "DEFAULT@SECLEVEL=0");
        assertThat(legacy.established()).as(legacy.output()).isTrue();
        assertThat(legacy.protocol()).isEqualTo("TLSv1.1");
        OpenSsl.Handshake modern = OpenSsl.connect(TestBed.SMTP_PORT, "-starttls", "smtp", "-tls1_1", "-cipher",
                "DEFAULT@SECLEVEL=0");
        assertThat(modern.established()).as(modern.output()).isFalse();
    }

    @Test
    void noneNeitherAdvertisesNorAcceptsStarttls() throws Exception {
        create(endpoint("plain", PLAIN, "NONE"));
        try (RawSmtp smtp = new RawSmtp(PLAIN)) {
            smtp.reply();
            assertThat(smtp.command("EHLO client.it.test")).doesNotContain("STARTTLS");
            assertThat(smtp.command("STARTTLS")).startsWith("502 5.5.1");
        }
        Swaks.Run tls = Swaks.run(PLAIN, "--tls", "--to", "user@example.com");
        assertThat(tls.exitCode()).as(tls.output()).isNotZero();
        assertThat(tls.output()).contains("did not advertise STARTTLS");
        String testId = UUID.randomUUID().toString();
        Swaks.send(PLAIN, "--to", "user@example.com", "--add-header", "X-Test-Id: " + testId);
        await().atMost(Duration.ofSeconds(60)).until(() -> TestBed.delivered(testId).size() == 1);
    }

    @Test
    void renewedCertificateIsPresentedByTheNextHandshake() throws Exception {
        OpenSsl.selfSigned(dir, "one", "smtps-one.it.test", true);
        OpenSsl.selfSigned(dir, "two", "smtps-two.it.test", false);
        Api.Answer added = Api.send("POST", API + "/certificates", pair("smtps", "one"));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        String certificate = ((JsonObject) added.json()).getString("id");
        create(endpoint("smtps", SMTPS, "IMPLICIT_TLS").add("certificateId", certificate));
        assertThat(OpenSsl.fingerprint(OpenSsl.connect(SMTPS).certificatePem()))
                .isEqualTo(OpenSsl.fingerprint(dir.resolve("one.crt")));
        assertThat(Api.send("DELETE", API + "/certificates/" + certificate, null).status()).isEqualTo(409);

        assertThat(Api.send("PUT", API + "/certificates/" + certificate, pair("smtps", "two")).status()).isEqualTo(200);
        assertThat(OpenSsl.fingerprint(OpenSsl.connect(SMTPS).certificatePem()))
                .isEqualTo(OpenSsl.fingerprint(dir.resolve("two.crt")));

        deleteCreated();
        created.clear();
        assertThat(Api.send("DELETE", API + "/certificates/" + certificate, null).status()).isEqualTo(204);
    }

    @Test
    void deletedEndpointStopsListening() throws Exception {
        String id = create(endpoint("plain", PLAIN, "NONE"));
        new Socket("127.0.0.1", PLAIN).close();
        assertThat(Api.send("DELETE", API + "/smtp-endpoints/" + id, null).status()).isEqualTo(204);
        created.remove(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Socket socket = new Socket("127.0.0.1", PLAIN)) {
                return false;
            } catch (ConnectException e) {
                return true;
            }
        });
    }

    @Test
    void limitsSetOverRestBindTheEndpointsConnections() throws Exception {
        create(endpoint("limited", PLAIN, "NONE").add("maxMessageSize", 1024).add("maxConnectionsPerClient", 1)
                .add("maxDiscardSize", 0));
        try (RawSmtp first = new RawSmtp(PLAIN)) {
            assertThat(first.reply()).startsWith("220 ");
            try (RawSmtp second = new RawSmtp(PLAIN)) {
                assertThat(second.reply()).startsWith("421 4.7.0 ").contains("Too many connections from 127.0.0.1");
            }
            first.command("EHLO client.it.test");
            first.command("MAIL FROM:<alice@sender.test>");
            assertThat(first.command("RCPT TO:<bob@example.com>")).startsWith("250");
            assertThat(first.command("DATA")).startsWith("354");
            // over the size limit, and nothing may be read past it: refused before its end, and the connection closes
            first.write("Subject: big\r\n\r\n" + "x".repeat(2048) + "\r\n");
            assertThat(first.reply()).startsWith("552 5.3.4 ");
            assertThat(first.closedByServer()).isTrue();
        }
    }

    @Test
    void conflictsAndInvalidCombinationsAreRefusedWithTheReason() {
        assertRefused(endpoint("second", TestBed.SMTP_PORT, "NONE"), "taken by endpoint 'default'");
        assertRefused(endpoint("plain", PLAIN, "NONE").add("certificateId", "digital-id"), "NONE uses no certificate");
        assertRefused(endpoint("smtps", SMTPS, "IMPLICIT_TLS").add("protocols", Json.createArrayBuilder().add("SSLv3")),
                "unknown TLS protocol");
        assertRefused(endpoint("smtps", SMTPS, "IMPLICIT_TLS").add("certificateId", "nope"), "no certificate");
        assertRefused(endpoint("web", TestBed.HTTP_PORT, "NONE"), "HTTP");
        assertRefused(endpoint("bad name!", PLAIN, "NONE"), "name");
        assertRefused(
                endpoint("plain", PLAIN, "NONE").add("relayDomains", Json.createArrayBuilder().add("not a domain")),
                "relay domain");
        assertRefused(
                endpoint("plain", PLAIN, "NONE").add("trustedNetworks", Json.createArrayBuilder().add("10.0.0/8")),
                "10.0.0/8");
        assertRefused(endpoint("plain", PLAIN, "NONE").add("maxConnections", 20).add("maxConnectionsPerClient", 21),
                "maxConnectionsPerClient must be 1..maxConnections (20)");
        assertRefused(endpoint("plain", PLAIN, "NONE").add("sessionTimeoutSeconds", 5), "sessionTimeoutSeconds");
        assertRefused(endpoint("plain", PLAIN, "NONE").add("minDataRate", -1), "minDataRate");
        assertRefused(endpoint("plain", PLAIN, "NONE").add("maxDiscardSize", -1), "maxDiscardSize");
        // the sink's port is taken by another process: the bind error comes back, nothing is stored
        int sinkPort = Integer.getInteger("it.sink.port", 12526);
        assertRefused(endpoint("busy", sinkPort, "NONE"), String.valueOf(sinkPort));
        assertThat(endpoints()).doesNotContainKey("busy");
        Api.Answer encryption = Api.send("POST", API + "/smtp-endpoints",
                endpoint("x", PLAIN, "TLS").build().toString());
        assertThat(encryption.status()).isEqualTo(400);
        assertThat(encryption.body()).contains("IMPLICIT_TLS");
    }

    private static void assertRefused(JsonObjectBuilder body, String reason) {
        Api.Answer answer = Api.send("POST", API + "/smtp-endpoints", body.build().toString());
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).contains(reason);
    }

    private String create(JsonObjectBuilder body) {
        Api.Answer answer = Api.send("POST", API + "/smtp-endpoints", body.build().toString());
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        JsonObject endpoint = (JsonObject) answer.json();
        assertThat(endpoint.getJsonObject("status").getBoolean("listening")).as(answer.body()).isTrue();
        created.add(endpoint.getString("id"));
        return endpoint.getString("id");
    }

    private static JsonObjectBuilder endpoint(String name, int port, String encryption) {
        return Json.createObjectBuilder().add("name", name).add("bindAddress", "127.0.0.1").add("port", port)
                .add("encryption", encryption).add("relayDomains", Json.createArrayBuilder().add("example.com"));
    }

    private static Map<String, JsonObject> endpoints() {
        Api.Answer answer = Api.get("/api/v1/smtp-endpoints");
        assertThat(answer.status()).isEqualTo(200);
        Map<String, JsonObject> byName = new java.util.HashMap<>();
        for (JsonValue value : answer.json().asJsonArray()) {
            byName.put(value.asJsonObject().getString("name"), value.asJsonObject());
        }
        return byName;
    }

    private String pair(String name, String files) throws IOException {
        return Json.createObjectBuilder().add("name", name)
                .add("privateKey", Files.readString(dir.resolve(files + ".key")))
                .add("certificate", Files.readString(dir.resolve(files + ".crt"))).build().toString();
    }
}
