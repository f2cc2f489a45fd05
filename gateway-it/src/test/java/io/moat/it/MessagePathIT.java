package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import io.moat.devtools.ZipFixtures;
import io.moat.testkit.SmtpClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One message's path through the real server: SMTP in, stored, scanned by Core, delivered or held. */
class MessagePathIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @BeforeEach
    void doubles() {
        TestBed.up();
    }

    @Test
    void cleanMultipartArrivesByteIdenticalApartFromTheAddedHeaders() throws IOException {
        Mails mail = new Mails().attach("report.pdf", "application/pdf", "%PDF-1.4 harmless".getBytes())
                .attach("notes.txt", "text/plain", "plain notes".getBytes());
        byte[] sent = mail.build("alice@sender.test", "bob@example.com");

        String id = Api.queueId(GatewaySmtp.send("alice@sender.test", "bob@example.com", sent));
        // time-ordered queue ids keep the id indexes growing at their end (MessageIds, ADR 0032)
        assertThat(UUID.fromString(id).version()).isEqualTo(7);

        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
        ReceivedMail received = TestBed.delivered(mail.testId()).get(0);
        assertThat(received.from()).isEqualTo("alice@sender.test");
        assertThat(received.recipients()).containsExactly("bob@example.com");
        String text = new String(received.data(), StandardCharsets.ISO_8859_1);
        // the text body is scanned as much as the two attachments
        assertThat(text)
                .startsWith("X-Moat-Scan: clean; 3 parts scanned; rule default\r\nReceived: from client.it.test");
        assertThat(text).contains("by gateway.it.test (Moat) with ESMTP id " + id);
        assertThat(withoutAddedHeaders(received.data())).isEqualTo(sent);

        await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
        JsonObject detail = Api.message(id);
        assertThat(detail.getJsonObject("envelope").getString("from")).isEqualTo("alice@sender.test");
        JsonArray attachments = detail.getJsonArray("attachments");
        assertThat(attachments).extracting(a -> a.asJsonObject().getString("fileName"))
                .containsExactly("body.txt", "report.pdf", "notes.txt");
        JsonObject report = Api.attachment(detail, "report.pdf");
        assertThat(report.getString("verdict")).isEqualTo("No Threat Detected");
        assertThat(report.getString("category")).isEqualTo("CLEAN");
        JsonArray attempts = detail.getJsonArray("deliveryAttempts");
        assertThat(attempts).hasSize(1);
        assertThat(attempts.getJsonObject(0).getString("outcome")).isEqualTo("DELIVERED");
        assertThat(attempts.getJsonObject(0).getString("reply")).startsWith("250");
        assertThat(TestBed.core().receivedSubmissions()).anyMatch(s -> "report.pdf".equals(s.filename()));
    }

    @Test
    void messagesAreFoundBySenderRecipientSubjectStateAndDate() throws IOException {
        Mails mail = new Mails().attach("notes.txt", "text/plain", "plain notes".getBytes());
        String id = Api.queueId(GatewaySmtp.send("finder@sender.test", "searched@example.com",
                mail.build("finder@sender.test", "searched@example.com")));
        await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
        String receivedAt = Api.message(id).getString("receivedAt"); // from is inclusive, before exclusive

        assertThat(ids(Api.list("?subject=" + mail.testId()))).containsExactly(id);
        assertThat(ids(Api.list("?subject=" + mail.testId().toUpperCase(Locale.ROOT)
                + "&sender=FINDER@&recipient=searched&state=DELIVERED&receivedFrom=" + receivedAt)))
                .containsExactly(id);
        assertThat(ids(Api.list("?subject=" + mail.testId() + "&state=BLOCKED"))).isEmpty();
        assertThat(ids(Api.list("?subject=" + mail.testId() + "&receivedBefore=" + receivedAt))).isEmpty();
        Api.Answer bad = Api.get("/api/v1/messages?receivedFrom=yesterday");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.body()).contains("ISO-8601");

        // only a deferred message can be retried
        Api.Answer retry = Api.send("POST", "http://127.0.0.1:" + TestBed.HTTP_PORT + "/api/v1/messages/" + id
                + "/retry", null);
        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.contentType()).startsWith("application/problem+json");
        assertThat(Api.send("POST", "http://127.0.0.1:" + TestBed.HTTP_PORT + "/api/v1/messages/no-such-id/retry",
                null).status()).isEqualTo(404);
    }

    private static List<String> ids(JsonArray messages) {
        return messages.stream().map(m -> m.asJsonObject().getString("id")).toList();
    }

    @Test
    void eicarAttachmentIsBlockedAndNeverDelivered() throws IOException {
        Mails mail = new Mails().attach("invoice.com", "application/octet-stream", Mails.EICAR);
        String id = Api.queueId(GatewaySmtp.send("mallory@sender.test", "bob@example.com",
                mail.build("mallory@sender.test", "bob@example.com")));

        await().atMost(PATIENCE).until(() -> Api.state(id).equals("BLOCKED"));
        JsonObject detail = Api.message(id);
        assertThat(detail.getString("scanSummary")).contains("invoice.com").contains("Infected");
        assertThat(Api.attachment(detail, "invoice.com").getInt("verdictCode")).isEqualTo(1);
        assertThat(detail.getJsonArray("deliveryAttempts")).isEmpty();
        assertThat(TestBed.delivered(mail.testId())).isEmpty();
    }

    /** Mail clients decode a forwarded message in base64 and show it: the gateway must scan what is inside. */
    @Test
    void eicarInsideAForwardedMessageInBase64IsBlocked() throws IOException {
        Mails mail = new Mails().forwardInBase64("tool.com", Mails.EICAR);
        String id = Api.queueId(GatewaySmtp.send("mallory@sender.test", "bob@example.com",
                mail.build("mallory@sender.test", "bob@example.com")));

        await().atMost(PATIENCE).until(() -> Api.state(id).equals("BLOCKED"));
        JsonObject attachment = Api.attachment(Api.message(id), "tool.com");
        assertThat(attachment.getInt("verdictCode")).isEqualTo(1);
        assertThat(TestBed.delivered(mail.testId())).isEmpty();
    }

    @Test
    void encryptedZipIsHeldForAPassword() throws IOException {
        byte[] zip = new ZipFixtures().encrypted("salary.xlsx", "confidential".getBytes(), "s3cret", true, false)
                .build();
        Mails mail = new Mails().attach("salary.zip", "application/zip", zip);
        String id = Api.queueId(GatewaySmtp.send("hr@sender.test", "bob@example.com",
                mail.build("hr@sender.test", "bob@example.com")));

        await().atMost(PATIENCE).until(() -> Api.state(id).equals("PASSWORD_REQUIRED"));
        JsonObject attachment = Api.attachment(Api.message(id), "salary.zip");
        assertThat(attachment.getInt("verdictCode")).isEqualTo(12);
        assertThat(attachment.getString("category")).isEqualTo("PASSWORD_REQUIRED");
        assertThat(TestBed.delivered(mail.testId())).isEmpty();
    }

    @Test
    void coreBusyIsRetriedAndTheMailDelivered() throws IOException {
        int before = TestBed.core().submissions();
        TestBed.core().failNextSubmissions(2);
        Mails mail = new Mails().attach("a.txt", "text/plain", "a".getBytes());
        String id = Api.queueId(GatewaySmtp.send("alice@sender.test", "bob@example.com",
                mail.build("alice@sender.test", "bob@example.com")));

        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
        // the sink has the mail a moment before the gateway commits DELIVERED (the downstream's 250 comes first)
        await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
        assertThat(TestBed.core().submissions() - before).as("the body and the attachment, once each").isEqualTo(2);
    }

    @Test
    void withCoreStoppedTheMailWaitsAndIsDeliveredWhenCoreIsBack() throws IOException {
        TestBed.core().stop();
        Mails mail = new Mails().attach("a.txt", "text/plain", "a".getBytes());
        String id = Api.queueId(GatewaySmtp.send("alice@sender.test", "bob@example.com",
                mail.build("alice@sender.test", "bob@example.com")));

        await().atMost(PATIENCE).until(() -> {
            JsonObject m = Api.message(id);
            return m.getString("state").equals("SCANNING") && !m.isNull("lastError")
                    && m.getString("lastError").startsWith("Core unavailable");
        });
        assertThat(TestBed.delivered(mail.testId())).isEmpty();

        TestBed.up();
        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
        // the sink has the mail a moment before the gateway commits DELIVERED (the downstream's 250 comes first)
        await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
    }

    @Test
    void withTheDownstreamStoppedTheMailIsDeferredThenDelivered() throws IOException {
        TestBed.sink().stop();
        Mails mail = new Mails();
        String id = Api.queueId(GatewaySmtp.send("alice@sender.test", "bob@example.com",
                mail.build("alice@sender.test", "bob@example.com")));

        await().atMost(PATIENCE).until(() -> Api.state(id).equals("DEFERRED"));
        assertThat(Api.message(id).getString("lastError")).contains("connection to smtp://127.0.0.1");

        TestBed.up();
        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
        await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
        JsonArray attempts = Api.message(id).getJsonArray("deliveryAttempts");
        assertThat(attempts.getJsonObject(0).getString("outcome")).isEqualTo("DEFERRED");
        assertThat(attempts.getJsonObject(attempts.size() - 1).getString("outcome")).isEqualTo("DELIVERED");
    }

    @Test
    void permanentRefusalDownstreamFailsTheMailAndTheSenderGetsADsn() throws IOException {
        TestBed.sink().rejectNext(1, 550, "5.1.1 <nobody@example.com>: user unknown");
        Mails mail = new Mails();
        String id = Api.queueId(GatewaySmtp.send("carol@sender.test", "nobody@example.com",
                mail.build("carol@sender.test", "nobody@example.com")));

        await().atMost(PATIENCE).until(() -> Api.state(id).equals("FAILED"));
        await().atMost(PATIENCE).until(() -> TestBed.sink().messages().stream()
                .anyMatch(m -> m.recipients().contains("carol@sender.test") && m.text().contains(mail.testId())));
        ReceivedMail dsn = TestBed.sink().messages().stream()
                .filter(m -> m.recipients().contains("carol@sender.test") && m.text().contains(mail.testId()))
                .findFirst().orElseThrow();
        assertThat(dsn.from()).isIn("", "<>");
        assertThat(dsn.text()).contains("multipart/report; report-type=delivery-status")
                .contains("Final-Recipient: rfc822; nobody@example.com").contains("Status: 5.1.1");
    }

    @Test
    void aRecipientRefusedForGoodIsBouncedAndTheOthersGetTheMail() throws IOException {
        TestBed.sink().refuseRecipient("gone@example.com", 550, "5.1.1 <gone@example.com>: user unknown");
        try {
            Mails mail = new Mails();
            String id = Api.queueId(GatewaySmtp.send("dave@sender.test", List.of("bob@example.com",
                    "gone@example.com"), mail.build("dave@sender.test", "bob@example.com")));

            await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
            assertThat(TestBed.delivered(mail.testId()).stream().filter(m -> !m.recipients().contains(
                    "dave@sender.test"))).singleElement().satisfies(m -> assertThat(m.recipients())
                            .containsExactly("bob@example.com"));
            await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).stream()
                    .anyMatch(m -> m.recipients().contains("dave@sender.test")));
            String dsn = TestBed.delivered(mail.testId()).stream()
                    .filter(m -> m.recipients().contains("dave@sender.test")).findFirst().orElseThrow().text();
            assertThat(dsn).contains("Final-Recipient: rfc822; gone@example.com").contains("Status: 5.1.1")
                    .doesNotContain("Final-Recipient: rfc822; bob@example.com");
            assertThat(Api.message(id).getString("lastError")).contains("gone@example.com");
        } finally {
            TestBed.sink().acceptRecipient("gone@example.com");
        }
    }

    @Test
    void aRecipientRefusedForNowIsRetriedAloneAndNobodyGetsTheMailTwice() throws IOException {
        TestBed.sink().refuseRecipient("busy@example.com", 450, "4.2.1 <busy@example.com>: mailbox busy");
        Mails mail = new Mails();
        String id;
        try {
            id = Api.queueId(GatewaySmtp.send("erin@sender.test", List.of("bob@example.com", "busy@example.com"),
                    mail.build("erin@sender.test", "bob@example.com")));
            await().atMost(PATIENCE).until(() -> Api.state(id).equals("DEFERRED"));
            JsonObject deferred = Api.message(id);
            assertThat(deferred.getJsonArray("pendingRecipients").getString(0)).isEqualTo("busy@example.com");
            assertThat(deferred.getJsonArray("pendingRecipients")).hasSize(1);
            assertThat(TestBed.delivered(mail.testId())).singleElement()
                    .satisfies(m -> assertThat(m.recipients()).containsExactly("bob@example.com"));
        } finally {
            TestBed.sink().acceptRecipient("busy@example.com");
        }
        await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
        assertThat(TestBed.delivered(mail.testId())).extracting(ReceivedMail::recipients)
                .containsExactlyInAnyOrder(List.of("bob@example.com"), List.of("busy@example.com"));
    }

    @Test
    void foreignRecipientIsRefusedAtRcpt() throws IOException {
        try (SmtpClient smtp = new SmtpClient(TestBed.SMTP_PORT)) {
            smtp.command("EHLO client.it.test");
            assertThat(smtp.command("MAIL FROM:<alice@sender.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<victim@elsewhere.test>")).isEqualTo("550 5.7.1 Relaying denied");
            assertThat(smtp.command("RCPT TO:<bob@example.com>")).startsWith("250");
        }
    }

    @Test
    void healthEndpointReportsTheDatabaseAndTheQueue() {
        Api.Answer ready = Api.get("http://127.0.0.1:" + TestBed.MANAGEMENT_PORT + "/health/ready", null, true);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body()).contains("\"moat-database\"").contains("\"UP\"");
        Api.Answer live = Api.get("http://127.0.0.1:" + TestBed.MANAGEMENT_PORT + "/health/live", null, true);
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.body()).contains("\"moat-queue\"").contains("\"UP\"");
    }

    @Test
    void webhookPortIsServedByItsOwnListener() {
        Api.Answer answer = Api.get("http://127.0.0.1:" + TestBed.WEBHOOK_PORT + "/webhook/core/x", null, true);
        // GET is not a callback method: the webhook application answers, not the management API
        assertThat(answer.status()).isEqualTo(405);
        assertThat(Api.get("http://127.0.0.1:" + TestBed.WEBHOOK_PORT + "/api/v1/messages", null, true).status())
                .isEqualTo(404);
    }

    @Test
    void apiAnswersProblemsAndRequiresTheAdmin() {
        assertThat(Api.get("/api/v1/messages", null).status()).isEqualTo(401);
        assertThat(Api.get("/api/v1/messages", "wrong-password").status()).isEqualTo(401);
        Api.Answer missing = Api.get("/api/v1/messages/no-such-id");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(((JsonObject) missing.json()).getString("detail")).contains("no-such-id");
        Api.Answer badState = Api.get("/api/v1/messages?state=LOST");
        assertThat(badState.status()).isEqualTo(400);
        assertThat(((JsonObject) badState.json()).getString("detail")).contains("DELIVERED");
    }

    /** Removes the X-Moat-Scan: and Received: headers the gateway put in front of the original message. */
    static byte[] withoutAddedHeaders(byte[] delivered) {
        String text = new String(delivered, StandardCharsets.ISO_8859_1);
        int at = 0;
        assertThat(text).startsWith("X-Moat-Scan: ");
        at = text.indexOf("\r\n", at) + 2;
        assertThat(text.substring(at)).startsWith("Received: ");
        at = text.indexOf("\r\n", at) + 2;
        while (text.charAt(at) == '\t' || text.charAt(at) == ' ') {
            at = text.indexOf("\r\n", at) + 2;
        }
        return Arrays.copyOfRange(delivered, at, delivered.length);
    }
}
