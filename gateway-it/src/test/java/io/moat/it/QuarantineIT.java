package io.moat.it;

import static io.moat.it.Quarantined.held;
import static io.moat.it.Quarantined.infected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import io.moat.devtools.ZipFixtures;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The quarantine through the REST API on the real WildFly: what it lists, and each admin action (release to all or
 * some recipients, rescan with a password, forward, download, delete, bulk) carried out by the real pipeline and
 * recorded with who did it; the auditor refused each action; the retention purge.
 */
class QuarantineIT {

    private static final String API = "http://127.0.0.1:" + TestBed.HTTP_PORT + "/api/v1";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String AUDITOR_PASSWORD = System.getProperty("it.auditor.password", "it-auditor-secret");
    private static final String PASSWORD = "Corr3ct-Horse-4-Quarantine";

    @BeforeAll
    static void up() {
        TestBed.up();
    }

    @Test
    void aBlockedMessageIsListedWithItsReasonAndVerdictsAndTheAuditorMayReadButNotAct() throws Exception {
        Mails mail = infected();
        String id = held(mail, "mal@quarantine.test", "bob@example.com", "BLOCKED");

        JsonArray listed = (JsonArray) Api.get("/api/v1/quarantine?reason=blocked&sender=quarantine.test").json();
        JsonObject item = find(listed, id);
        assertThat(item.getString("reason")).isEqualTo("BLOCKED");
        assertThat(item.getString("rule")).isEqualTo("default");
        assertThat(item.getJsonObject("envelope").getString("from")).isEqualTo("mal@quarantine.test");
        assertThat(item.getString("subject")).contains(mail.testId());
        JsonObject eicar = item.getJsonArray("attachments").stream().map(JsonValue::asJsonObject)
                .filter(a -> a.getString("fileName").equals("eicar.com")).findFirst().orElseThrow();
        assertThat(eicar.getString("category")).isEqualTo("INFECTED");
        assertThat(eicar.getBoolean("encrypted")).isFalse();
        assertThat((JsonArray) Api.get("/api/v1/quarantine?reason=ENCRYPTED&sender=mal@quarantine.test").json())
                .noneMatch(v -> v.asJsonObject().getString("id").equals(id));
        assertThat(Api.get("/api/v1/quarantine?reason=lost").status()).isEqualTo(400);

        assertThat(Api.send("GET", API + "/quarantine/" + id, null, "auditor", AUDITOR_PASSWORD).status())
                .isEqualTo(200);
        for (String[] action : List.of(new String[]{"POST", "/release", "{}"}, new String[]{"POST", "/rescan", "{}"},
                new String[]{"POST", "/forward", "{\"to\":\"x@example.com\"}"}, new String[]{"DELETE", "", null},
                new String[]{"GET", "/download", null})) {
            assertThat(Api.send(action[0], API + "/quarantine/" + id + action[1], action[2], "auditor",
                    AUDITOR_PASSWORD).status()).as(action[0] + " " + action[1]).isEqualTo(403);
        }
        assertThat(Api.send("POST", API + "/quarantine/bulk", "{\"action\":\"DELETE\",\"ids\":[\"" + id + "\"]}",
                "auditor", AUDITOR_PASSWORD).status()).isEqualTo(403);
        assertThat(Api.state(id)).isEqualTo("BLOCKED");
    }

