package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.CoreEmulator;
import io.moat.devtools.ReceivedMail;
import io.moat.devtools.SmtpSink;
import io.moat.devtools.Submission;
import io.moat.devtools.ZipFixtures;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Security rules through the real pipeline: the shared WildFly, the shared Core emulator and sink, and a second
 * Core emulator, a second sink and a second SMTP endpoint of this test's own, chosen by rules. Each rule here takes
 * only mail from its own sender domain (or endpoint), so the other ITs' mail keeps going to the default rule.
 */
class SecurityRulesIT {

    private static final String API = "http://127.0.0.1:" + TestBed.HTTP_PORT + "/api/v1";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int CORE_B_PORT = 18018;
    private static final int SINK_B_PORT = 12536;
    private static final int ENDPOINT_PORT = 12555;
    /** Nothing listens here: a Core profile that is down. */
    private static final int CORE_DOWN_PORT = 18019;

    private static CoreEmulator coreB;
    private static SmtpSink sinkB;
    private static final List<String> rules = new ArrayList<>();
    private static final List<String> profiles = new ArrayList<>();
    private static String endpointId;
    private static JsonObject defaultRule;

    @BeforeAll
    static void up() throws Exception {
        TestBed.up();
        coreB = CoreEmulator.builder().bindAddress(InetAddress.getLoopbackAddress()).port(CORE_B_PORT)
                .apiKey("key-b").build().start();
        sinkB = SmtpSink.builder().bindAddress(InetAddress.getLoopbackAddress()).port(SINK_B_PORT).build().start();
        profiles.add(created("/server-profiles", "{\"name\":\"core-b\",\"type\":\"CORE\",\"apikey\":\"key-b\","
                + "\"servers\":[{\"uri\":\"http://127.0.0.1:" + CORE_B_PORT + "\"}]}"));
        profiles.add(created("/server-profiles", "{\"name\":\"core-down\",\"type\":\"CORE\",\"apikey\":\"x\","
                + "\"timeoutSeconds\":2,\"servers\":[{\"uri\":\"http://127.0.0.1:" + CORE_DOWN_PORT + "\"}]}"));
        profiles.add(created("/server-profiles", "{\"name\":\"sink-b\",\"type\":\"SMTP\",\"servers\":[{\"uri\":"
                + "\"smtp://127.0.0.1:" + SINK_B_PORT + "\",\"encryption\":\"NONE\"}]}"));
        endpointId = created("/smtp-endpoints", "{\"name\":\"rules-it\",\"bindAddress\":\"127.0.0.1\",\"port\":"
                + ENDPOINT_PORT + ",\"encryption\":\"NONE\",\"relayDomains\":[\"example.com\"]}");
        defaultRule = Api.get("/api/v1/security-rules").json().asJsonArray().stream().map(JsonValue::asJsonObject)
                .filter(r -> r.getString("name").equals("default")).findFirst().orElseThrow();
        // position 1 each: the later ones first; all before the default rule
        rule("{\"name\":\"by-endpoint\",\"position\":1,\"filter\":{\"endpoints\":[\"rules-it\"]},"
                + "\"coreProfile\":\"core-b\",\"coreRule\":\"endpoint-workflow\",\"relayProfile\":\"sink-b\"}");
        rule("{\"name\":\"by-sender\",\"position\":1,\"filter\":{\"senders\":[\"@partner.test\"],"
                + "\"direction\":\"INBOUND\"},\"coreProfile\":\"core\",\"coreRule\":\"partner-workflow\","
                + "\"relayProfile\":\"downstream\"}");
        rule("{\"name\":\"split-b\",\"position\":1,\"filter\":{\"senders\":[\"@split.test\"],"
                + "\"recipients\":[\"b@example.com\"]},\"coreProfile\":\"core-b\",\"relayProfile\":\"sink-b\"}");
        rule("{\"name\":\"delete-content\",\"position\":1,\"filter\":{\"senders\":[\"@cut.test\"]},"
                + "\"actions\":{\"blocked\":\"DELETE_CONTENT\"}}");
        rule("{\"name\":\"bypass\",\"position\":1,\"filter\":{\"senders\":[\"@bypass.test\"]},"
                + "\"coreProfile\":\"core-down\",\"actions\":{\"scanError\":\"BYPASS\"},\"scanErrorAfter\":\"PT10S\"}");
        rule("{\"name\":\"marked\",\"position\":1,\"filter\":{\"senders\":[\"@marked.test\"]},"
                + "\"marks\":{\"allowed\":{\"subjectTag\":\"[CHECKED]\",\"headers\":{\"X-Moat-Rule\":\"{rule}\","
                + "\"X-Moat-Outcome\":\"{outcome}\"},\"disclaimer\":{\"text\":\"Scanned by Moat under {rule}.\","
                + "\"html\":\"<p>Scanned by <b>Moat</b> under {rule}.</p>\",\"position\":\"BOTTOM\","
                + "\"style\":\"INFO\"}}}}");
        rule("{\"name\":\"tagged\",\"position\":1,\"filter\":{\"senders\":[\"@tagged.test\"]},\"scanBody\":false,"
                + "\"actions\":{\"blocked\":\"DELIVER_TAGGED\",\"encrypted\":\"BLOCK\"}}");
        rule("{\"name\":\"fail-fast\",\"position\":1,\"filter\":{\"senders\":[\"@failfast.test\"]},"
                + "\"coreProfile\":\"core-down\",\"actions\":{\"scanError\":\"FAIL\"}}");
        // a recipient no rule takes: the default rule leaves it out while this test runs (sent without its
        // position, read before the rules above were put in front of it, so that it stays last)
        JsonObject narrowed = Json.createObjectBuilder(defaultRule).remove("position")
                .add("filter", Json.createObjectBuilder(defaultRule.getJsonObject("filter")).add("recipients",
                        Json.createArrayBuilder().add("!norule@example.com")))
                .build();
        assertThat(Api.send("PUT", API + "/security-rules/" + defaultRule.getString("id"), narrowed.toString())
                .status()).isEqualTo(200);
    }

