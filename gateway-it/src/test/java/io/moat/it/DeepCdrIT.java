package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.CoreEmulator;
import jakarta.json.JsonObject;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deep CDR through the real pipeline (issue #32): the shared WildFly, Core emulator and sink; rules of this test's
 * own, each for its own sender domain, put before the default rule. The emulator sanitizes a clean file holding
 * {@link CoreEmulator#SANITIZE_MARKER} into {@link CoreEmulator#SANITIZED_PREFIX} and the file's own bytes, and fails
 * to sanitize one holding {@link CoreEmulator#CDR_FAIL_MARKER}.
 */
class DeepCdrIT {

    private static final String API = "http://127.0.0.1:" + TestBed.HTTP_PORT + "/api/v1";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final List<String> rules = new ArrayList<>();

    @BeforeAll
    static void up() {
        TestBed.up();
        rule("{\"name\":\"cdr-block\",\"position\":1,\"filter\":{\"senders\":[\"@cdr-block.test\"]},"
                + "\"cdr\":{\"useSanitized\":true,\"onFailure\":\"BLOCK\"}}");
        rule("{\"name\":\"cdr-original\",\"position\":1,\"filter\":{\"senders\":[\"@cdr-original.test\"]},"
                + "\"cdr\":{\"useSanitized\":true,\"onFailure\":\"DELIVER_ORIGINAL\"}}");
        rule("{\"name\":\"cdr-off\",\"position\":1,\"filter\":{\"senders\":[\"@cdr-off.test\"]},"
                + "\"cdr\":{\"useSanitized\":false}}");
    }

    @AfterAll
    static void down() {
        rules.forEach(id -> Api.send("DELETE", API + "/security-rules/" + id, null));
    }

    /** A binary file (every byte value) that holds {@code marker}, as a PDF would carry it. */
    private static byte[] document(String marker) {
        byte[] head = ("%PDF-1.4 " + marker + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] file = new byte[head.length + 512];
        System.arraycopy(head, 0, file, 0, head.length);
        for (int i = 0; i < 512; i++) {
            file[head.length + i] = (byte) i;
        }
        return file;
    }

    private static MimeMessage received(String testId) throws Exception {
        await().atMost(PATIENCE).until(() -> TestBed.delivered(testId).size() == 1);
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(TestBed.delivered(testId).get(0).data()));
    }

    private static BodyPart part(MimeMessage message, String fileName) throws Exception {
        Multipart parts = (Multipart) message.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            if (fileName.equals(parts.getBodyPart(i).getFileName())) {
                return parts.getBodyPart(i);
            }
        }
        throw new AssertionError("no part " + fileName);
    }

    private static byte[] decoded(BodyPart part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    @Test
    void aFileTheEmulatorSanitizesIsDeliveredAsTheSanitizedBytesAndTheOriginalIsKept() throws Exception {
        byte[] original = document(CoreEmulator.SANITIZE_MARKER);
        Mails mail = new Mails().attach("report.pdf", "application/pdf", original);
        String id = Api.queueId(GatewaySmtp.send("alice@cdr-block.test", "bob@example.com",
                mail.build("alice@cdr-block.test", "bob@example.com")));

        MimeMessage delivered = received(mail.testId());

        BodyPart pdf = part(delivered, "report.pdf");
        byte[] prefix = CoreEmulator.SANITIZED_PREFIX.getBytes(StandardCharsets.US_ASCII);
        byte[] expected = new byte[prefix.length + original.length];
        System.arraycopy(prefix, 0, expected, 0, prefix.length);
        System.arraycopy(original, 0, expected, prefix.length, original.length);
        assertThat(decoded(pdf)).isEqualTo(expected);
        assertThat(pdf.getHeader("Content-Transfer-Encoding")).containsExactly("base64");
        assertThat(pdf.getContentType()).startsWith("application/pdf");
        assertThat(delivered.getHeader("X-Moat-CDR")).containsExactly("sanitized: report.pdf");
        JsonObject detail = Api.message(id);
        assertThat(detail.getString("state")).isEqualTo("DELIVERED");
        JsonObject attachment = Api.attachment(detail, "report.pdf");
        assertThat(attachment.getBoolean("sanitized")).isTrue();
        assertThat(attachment.getString("sanitization")).isEqualTo("REPLACED");
        assertThat(Api.attachment(detail, "body.txt").getBoolean("sanitized")).isFalse();
        assertThat(detail.getJsonObject("rule").getString("marks")).contains("1 part sanitized");
        Path kept = Path.of(System.getProperty("it.data", "target/it-data")).resolve("spool/messages").resolve(id);
        assertThat(kept).as("the original stays in the spool").exists();
        assertThat(Files.readString(kept, StandardCharsets.ISO_8859_1))
                .contains(java.util.Base64.getMimeEncoder().encodeToString(original).substring(0, 60));
    }

    @Test
    void aFailedSanitizationBlocksTheMessageUnderARuleThatBlocksForIt() throws Exception {
        Mails mail = new Mails().attach("minutes.docx", "application/octet-stream",
                document(CoreEmulator.CDR_FAIL_MARKER));
        String id = Api.queueId(GatewaySmtp.send("alice@cdr-block.test", "bob@example.com",
                mail.build("alice@cdr-block.test", "bob@example.com")));

        await().atMost(PATIENCE).until(() -> "BLOCKED".equals(Api.state(id)));

        JsonObject detail = Api.message(id);
        assertThat(detail.getString("lastError"))
                .isEqualTo("blocked: sanitization failed: minutes.docx (Core could not sanitize it)");
        assertThat(detail.getJsonObject("rule").getString("outcome")).isEqualTo("BLOCKED");
        assertThat(Api.attachment(detail, "minutes.docx").getString("sanitization")).isEqualTo("FAILED");
        assertThat(Api.list("?state=BLOCKED").stream().map(v -> v.asJsonObject().getString("id")))
                .contains(id);
        assertThat(TestBed.delivered(mail.testId())).isEmpty();
    }

    @Test
    void aFailedSanitizationDeliversTheOriginalTaggedUnderARuleThatDeliversOriginals() throws Exception {
        byte[] original = document(CoreEmulator.CDR_FAIL_MARKER);
        Mails mail = new Mails().attach("minutes.docx", "application/octet-stream", original);
        String id = Api.queueId(GatewaySmtp.send("alice@cdr-original.test", "bob@example.com",
                mail.build("alice@cdr-original.test", "bob@example.com")));

        MimeMessage delivered = received(mail.testId());

        assertThat(decoded(part(delivered, "minutes.docx"))).isEqualTo(original);
        assertThat(delivered.getSubject()).startsWith("[NOT SANITIZED] ");
        assertThat(delivered.getHeader("X-Moat-CDR"))
                .containsExactly("NOT sanitized: minutes.docx (Core could not sanitize it)");
        assertThat(Api.attachment(Api.message(id), "minutes.docx").getString("sanitization")).isEqualTo("FAILED");
    }

    @Test
    void aRuleThatDoesNotUseSanitizedFilesDeliversTheOriginal() throws Exception {
        byte[] original = document(CoreEmulator.SANITIZE_MARKER);
        Mails mail = new Mails().attach("report.pdf", "application/pdf", original);
        String id = Api.queueId(GatewaySmtp.send("alice@cdr-off.test", "bob@example.com",
                mail.build("alice@cdr-off.test", "bob@example.com")));

        MimeMessage delivered = received(mail.testId());

        assertThat(decoded(part(delivered, "report.pdf"))).isEqualTo(original);
        assertThat(delivered.getHeader("X-Moat-CDR")).isNull();
        JsonObject attachment = Api.attachment(Api.message(id), "report.pdf");
        assertThat(attachment.getBoolean("sanitized")).isFalse();
        assertThat(attachment.getString("sanitization")).as("what Core did is recorded").isEqualTo("SANITIZED");
    }

    @Test
    void aRuleWithAFailureActionButNoChoiceIsRefusedWithAProblem() {
        Api.Answer answer = Api.send("POST", API + "/security-rules", "{\"name\":\"cdr-bad\",\"filter\":{\"senders\":"
                + "[\"@nowhere.test\"]},\"cdr\":{\"onFailure\":\"DELIVER_ORIGINAL\"}}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("cdr.useSanitized");
        Api.Answer wrong = Api.send("POST", API + "/security-rules", "{\"name\":\"cdr-bad\",\"filter\":{\"senders\":"
                + "[\"@nowhere.test\"]},\"cdr\":{\"useSanitized\":true,\"onFailure\":\"SHRUG\"}}");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("cdr.onFailure");
    }

    @Test
    void theDefaultRuleUsesSanitizedFiles() {
        JsonObject defaultRule = Api.get("/api/v1/security-rules").json().asJsonArray().stream()
                .map(v -> v.asJsonObject()).filter(r -> r.getString("name").equals("default")).findFirst()
                .orElseThrow();
        assertThat(defaultRule.getJsonObject("cdr").getBoolean("useSanitized")).isTrue();
        assertThat(defaultRule.getJsonObject("cdr").getString("onFailure")).isEqualTo("BLOCK");
    }

    private static void rule(String json) {
        Api.Answer answer = Api.send("POST", API + "/security-rules", json);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        rules.add(((JsonObject) answer.json()).getString("id"));
    }
}