    @Test
    void aReleaseDeliversTheMessageAsItCameAndIsRecordedWithWhoDidIt() throws Exception {
        Mails mail = infected();
        String id = held(mail, "rel@quarantine.test", "bob@example.com", "BLOCKED");

        assertThat(Api.send("POST", API + "/quarantine/" + id + "/release", "{}").status()).isEqualTo(202);

        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
        ReceivedMail delivered = TestBed.delivered(mail.testId()).get(0);
        assertThat(delivered.text()).contains("X-Moat-Scan: released by admin").contains("filename=\"eicar.com\"");
        await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
        JsonObject action = Api.message(id).getJsonArray("actions").getJsonObject(0);
        assertThat(action.getString("action")).isEqualTo("RELEASE");
        assertThat(action.getString("actor")).isEqualTo("admin");
        assertThat(action.getString("clientAddress")).isEqualTo("127.0.0.1");
        assertThat(action.getString("at")).isNotBlank();
        assertThat(Api.message(id).getJsonObject("rule").getString("action")).isEqualTo("RELEASED");
        // no longer held: a second release is a conflict, the quarantine no longer lists it
        assertThat(Api.send("POST", API + "/quarantine/" + id + "/release", "{}").status()).isEqualTo(409);
        assertThat(Api.get("/api/v1/quarantine/" + id).status()).isEqualTo(404);
        assertThat(Api.send("POST", API + "/quarantine/no-such-id/release", "{}").status()).isEqualTo(404);
    }

    @Test
    void aReleaseToOneRecipientSendsItACopyAndKeepsTheOtherHeld() throws Exception {
        Mails mail = infected();
        String id = Api.queueId(GatewaySmtp.send("two@quarantine.test", List.of("bob@example.com",
                "carol@example.com"), mail.build("two@quarantine.test", "bob@example.com")));
        await().atMost(PATIENCE).until(() -> Api.state(id).equals("BLOCKED"));

        Api.Answer wrong = Api.send("POST", API + "/quarantine/" + id + "/release",
                "{\"recipients\":[\"mallory@example.com\"]}");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("recipients");

        Api.Answer released = Api.send("POST", API + "/quarantine/" + id + "/release",
                "{\"recipients\":[\"Carol@example.com\"]}");
        assertThat(released.status()).isEqualTo(202);
        String copy = ((JsonObject) released.json()).getString("message");
        assertThat(copy).isNotEqualTo(id);
        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
        assertThat(TestBed.delivered(mail.testId()).get(0).recipients()).containsExactly("carol@example.com");
        await().atMost(PATIENCE).until(() -> Api.state(copy).equals("DELIVERED"));
        JsonObject still = (JsonObject) Api.get("/api/v1/quarantine/" + id).json();
        assertThat(still.getJsonObject("envelope").getJsonArray("recipients").getString(0))
                .isEqualTo("bob@example.com");
        assertThat(still.getJsonObject("envelope").getJsonArray("recipients")).hasSize(1);
        assertThat(still.getJsonArray("actions").getJsonObject(0).getString("detail"))
                .contains("carol@example.com");
        Thread.sleep(1000);
        assertThat(TestBed.delivered(mail.testId())).as("bob's copy stays held").hasSize(1);
    }