    @AfterAll
    static void down() {
        if (defaultRule != null) {
            Api.send("PUT", API + "/security-rules/" + defaultRule.getString("id"), defaultRule.toString());
        }
        rules.forEach(id -> Api.send("DELETE", API + "/security-rules/" + id, null));
        if (endpointId != null) {
            Api.send("DELETE", API + "/smtp-endpoints/" + endpointId, null);
        }
        profiles.forEach(id -> Api.send("DELETE", API + "/server-profiles/" + id, null));
        if (coreB != null) {
            coreB.close();
            sinkB.close();
        }
    }

    @Test
    void aRuleChosenBySenderScansWithItsCoreWorkflowAndRelaysThroughItsProfile() throws Exception {
        Mails mail = new Mails().attach("report.pdf", "application/pdf", "%PDF-1.4 quarterly".getBytes());
        TestBed.core().clear();
        String id = Api.queueId(GatewaySmtp.send("alice@partner.test", "bob@example.com",
                mail.build("alice@partner.test", "bob@example.com")));
        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
        assertThat(TestBed.core().receivedSubmissions()).extracting(Submission::rule).contains("partner-workflow");
        assertThat(coreB.receivedSubmissions()).noneMatch(s -> s.filename().equals("report.pdf"));
        assertThat(TestBed.delivered(mail.testId()).get(0).text()).contains("X-Moat-Scan: clean;")
                .contains("; rule by-sender");
        JsonObject rule = Api.message(id).getJsonObject("rule");
        assertThat(rule.getString("name")).isEqualTo("by-sender");
        assertThat(rule.getString("direction")).isEqualTo("INBOUND");
        assertThat(rule.getString("outcome")).isEqualTo("ALLOWED");
        assertThat(rule.getString("action")).isEqualTo("DELIVER");
    }

    @Test
    void aRuleChosenByEndpointScansWithAnotherCoreAndRelaysToAnotherServer() throws Exception {
        Mails mail = new Mails().attach("plan.pdf", "application/pdf", "%PDF-1.4 plan".getBytes());
        String reply = io.moat.testkit.SmtpClient.send(ENDPOINT_PORT, "carol@anywhere.test",
                List.of("dave@example.com"), mail.build("carol@anywhere.test", "dave@example.com"));
        String id = Api.queueId(reply);
        await().atMost(PATIENCE).until(() -> inSinkB(mail.testId()).size() == 1);
        assertThat(TestBed.delivered(mail.testId())).isEmpty();
        assertThat(coreB.receivedSubmissions()).filteredOn(s -> s.filename().equals("plan.pdf"))
                .extracting(Submission::rule).containsOnly("endpoint-workflow");
        assertThat(Api.message(id).getJsonObject("rule").getString("name")).isEqualTo("by-endpoint");
        assertThat(inSinkB(mail.testId()).get(0).text()).contains("; rule by-endpoint");
    }

