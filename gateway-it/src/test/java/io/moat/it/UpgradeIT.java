package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import io.moat.testkit.SmtpClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * An installation of the previous release (before security rules, issue #30) upgraded in place: its data directory,
 * made by that release with a message in every state it had (src/test/upgrade/make-previous-release-fixture.sh), is
 * started with the current EAR. The migration gives it one rule, {@code default}, that is the old behaviour; every
 * message is still there under that rule, the final ones as they were, the pending ones go on to the downstream
 * under it, and so does new mail.
 */
@DisabledIfSystemProperty(named = "it.db", matches = "postgresql", disabledReason = "upgrades H2 files that older builds wrote; PostgreSQL has no such past")
class UpgradeIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String FIXTURE = "/upgrade/previous-release-data";
    /** The states the fixture's final messages were left in by the previous release; they must not change. */
    private static final Map<String, String> FINAL = Map.of("delivered", "DELIVERED", "blocked", "BLOCKED",
            "password-required", "PASSWORD_REQUIRED", "quarantined", "QUARANTINED", "failed", "FAILED");
    /** The fixture's pending messages (DEFERRED, SCANNING, RECEIVED with a lease): all are clean and go on. */
    private static final List<String> PENDING = List.of("deferred", "scanning", "in-flight");

    private DedicatedGateway gateway;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void thePreviousReleasesMailInEveryStateContinuesUnderTheMigratedDefaultRule() throws Exception {
        // the fixture's mail was received in the past: its age must not count against the scan or delivery limits
        gateway = DedicatedGateway.prepare(7, "upgrade",
                List.of("-Dmoat.scan.max-time=P3650D", "-Dmoat.delivery.max-lifetime=P3650D"));
        Map<String, String> ids = fixtureIds();
        assertThat(ids.keySet()).containsAll(FINAL.keySet()).containsAll(PENDING);
        unzipFixture(gateway.dataDir);

        gateway.startServer();

        JsonArray rules = (JsonArray) get("/security-rules").json();
        assertThat(rules).hasSize(1);
        JsonObject rule = rules.getJsonObject(0);
        assertThat(rule.getString("name")).isEqualTo("default");
        assertThat(rule.getInt("position")).isEqualTo(1);
        assertThat(rule.getBoolean("enabled")).isTrue();
        JsonObject actions = rule.getJsonObject("actions");
        assertThat(actions.getString("blocked")).isEqualTo("QUARANTINE");
        assertThat(actions.getString("encrypted")).isEqualTo("QUARANTINE");
        assertThat(actions.getString("scanError")).isEqualTo("RETRY");

        for (String marker : PENDING) {
            await().atMost(PATIENCE).until(() -> state(ids.get(marker)).equals("DELIVERED"));
        }
        for (String marker : PENDING) {
            JsonObject detail = message(ids.get(marker));
            assertThat(detail.getString("subject")).isEqualTo("upgrade-fixture " + marker);
            assertThat(ruleName(detail)).as(marker).isEqualTo("default");
            ReceivedMail mail = delivered("upgrade-fixture " + marker);
            assertThat(header(mail, "X-Moat-Scan")).as(marker).endsWith("; rule default");
        }
        for (Map.Entry<String, String> expected : FINAL.entrySet()) {
            JsonObject detail = message(ids.get(expected.getKey()));
            assertThat(detail.getString("state")).as(expected.getKey()).isEqualTo(expected.getValue());
            assertThat(detail.getString("subject")).isEqualTo("upgrade-fixture " + expected.getKey());
            assertThat(ruleName(detail)).as(expected.getKey()).isEqualTo("default");
            assertThat(detail.getJsonObject("rule").getString("direction")).isEqualTo("INBOUND");
            // what the default rule stands for, filled in from the state (V14)
            assertThat(detail.getJsonObject("rule").getString("outcome") + "/"
                    + detail.getJsonObject("rule").getString("action")).as(expected.getKey())
                    .isEqualTo(OUTCOMES.get(expected.getKey()));
        }
        assertThat((JsonArray) get("/messages?outcome=BLOCKED&rule=default&limit=100").json())
                .extracting(m -> m.asJsonObject().getString("id")).containsExactly(ids.get("blocked"));
        // the final messages stay where they were: none of them reaches the downstream now
        assertThat(gateway.sink.messages()).hasSize(PENDING.size());

        // every message of the fixture is still listed, and nothing new was made of them (no DSN: none failed)
        JsonArray all = (JsonArray) get("/messages?limit=100").json();
        List<String> listed = all.stream().map(m -> m.asJsonObject().getString("id")).toList();
        assertThat(listed).containsAll(ids.values()).hasSize(ids.size() + 1);
        // the one more is the DSN of the failed message, the gateway's own: it has no rule
        String dsnId = listed.stream().filter(id -> !ids.containsValue(id)).findFirst().orElseThrow();
        JsonObject dsn = message(dsnId);
        assertThat(dsn.getString("kind")).isEqualTo("DSN");
        assertThat(dsn.getString("state")).isEqualTo("DELIVERED");
        assertThat(ruleName(dsn)).isNull();
        assertThat((JsonArray) get("/messages?rule=default&limit=100").json()).hasSize(ids.size());

        String testId = UUID.randomUUID().toString();
        String reply = SmtpClient.send(gateway.smtpPort, "carol@sender.test", List.of("bob@example.com"),
                ("From: <carol@sender.test>\r\nTo: <bob@example.com>\r\nSubject: after the upgrade " + testId
                        + "\r\n\r\nsent to the upgraded gateway\r\n").getBytes(StandardCharsets.US_ASCII));
        String after = Api.queueId(reply);
        await().atMost(PATIENCE).until(() -> state(after).equals("DELIVERED"));
        JsonObject detail = message(after);
        assertThat(ruleName(detail)).isEqualTo("default");
        assertThat(detail.getJsonObject("rule").getString("outcome")).isEqualTo("ALLOWED");
        assertThat(header(delivered("after the upgrade " + testId), "X-Moat-Scan")).endsWith("; rule default");
    }

    /** The outcome and action each final message of the fixture is recorded with after the upgrade. */
    private static final Map<String, String> OUTCOMES = Map.of("delivered", "ALLOWED/DELIVER", "blocked",
            "BLOCKED/QUARANTINE", "password-required", "ENCRYPTED/HOLD_FOR_PASSWORD", "quarantined",
            "UNINSPECTED/QUARANTINE", "failed", "ALLOWED/DELIVER");

    /** The fixture's messages by marker (the subject is "upgrade-fixture " and the marker), as made with it. */
    private static Map<String, String> fixtureIds() throws IOException {
        Map<String, String> ids = new LinkedHashMap<>();
        try (InputStream in = UpgradeIT.class.getResourceAsStream(FIXTURE + ".txt")) {
            assertThat(in).as("the fixture's list of messages").isNotNull();
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank()) {
                    String[] markerAndId = line.strip().split(" ");
                    ids.put(markerAndId[0], markerAndId[1]);
                }
            }
        }
        return ids;
    }

    private static void unzipFixture(Path dataDir) throws IOException {
        assertThat(dataDir).doesNotExist(); // the build's clean removes it: the fixture goes into nothing else
        try (ZipInputStream zip = new ZipInputStream(UpgradeIT.class.getResourceAsStream(FIXTURE + ".zip"))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path target = dataDir.resolve(entry.getName()).normalize();
                assertThat(target).startsWithRaw(dataDir);
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target);
                }
            }
        }
        assertThat(dataDir.resolve("db/moat.mv.db")).exists();
    }

    private Api.Answer get(String path) {
        Api.Answer answer = Api.get(gateway.api(path), TestBed.ADMIN_PASSWORD, true);
        assertThat(answer.status()).as("GET " + path + ": " + answer.body()).isEqualTo(200);
        return answer;
    }

    private JsonObject message(String id) {
        return (JsonObject) get("/messages/" + id).json();
    }

    private String state(String id) {
        return message(id).getString("state");
    }

    /** The name of the rule a message's detail names; null for none. */
    private static String ruleName(JsonObject detail) {
        JsonValue rule = detail.get("rule");
        if (rule == null || rule.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        JsonValue name = rule.asJsonObject().get("name");
        return name == null || name.getValueType() == JsonValue.ValueType.NULL
                ? null
                : rule.asJsonObject()
                        .getString("name");
    }

    /** The one message with this subject that reached the sink. */
    private ReceivedMail delivered(String subject) {
        List<ReceivedMail> found = gateway.sink.messages().stream()
                .filter(m -> subject.equals(header(m, "Subject"))).toList();
        assertThat(found).as("delivered with subject " + subject).hasSize(1);
        return found.get(0);
    }

    /** The (unfolded) value of a header field of a received message, or null. */
    private static String header(ReceivedMail mail, String name) {
        String head = mail.text().split("\r\n\r\n", 2)[0].replace("\r\n ", " ").replace("\r\n\t", " ");
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return null;
    }
}