    @Test
    void aRescanWithTheRightPasswordDeliversAnEncryptedZipWithACleanFileAndThePasswordIsKeptNowhere()
            throws Exception {
        byte[] zip = new ZipFixtures().encrypted("minutes.txt", "board minutes".getBytes(), PASSWORD, true, false)
                .build();
        Mails mail = new Mails().attach("minutes.zip", "application/zip", zip);
        String id = held(mail, "zip@quarantine.test", "bob@example.com", "PASSWORD_REQUIRED");
        JsonObject item = (JsonObject) Api.get("/api/v1/quarantine/" + id).json();
        assertThat(item.getString("reason")).isEqualTo("ENCRYPTED");
        assertThat(item.getJsonArray("attachments").stream().map(JsonValue::asJsonObject)
                .filter(a -> a.getString("fileName").equals("minutes.zip")).findFirst().orElseThrow()
                .getBoolean("encrypted")).isTrue();

        Api.Answer unknown = Api.send("POST", API + "/quarantine/" + id + "/rescan",
                "{\"passwords\":{\"other.zip\":\"x\"}}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("passwords.other.zip");

        // a wrong password: scanned again, still held for a password, and recorded as tried
        assertThat(Api.send("POST", API + "/quarantine/" + id + "/rescan",
                "{\"passwords\":{\"minutes.zip\":\"not-the-password\"}}").status()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> Api.state(id).equals("PASSWORD_REQUIRED")
                && Api.message(id).getJsonArray("actions").size() == 1);
        assertThat(TestBed.delivered(mail.testId())).isEmpty();

        assertThat(Api.send("POST", API + "/quarantine/" + id + "/rescan",
                "{\"passwords\":{\"minutes.zip\":\"" + PASSWORD + "\"}}").status()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
        await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
        JsonObject detail = Api.message(id);
        assertThat(Api.attachment(detail, "minutes.zip").getString("category")).isEqualTo("CLEAN");
        assertThat(detail.getJsonArray("actions").stream().map(JsonValue::asJsonObject)
                .map(a -> a.getString("action"))).containsExactly("RESCAN_WITH_PASSWORDS", "RESCAN_WITH_PASSWORDS");
        assertThat(detail.toString()).doesNotContain(PASSWORD).contains("passwords for minutes.zip");
        Leaks.assertNowhereOnDisk(PASSWORD);
    }

    @Test
    void aRescanWithThePasswordOfAZipWithMalwareInsideKeepsItQuarantinedAsBlocked() throws Exception {
        byte[] zip = new ZipFixtures().encrypted("invoice.com", Mails.EICAR, PASSWORD, true, false).build();
        Mails mail = new Mails().attach("invoice.zip", "application/zip", zip);
        String id = held(mail, "zipmal@quarantine.test", "bob@example.com", "PASSWORD_REQUIRED");

        assertThat(Api.send("POST", API + "/quarantine/" + id + "/rescan",
                "{\"passwords\":{\"invoice.zip\":\"" + PASSWORD + "\"}}").status()).isEqualTo(202);

        await().atMost(PATIENCE).until(() -> Api.state(id).equals("BLOCKED"));
        JsonObject item = (JsonObject) Api.get("/api/v1/quarantine/" + id).json();
        assertThat(item.getString("reason")).isEqualTo("BLOCKED");
        assertThat(TestBed.delivered(mail.testId())).isEmpty();
    }

    @Test
    void aForwardSendsACopyFromTheNullSenderAndTheMessageStaysHeld() throws Exception {
        Mails mail = infected();
        String id = held(mail, "fwd@quarantine.test", "bob@example.com", "BLOCKED");

        Api.Answer bad = Api.send("POST", API + "/quarantine/" + id + "/forward", "{\"to\":\"not an address\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("to:");
        Api.Answer forwarded = Api.send("POST", API + "/quarantine/" + id + "/forward",
                "{\"to\":\"analyst@example.com\"}");
        assertThat(forwarded.status()).isEqualTo(202);
        String copy = ((JsonObject) forwarded.json()).getString("message");

        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
        ReceivedMail received = TestBed.delivered(mail.testId()).get(0);
        assertThat(received.recipients()).containsExactly("analyst@example.com");
        assertThat(received.from()).isEmpty();
        await().atMost(PATIENCE).until(() -> Api.state(copy).equals("DELIVERED"));
        assertThat(Api.state(id)).isEqualTo("BLOCKED");
        assertThat(Api.message(id).getJsonArray("actions").getJsonObject(0).getString("action")).isEqualTo("FORWARD");
    }

    @Test
    void aDownloadGivesAdminsTheOriginalMessage() throws Exception {
        Mails mail = infected();
        String id = held(mail, "dl@quarantine.test", "bob@example.com", "BLOCKED");

        Api.Answer download = Api.get("/api/v1/quarantine/" + id + "/download");

        assertThat(download.status()).isEqualTo(200);
        assertThat(download.contentType()).startsWith("message/rfc822");
        assertThat(download.body()).contains("X-Test-Id: " + mail.testId()).contains("filename=\"eicar.com\"");
        assertThat(Api.message(id).getJsonArray("actions").getJsonObject(0).getString("action"))
                .isEqualTo("DOWNLOAD");
    }

    @Test
    void aDeleteRemovesTheMessageAndItsFilesAndABulkActionSaysHowEachWent() throws Exception {
        Mails first = infected();
        Mails second = infected();
        String one = held(first, "del@quarantine.test", "bob@example.com", "BLOCKED");
        String two = held(second, "del@quarantine.test", "bob@example.com", "BLOCKED");
        assertThat(spoolFile(one)).exists();

        assertThat(Api.send("DELETE", API + "/quarantine/" + one, null).status()).isEqualTo(204);
        assertThat(Api.state(one)).isEqualTo("DELETED");
        assertThat(spoolFile(one)).doesNotExist();
        assertThat(Api.send("DELETE", API + "/quarantine/" + one, null).status()).isEqualTo(409);

        JsonArray results = (JsonArray) Api.send("POST", API + "/quarantine/bulk",
                "{\"action\":\"DELETE\",\"ids\":[\"" + two + "\",\"" + one + "\",\"no-such-id\"]}").json();
        assertThat(results.stream().map(JsonValue::asJsonObject).map(r -> r.getString("id") + "=" + r.getInt(
                "status"))).containsExactly(two + "=204", one + "=409", "no-such-id=404");
        assertThat(Api.state(two)).isEqualTo("DELETED");
        assertThat(Api.send("POST", API + "/quarantine/bulk", "{\"action\":\"EXPLODE\",\"ids\":[\"x\"]}").status())
                .isEqualTo(400);
    }

    @Test
    void theRetentionPurgesQuarantinedMessagesPastTheirTimeAndSaysHowMany() throws Exception {
        JsonObject before = (JsonObject) Api.get("/api/v1/settings/retention").json();
        assertThat(before.getString("quarantine")).isEqualTo("PT720H");
        Mails mail = infected();
        String id = held(mail, "old@quarantine.test", "bob@example.com", "BLOCKED");
        try {
            Api.Answer bad = Api.send("PUT", API + "/settings/retention", "{\"quarantine\":\"a month\"}");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("quarantine:");
            assertThat(Api.send("PUT", API + "/settings/retention", "{\"quarantine\":\"PT2S\",\"records\":\"PT4S\"}")
                    .status()).isEqualTo(200);
            Thread.sleep(2500);

            JsonObject purged = (JsonObject) Api.send("POST", API + "/settings/retention/purge", null).json();

            assertThat(purged.getInt("quarantined")).isGreaterThanOrEqualTo(1);
            assertThat(Api.state(id)).isEqualTo("DELETED");
            assertThat(spoolFile(id)).doesNotExist();
            assertThat(Api.message(id).getJsonArray("actions").stream().map(JsonValue::asJsonObject)
                    .map(a -> a.getString("action") + " by " + a.getString("actor"))).contains("PURGE by retention");
            JsonObject day = (JsonObject) Api.get("/api/v1/quarantine/purged").json();
            assertThat(day.getInt("quarantined")).isGreaterThanOrEqualTo(1);
            assertThat(day.getString("lastRun")).isNotBlank();

            // the record of the purged message goes once the records' time is over too
            Thread.sleep(4500);
            Api.send("POST", API + "/settings/retention/purge", null);
            assertThat(Api.get("/api/v1/messages/" + id).status()).isEqualTo(404);
        } finally {
            Api.send("PUT", API + "/settings/retention", "{\"quarantine\":\"" + before.getString("quarantine")
                    + "\",\"records\":\"" + before.getString("records") + "\"}");
        }
    }

    private static JsonObject find(JsonArray items, String id) {
        return items.stream().map(JsonValue::asJsonObject).filter(i -> i.getString("id").equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(id + " not in " + items));
    }

    private static Path spoolFile(String id) {
        return Path.of(System.getProperty("it.data", "target/it-data")).resolve("spool/messages").resolve(id);
    }
}