    @Test
    void recipientsThatDifferentRulesTakeAreSplitAndEachCopyIsHandledByItsRule() throws Exception {
        Mails mail = new Mails();
        List<String> to = List.of("a@example.com", "b@example.com");
        String reply = GatewaySmtp.send("sam@split.test", to, mail.build("sam@split.test", "a@example.com"));
        assertThat(reply).startsWith("250 ");
        List<String> ids = Arrays.asList(reply.substring(reply.indexOf("queued as ") + 10).strip().split(" "));
        assertThat(ids).hasSize(2);
        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1
                && inSinkB(mail.testId()).size() == 1);
        ReceivedMail toA = TestBed.delivered(mail.testId()).get(0);
        ReceivedMail toB = inSinkB(mail.testId()).get(0);
        assertThat(toA.recipients()).containsExactly("a@example.com");
        assertThat(toB.recipients()).containsExactly("b@example.com");
        assertThat(toA.text()).contains("; rule default");
        assertThat(toB.text()).contains("; rule split-b");
        assertThat(ids.stream().map(id -> Api.message(id).getJsonObject("rule").getString("name")))
                .containsExactlyInAnyOrder("default", "split-b");
        Thread.sleep(1000); // nothing more arrives: no recipient got the message twice
        assertThat(TestBed.delivered(mail.testId())).hasSize(1);
        assertThat(inSinkB(mail.testId())).hasSize(1);

