package io.moat.delivery.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.settings.notifications.NotificationSettings.Template;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The notification as a mail reader sees it: parsed by Jakarta Mail (Angus), the library most gateways use. */
class NotificationBuilderTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:15:30Z");
    private static final Template TEMPLATE = new Template("Message held: {subject}",
            "From: {sender}\nSubject: {subject}\nWhy: {reason}\n", "<p>From {sender}</p><p>{subject}</p>");

    @Test
    void aNotificationIsMultipartAlternativeWithTheTextAndTheHtmlInUtf8AndTheAutomaticFields() throws Exception {
        byte[] bytes = build("Quarterly report", List.of("bob@example.org"));
        MimeMessage m = parse(bytes);

        assertThat(m.getFrom()).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly("postmaster@gw.example.org");
        assertThat(m.getAllRecipients()).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly("bob@example.org");
        assertThat(m.getSubject()).isEqualTo("Message held: Quarterly report");
        assertThat(m.getSentDate().toInstant()).isEqualTo(NOW);
        assertThat(m.getMessageID()).matches("<[0-9a-f-]{36}@gw\\.example\\.org>");
        assertThat(m.getHeader("MIME-Version", null)).isEqualTo("1.0");
        assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
        assertThat(m.getHeader("X-Auto-Response-Suppress", null)).isEqualTo("All");
        assertThat(m.getHeader(NotificationBuilder.KIND_HEADER, null)).isEqualTo("recipient");
        assertThat(m.isMimeType("multipart/alternative")).isTrue();
        Multipart parts = (Multipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        Part text = parts.getBodyPart(0);
        Part html = parts.getBodyPart(1);
        assertThat(text.isMimeType("text/plain")).isTrue();
        assertThat(text.getContentType()).containsIgnoringCase("charset=utf-8");
        assertThat(text.getContent().toString()).isEqualTo("From: alice@sender.test\r\nSubject: Quarterly report\r\n"
                + "Why: blocked: eicar.com (Infected)\r\n");
        assertThat(html.isMimeType("text/html")).isTrue();
        assertThat(html.getContent().toString()).contains("<meta charset=\"utf-8\">")
                .contains("<p>From alice@sender.test</p><p>Quarterly report</p>");
        assertThat(NotificationBuilder.eightBit(bytes)).isFalse();
    }

    @Test
    void aNonAsciiSubjectIsEncodedInWordsOfWholeCharactersAndReadBackAsItWas() throws Exception {
        String subject = "Rechnung f\u00fcr M\u00e4rz \u2014 \u8acb\u6c42\u66f8 \uD83D\uDCCE ".repeat(12).strip();
        byte[] bytes = build(subject, List.of("bob@example.org"));
        MimeMessage m = parse(bytes);
        assertThat(m.getSubject()).startsWith("Message held: Rechnung f\u00fcr M\u00e4rz \u2014 \u8acb\u6c42\u66f8"
                + " \uD83D\uDCCE Rechnung").endsWith("...").doesNotContain("\uFFFD");
        assertThat(m.getSubject().length()).isLessThanOrEqualTo(NotificationTemplates.MAX_SUBJECT);
        String raw = new String(bytes, StandardCharsets.US_ASCII);
        String field = raw.substring(raw.indexOf("Subject: "), raw.indexOf("\r\nDate: "));
        assertThat(field).contains("=?UTF-8?B?");
        for (String line : field.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(84); // "Subject: " + one encoded-word of at most 75
        }
        for (String word : field.replace("Subject: ", "").split("\r\n ")) {
            assertThat(word.length()).isLessThanOrEqualTo(75);
            assertThat(MimeUtility.decodeWord(word)).doesNotContain("\uFFFD");
        }
    }

    @Test
    void noLineIsLongerThan998OctetsAndEveryLineEndsInCrlf() {
        String longValue = "word ".repeat(400);
        byte[] bytes = NotificationBuilder.build("gw.example.org", "postmaster@gw.example.org",
                List.of("a@example.org", "b@example.org"), "admin", NotificationTemplates.render(new Template(
                        "{subject}", "{subject}{subject}{subject}", "<p>{subject}{subject}</p>"),
                        Map.of("subject", longValue)),
                NOW);
        String raw = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(raw.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
        assertThat(Arrays.stream(raw.split("\r\n")).mapToInt(String::length).max().orElse(0)).isLessThanOrEqualTo(998);
    }

    @Test
    void aHostileSubjectAddsNoHeaderFieldAndNoMarkup() throws Exception {
        byte[] bytes = build("Hi\r\nBcc: victim@example.org\r\n\r\n<script>alert(1)</script>", List.of(
                "bob@example.org"));
        MimeMessage m = parse(bytes);
        assertThat(m.getHeader("Bcc")).isNull();
        assertThat(m.getAllRecipients()).hasSize(1);
        assertThat(m.getSubject()).isEqualTo("Message held: Hi Bcc: victim@example.org <script>alert(1)</script>");
        Multipart parts = (Multipart) m.getContent();
        assertThat(parts.getBodyPart(1).getContent().toString()).doesNotContain("<script>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(parts.getBodyPart(0).getContent().toString().lines().filter(l -> l.startsWith("Bcc:"))).isEmpty();
    }

    @Test
    void severalAdminsAreOneMessageToThemAllAndAUtf8AddressNeedsAnEightBitPath() throws Exception {
        MimeMessage m = parse(build("x", List.of("a@example.org", "b@example.org", "c@example.org")));
        assertThat(m.getAllRecipients()).hasSize(3);
        assertThat(NotificationBuilder.eightBit(build("x", List.of("j\u00f6rg@example.org")))).isTrue();
    }

    private static byte[] build(String subject, List<String> to) {
        return NotificationBuilder.build("gw.example.org", "postmaster@gw.example.org", to, "recipient",
                NotificationTemplates.render(TEMPLATE, Map.of("subject", subject, "sender", "alice@sender.test",
                        "reason", "blocked: eicar.com (Infected)")),
                NOW);
    }

    private static MimeMessage parse(byte[] bytes) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
    }
}