        // the dry run says what the pipeline did
        JsonObject dryRun = (JsonObject) Api.send("POST", API + "/security-rules/evaluate",
                "{\"endpoint\":\"default\",\"clientAddress\":\"127.0.0.1\",\"sender\":\"sam@split.test\","
                        + "\"recipients\":[\"a@example.com\",\"b@example.com\"]}")
                .json();
        assertThat(dryRun.getJsonArray("recipients").stream().map(JsonValue::asJsonObject)
                .map(r -> r.getString("address") + "=" + r.getString("rule")))
                .containsExactly("a@example.com=default", "b@example.com=split-b");
    }

    @Test
    void deletingBlockedContentDeliversTheCleanPartsByteForByteAndANoteForTheInfectedOne() throws Exception {
        byte[] pdf = ("%PDF-1.4\n" + "x".repeat(3000) + "\n%%EOF").getBytes(StandardCharsets.US_ASCII);
        Mails mail = new Mails().attach("clean.pdf", "application/pdf", pdf).attach("eicar.com",
                "application/octet-stream", Mails.EICAR);
        byte[] sent = mail.build("eve@cut.test", "bob@example.com");
        String id = Api.queueId(GatewaySmtp.send("eve@cut.test", "bob@example.com", sent));
        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
        byte[] delivered = TestBed.delivered(mail.testId()).get(0).data();
        String text = new String(delivered, StandardCharsets.ISO_8859_1);
        // the clean attachment's entity exactly as sent
        String sentText = new String(sent, StandardCharsets.ISO_8859_1);
        String cleanEntity = entity(sentText, "clean.pdf");
        assertThat(text).contains(cleanEntity).doesNotContain(CoreEmulator.EICAR)
                .doesNotContain(entity(sentText, "eicar.com"));
        MimeMessage message = parse(delivered);
        Multipart parts = (Multipart) message.getContent();
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("application/pdf")) {
                assertThat(part.getInputStream().readAllBytes()).isEqualTo(pdf);
            }
            if (part.isMimeType("text/plain")) {
                contents.add(part.getContent().toString());
            }
        }
        assertThat(contents).anyMatch(c -> c.contains("eicar.com") && c.contains("removed"));
        JsonObject rule = Api.message(id).getJsonObject("rule");
        assertThat(rule.getString("outcome")).isEqualTo("BLOCKED");
        assertThat(rule.getString("action")).isEqualTo("DELETE_CONTENT");
        assertThat(rule.getString("marks")).contains("1 part removed");
        assertThat(Api.state(id)).isEqualTo("DELIVERED");
    }

    @Test
    void whenCoreIsDownPastTheLimitABypassingRuleDeliversUnscannedWithADisclaimer() throws Exception {
        Mails mail = new Mails().attach("urgent.pdf", "application/pdf", "%PDF-1.4 urgent".getBytes());
        String id = Api.queueId(GatewaySmtp.send("ops@bypass.test", "bob@example.com",
                mail.build("ops@bypass.test", "bob@example.com")));
        Thread.sleep(3000);
        assertThat(TestBed.delivered(mail.testId())).as("not before the limit").isEmpty();
        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
        MimeMessage message = parse(TestBed.delivered(mail.testId()).get(0).data());
        assertThat(message.getSubject()).startsWith("[UNSCANNED] ");
        assertThat(TestBed.delivered(mail.testId()).get(0).text()).contains("X-Moat-Scan: not scanned:");
        Multipart parts = (Multipart) message.getContent();
        assertThat(parts.getBodyPart(0).getContent().toString()).contains("NOT scanned for threats")
                .contains("bypass").contains("Hello,");
        JsonObject rule = Api.message(id).getJsonObject("rule");
        assertThat(rule.getString("outcome")).isEqualTo("SCAN_ERROR");
        assertThat(rule.getString("action")).isEqualTo("BYPASS");
        assertThat(Api.list("?outcome=SCAN_ERROR&rule=bypass").stream().map(JsonValue::asJsonObject)
                .map(m -> m.getString("id"))).contains(id);
    }

    @Test
    void theRulesMarksTagTheSubjectAddHeadersAndPutTheDisclaimerInTheTextAndTheHtmlPart() throws Exception {
        String testId = UUID.randomUUID().toString();
        String sent = "From: <mo@marked.test>\r\nTo: <bob@example.com>\r\nSubject: Lunch " + testId + "\r\n"
                + "X-Test-Id: " + testId + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
                + "--alt\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSee you at noon.\r\n"
                + "--alt\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n"
                + "<html><body><p>See you at noon.</p></body></html>\r\n--alt--\r\n";
        String id = Api.queueId(GatewaySmtp.send("mo@marked.test", "bob@example.com",
                sent.getBytes(StandardCharsets.US_ASCII)));
        await().atMost(PATIENCE).until(() -> TestBed.delivered(testId).size() == 1);
        MimeMessage message = parse(TestBed.delivered(testId).get(0).data());
        assertThat(message.getSubject()).isEqualTo("[CHECKED] Lunch " + testId);
        assertThat(message.getHeader("X-Moat-Rule", null)).isEqualTo("marked");
        assertThat(message.getHeader("X-Moat-Outcome", null)).isEqualTo("ALLOWED");
        Multipart alternative = (Multipart) message.getContent();
        String plain = alternative.getBodyPart(0).getContent().toString();
        String html = alternative.getBodyPart(1).getContent().toString();
        assertThat(plain).contains("See you at noon.").contains("Scanned by Moat under marked.")
                .doesNotContain("<b>");
        assertThat(plain.indexOf("See you")).isLessThan(plain.indexOf("Scanned by Moat"));
        assertThat(html).contains("<p>See you at noon.</p>").contains("Scanned by <b>Moat</b> under marked.");
        assertThat(html.indexOf("Scanned by")).isLessThan(html.indexOf("</body>"));
        assertThat(Api.message(id).getJsonObject("rule").getString("marks")).contains("subject tagged")
                .contains("X-Moat-Rule");
    }

    @Test
    void aSignedMessageIsDeliveredWithItsSignedBodyIntactWhenAllowed() throws Exception {
        String testId = UUID.randomUUID().toString();
        String body = "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;"
                + " boundary=\"sig\"\r\n\r\n"
                + "--sig\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThe contract is attached in spirit.\r\n"
                + "--sig\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
                + "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n"
                + "MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAKCAMIIB\r\n"
                + "--sig--\r\n";
        String sent = "From: <mo@marked.test>\r\nTo: <bob@example.com>\r\nSubject: Signed " + testId + "\r\n"
                + "X-Test-Id: " + testId + "\r\nMIME-Version: 1.0\r\n" + body;
        String id = Api.queueId(GatewaySmtp.send("mo@marked.test", "bob@example.com",
                sent.getBytes(StandardCharsets.US_ASCII)));
        await().atMost(PATIENCE).until(() -> TestBed.delivered(testId).size() == 1);
        String delivered = TestBed.delivered(testId).get(0).text();
        String signedPart = body.substring(body.indexOf("--sig"));
        assertThat(delivered).contains(signedPart).doesNotContain("Scanned by Moat");
        assertThat(Api.message(id).getJsonObject("rule").getString("marks")).contains("signed");
    }

    @Test
    void aRuleThatDeliversThreatsTaggedTagsThemBlocksEncryptedContentAndLeavesTheBodyUnscanned() throws Exception {
        Mails infected = new Mails().attach("eicar.com", "application/octet-stream", Mails.EICAR);
        TestBed.core().clear();
        String tagged = Api.queueId(GatewaySmtp.send("t@tagged.test", "bob@example.com",
                infected.build("t@tagged.test", "bob@example.com")));
        await().atMost(PATIENCE).until(() -> TestBed.delivered(infected.testId()).size() == 1);
        assertThat(parse(TestBed.delivered(infected.testId()).get(0).data()).getSubject())
                .isEqualTo("[SUSPICIOUS] Quarterly report " + infected.testId());
        assertThat(TestBed.delivered(infected.testId()).get(0).text()).as("delivered as it is, tagged")
                .contains("filename=\"eicar.com\"");
        JsonObject decided = Api.message(tagged).getJsonObject("rule");
        assertThat(decided.getString("outcome")).isEqualTo("BLOCKED");
        assertThat(decided.getString("action")).isEqualTo("DELIVER_TAGGED");
        // the text body was not sent to Core: the rule scans attachments only
        assertThat(TestBed.core().receivedSubmissions()).extracting(Submission::filename).contains("eicar.com")
                .doesNotContain("body.txt");
        assertThat(Api.attachment(Api.message(tagged), "body.txt").getString("category")).isEqualTo("SKIPPED");

        byte[] zip = new ZipFixtures().encrypted("salary.xlsx", "confidential".getBytes(), "s3cret", true, false)
                .build();
        Mails locked = new Mails().attach("salary.zip", "application/zip", zip);
        String blocked = Api.queueId(GatewaySmtp.send("t@tagged.test", "bob@example.com",
                locked.build("t@tagged.test", "bob@example.com")));
        await().atMost(PATIENCE).until(() -> Api.state(blocked).equals("BLOCKED"));
        assertThat(Api.message(blocked).getJsonObject("rule").getString("action")).isEqualTo("BLOCK");
        assertThat(TestBed.delivered(locked.testId())).isEmpty();
    }

    @Test
    void aRuleThatFailsOnScanErrorsQuarantinesAtTheFirstAndTellsTheSender() throws Exception {
        Mails mail = new Mails().attach("a.pdf", "application/pdf", "%PDF-1.4 a".getBytes());
        String id = Api.queueId(GatewaySmtp.send("f@failfast.test", "bob@example.com",
                mail.build("f@failfast.test", "bob@example.com")));
        await().atMost(Duration.ofSeconds(20)).until(() -> Api.state(id).equals("QUARANTINED"));
        JsonObject decided = Api.message(id).getJsonObject("rule");
        assertThat(decided.getString("outcome")).isEqualTo("SCAN_ERROR");
        assertThat(decided.getString("action")).isEqualTo("FAIL");
        // the DSN goes to the sender (through the default rule's routing: the shared sink)
        await().atMost(PATIENCE).until(() -> TestBed.sink().messages().stream().anyMatch(
                m -> m.recipients().contains("f@failfast.test") && m.text().contains(mail.testId())));
        assertThat(TestBed.delivered(mail.testId())).allMatch(m -> m.recipients().contains("f@failfast.test"));
    }

    @Test
    void aRecipientNoRuleTakesIsRefusedAtRcpt() throws Exception {
        String reply = GatewaySmtp.send("x@anywhere.test", "norule@example.com",
                new Mails().build("x@anywhere.test", "norule@example.com"));
        assertThat(reply).startsWith("550 5.7.1").contains("no security rule");
        JsonObject dryRun = (JsonObject) Api.send("POST", API + "/security-rules/evaluate",
                "{\"endpoint\":\"default\",\"clientAddress\":\"127.0.0.1\",\"sender\":\"x@anywhere.test\","
                        + "\"recipients\":[\"norule@example.com\",\"bob@example.com\"]}")
                .json();
        List<JsonObject> answers = dryRun.getJsonArray("recipients").stream().map(JsonValue::asJsonObject).toList();
        assertThat(answers.get(0).isNull("rule")).isTrue();
        assertThat(answers.get(1).getString("rule")).isEqualTo("default");
    }

    @Test
    void anInvalidRuleIsRefusedWithAProblemThatNamesTheField() {
        Api.Answer cidr = Api.send("POST", API + "/security-rules",
                "{\"name\":\"bad\",\"filter\":{\"previousHops\":[\"192.0.2.0/33\"]}}");
        assertThat(cidr.status()).isEqualTo(400);
        assertThat(cidr.contentType()).startsWith("application/problem+json");
        assertThat(cidr.body()).contains("filter.previousHops[0]");
        Api.Answer action = Api.send("POST", API + "/security-rules",
                "{\"name\":\"bad\",\"actions\":{\"blocked\":\"SHRED\"}}");
        assertThat(action.status()).isEqualTo(400);
        assertThat(action.body()).contains("actions.blocked");
        Api.Answer profile = Api.send("POST", API + "/security-rules",
                "{\"name\":\"bad\",\"relayProfile\":\"core-b\"}");
        assertThat(profile.status()).isEqualTo(400);
        assertThat(profile.body()).contains("relayProfile");
        Api.Answer used = Api.send("DELETE", API + "/server-profiles/" + profiles.get(0), null);
        assertThat(used.status()).isEqualTo(409);
        assertThat(used.body()).contains("security rule 'by-endpoint'");
    }

    @Test
    void rulesAreListedInOrderAndAMoveKeepsTheOthersInTheirs() {
        List<String> before = names();
        assertThat(before.get(before.size() - 1)).isEqualTo("default");
        String marked = Api.get("/api/v1/security-rules").json().asJsonArray().stream().map(JsonValue::asJsonObject)
                .filter(r -> r.getString("name").equals("marked")).map(r -> r.getString("id")).findFirst()
                .orElseThrow();
        int was = before.indexOf("marked") + 1;
        JsonObject moved = (JsonObject) Api.send("POST", API + "/security-rules/" + marked + "/move",
                "{\"position\":3}").json();
        assertThat(moved.getInt("position")).isEqualTo(3);
        List<String> after = names();
        List<String> expected = new ArrayList<>(before);
        expected.remove("marked");
        expected.add(2, "marked");
        assertThat(after).isEqualTo(expected);
        Api.send("POST", API + "/security-rules/" + marked + "/move", "{\"position\":" + was + "}");
        assertThat(names()).isEqualTo(before);
    }

    private static List<String> names() {
        return Api.get("/api/v1/security-rules").json().asJsonArray().stream()
                .map(r -> r.asJsonObject().getString("name")).toList();
    }

    /** The raw entity of the attachment with this file name: from its header to before the next delimiter. */
    private static String entity(String message, String fileName) {
        int name = message.indexOf("name=\"" + fileName + "\"");
        int start = message.lastIndexOf("\r\n--", name) + 2;
        start = message.indexOf("\r\n", start) + 2;
        int end = message.indexOf("\r\n--", name);
        return message.substring(start, end);
    }

    private static List<ReceivedMail> inSinkB(String testId) {
        return sinkB.messages().stream()
                .filter(m -> new String(m.data(), StandardCharsets.ISO_8859_1).contains(testId)).toList();
    }

    private static MimeMessage parse(byte[] data) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(data));
    }

    @Test
    void anEditThatOmitsTheEnabledFlagKeepsADisabledRuleDisabled() {
        String id = created("/security-rules", "{\"name\":\"dormant\",\"enabled\":false,"
                + "\"filter\":{\"senders\":[\"@dormant.test\"]}}");
        rules.add(id);

        assertThat(Api.send("PUT", API + "/security-rules/" + id, "{\"name\":\"dormant\","
                + "\"filter\":{\"senders\":[\"@still-dormant.test\"]}}").status()).isEqualTo(200);

        JsonObject rule = (JsonObject) Api.get("/api/v1/security-rules/" + id).json();
        assertThat(rule.getBoolean("enabled")).isFalse();
        assertThat(rule.getJsonObject("filter").getJsonArray("senders").getString(0)).isEqualTo("@still-dormant.test");
    }

    private static String created(String path, String json) {
        Api.Answer answer = Api.send("POST", API + path, json);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return ((JsonObject) answer.json()).getString("id");
    }

    private static void rule(String json) {
        rules.add(created("/security-rules", json));
    }
}
