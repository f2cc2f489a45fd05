package io.moat.delivery.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DsnBuilderTest {

    private static final Instant ARRIVAL = Instant.parse("2024-03-01T10:15:30Z");
    private static final Instant NOW = Instant.parse("2024-03-02T11:00:00Z");
    private static final String SECRET = "The secret body line that must not come back";

    @TempDir
    Path dir;

    private Path original;

    @BeforeEach
    void writeOriginal() throws IOException {
        original = dir.resolve("original.eml");
        Files.writeString(original, String.join("\r\n",
                "Received: from client.example.com (client.example.com [192.0.2.10])",
                "\tby gateway.example.org; Fri, 1 Mar 2024 10:15:30 +0000",
                "From: Alice <alice@example.com>",
                "To: bob@example.org, carol@example.org",
                "Subject: Quarterly report",
                "Message-ID: <original-1@example.com>",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                SECRET,
                "Subject: not a header, part of the body",
                "") + "\r\n", StandardCharsets.US_ASCII);
    }

    private static MimeMessage parse(byte[] dsn) throws MessagingException {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(dsn));
    }

    private static String text(BodyPart part) throws MessagingException, IOException {
        return new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The groups of fields of a message/delivery-status part: the per-message one first. */
    private static List<InternetHeaders> groups(BodyPart status) throws MessagingException, IOException {
        String body = text(status).replace("\r\n", "\n");
        List<InternetHeaders> groups = new ArrayList<>();
        for (String group : body.split("\n\n")) {
            if (!group.isBlank()) {
                groups.add(new InternetHeaders(new ByteArrayInputStream(
                        (group.strip() + "\n\n").getBytes(StandardCharsets.US_ASCII))));
            }
        }
        return groups;
    }

    private MimeMultipart report(byte[] dsn) throws MessagingException, IOException {
        return (MimeMultipart) parse(dsn).getContent();
    }

    private byte[] build(List<String> recipients, String reason, boolean expired) throws IOException {
        return DsnBuilder.build("gateway.example.org", "alice@example.com",
                recipients.stream().map(r -> new DsnBuilder.Failure(r, reason, expired)).toList(), ARRIVAL, NOW,
                original);
    }

    @Test
    void eachRecipientGetsItsOwnStatusAndDiagnostic() throws Exception {
        byte[] dsn = DsnBuilder.build("gateway.example.org", "alice@example.com",
                List.of(new DsnBuilder.Failure("gone@example.org", "550 5.1.1 no such user", false),
                        new DsnBuilder.Failure("slow@example.org", "451 4.3.0 try later", true)),
                ARRIVAL, NOW, original);
        String text = new String(dsn, StandardCharsets.UTF_8);
        assertThat(text).contains("Final-Recipient: rfc822; gone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 no such user");
        assertThat(text).contains("Final-Recipient: rfc822; slow@example.org\r\nAction: failed\r\nStatus: 4.4.7\r\n"
                + "Diagnostic-Code: smtp; 451 4.3.0 try later");
    }

    @Test
    void aUtf8RecipientBouncedFor567IsNamedInUtf8TextAndAsAnXtextUtf8AddressInTheStatus() throws Exception {
        String recipient = "j\u00f6s\u00e9+tag=1@ex\u00e4mple.com";
        byte[] dsn = DsnBuilder.build("gateway.example.org", "alice@example.com",
                List.of(new DsnBuilder.Failure(recipient, "554 5.6.7 smtp://mx:25 does not offer SMTPUTF8 (RFC 6531),"
                        + " which this message needs", false)),
                ARRIVAL, NOW, original);

        MimeMultipart report = report(dsn);
        BodyPart human = report.getBodyPart(0);
        assertThat(new ContentType(human.getContentType()).getParameter("charset")).isEqualTo("utf-8");
        assertThat(human.getHeader("Content-Transfer-Encoding")).containsExactly("8bit");
        assertThat(text(human)).contains("<" + recipient + ">");
        InternetHeaders status = groups(report.getBodyPart(1)).get(1);
        assertThat(status.getHeader("Status", null)).isEqualTo("5.6.7");
        assertThat(status.getHeader("Final-Recipient", null))
                .isEqualTo("utf-8; j\\x{F6}s\\x{E9}\\x{2B}tag\\x{3D}1@ex\\x{E4}mple.com");
        // the status part stays ASCII; the report is marked 8bit and told as such
        assertThat(text(report.getBodyPart(1))).matches("\\p{ASCII}*");
        assertThat(parse(dsn).getHeader("Content-Transfer-Encoding", null)).isEqualTo("8bit");
        assertThat(DsnBuilder.eightBit(dsn)).isTrue();
        assertThat(DsnBuilder.eightBit(build(List.of("bob@example.org"), "550 5.1.1 no such user", false)))
                .isFalse();
    }

    @Test
    void isAMultipartReportOfDeliveryStatusWithThreeParts() throws Exception {
        byte[] dsn = build(List.of("bob@example.org"), "550 5.1.1 no such user", false);

        MimeMessage message = parse(dsn);
        assertThat(message.isMimeType("multipart/report")).isTrue();
        ContentType type = new ContentType(message.getContentType());
        assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");
        MimeMultipart report = (MimeMultipart) message.getContent();
        assertThat(report.getCount()).isEqualTo(3);
        assertThat(report.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat(report.getBodyPart(1).isMimeType("message/delivery-status")).isTrue();
        assertThat(report.getBodyPart(2).isMimeType("text/rfc822-headers")).isTrue();
    }

    @Test
    void goesToTheSenderFromTheMailerDaemon() throws Exception {
        MimeMessage message = parse(build(List.of("bob@example.org"), "550 5.1.1 no such user", false));

        assertThat(message.getRecipients(Message.RecipientType.TO))
                .containsExactly(new InternetAddress("alice@example.com"));
        assertThat(((InternetAddress) message.getFrom()[0]).getAddress())
                .isEqualTo("MAILER-DAEMON@gateway.example.org");
        assertThat(message.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(message.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(message.getMessageID()).endsWith("@gateway.example.org>");
        assertThat(message.getSentDate()).isEqualTo(Date.from(NOW));
    }

    @Test
    void reportsEveryRecipientAsFailedWithTheEnhancedCodeOfTheReply() throws Exception {
        MimeMultipart report = report(build(List.of("bob@example.org", "carol@example.org"),
                "550 5.1.1 <bob@example.org>: no such user", false));

        List<InternetHeaders> groups = groups(report.getBodyPart(1));
        assertThat(groups).hasSize(3);
        InternetHeaders perMessage = groups.get(0);
        assertThat(perMessage.getHeader("Reporting-MTA", null)).isEqualTo("dns; gateway.example.org");
        assertThat(perMessage.getHeader("Arrival-Date", null)).isEqualTo("Fri, 1 Mar 2024 10:15:30 GMT");
        assertThat(groups.get(1).getHeader("Final-Recipient", null)).isEqualTo("rfc822; bob@example.org");
        assertThat(groups.get(2).getHeader("Final-Recipient", null)).isEqualTo("rfc822; carol@example.org");
        for (InternetHeaders recipient : groups.subList(1, 3)) {
            assertThat(recipient.getHeader("Action", null)).isEqualTo("failed");
            assertThat(recipient.getHeader("Status", null)).isEqualTo("5.1.1");
            assertThat(recipient.getHeader("Diagnostic-Code", null))
                    .isEqualTo("smtp; 550 5.1.1 <bob@example.org>: no such user");
        }
    }

    @Test
    void replyWithoutEnhancedCodeGivesTheGenericPermanentStatus() throws Exception {
        MimeMultipart report = report(build(List.of("bob@example.org"), "554 Transaction failed", false));

        assertThat(groups(report.getBodyPart(1)).get(1).getHeader("Status", null)).isEqualTo("5.0.0");
    }

    @Test
    void expiredMessagesReportTheDeliveryTimeExpiredStatus() throws Exception {
        MimeMultipart report = report(build(List.of("bob@example.org"),
                "gave up after PT120H: 451 4.3.0 try again later", true));

        InternetHeaders recipient = groups(report.getBodyPart(1)).get(1);
        assertThat(recipient.getHeader("Action", null)).isEqualTo("failed");
        assertThat(recipient.getHeader("Status", null)).isEqualTo("4.4.7");
        assertThat(text(report.getBodyPart(0))).contains("could not be delivered in time");
    }

    @Test
    void expiryWinsOverAPermanentCodeInTheReason() {
        assertThat(DsnBuilder.status("550 5.1.1 no such user", true)).isEqualTo("4.4.7");
    }

    @Test
    void statusIsAlwaysPermanentUnlessExpired() {
        assertThat(DsnBuilder.status("550 5.7.1 relaying denied", false)).isEqualTo("5.7.1");
        assertThat(DsnBuilder.status("553 5.1.3 bad address", false)).isEqualTo("5.1.3");
        assertThat(DsnBuilder.status("451 4.3.0 try later", false)).isEqualTo("5.0.0");
        assertThat(DsnBuilder.status("250 2.0.0 ok", false)).isEqualTo("5.0.0");
        assertThat(DsnBuilder.status("", false)).isEqualTo("5.0.0");
        assertThat(DsnBuilder.status(null, false)).isEqualTo("5.0.0");
    }

    @Test
    void statusIsNotTakenFromAnIpAddressInTheReply() {
        assertThat(DsnBuilder.status("554 Your host 5.188.10.3 is blocked", false)).isEqualTo("5.0.0");
    }

    @Test
    void multiLineReplyStaysOnOneLine() throws Exception {
        byte[] dsn = build(List.of("bob@example.org"), "550-5.7.1 first line\r\n550 5.7.1 second line", false);
        MimeMultipart report = report(dsn);

        InternetHeaders recipient = groups(report.getBodyPart(1)).get(1);
        assertThat(recipient.getHeader("Status", null)).isEqualTo("5.7.1");
        assertThat(recipient.getHeader("Diagnostic-Code", null))
                .isEqualTo("smtp; 550-5.7.1 first line 550 5.7.1 second line");
        assertThat(text(report.getBodyPart(0))).contains("Reason: 550-5.7.1 first line 550 5.7.1 second line");
    }

    @Test
    void humanReadablePartNamesTheFailedRecipientsAndTheReason() throws Exception {
        MimeMultipart report = report(build(List.of("bob@example.org", "carol@example.org"),
                "550 5.1.1 no such user", false));

        assertThat(text(report.getBodyPart(0)))
                .contains("gateway.example.org")
                .contains("<bob@example.org>")
                .contains("<carol@example.org>")
                .contains("Reason: 550 5.1.1 no such user");
    }

    @Test
    void includesTheOriginalHeadersButNotTheBody() throws Exception {
        byte[] dsn = build(List.of("bob@example.org"), "550 5.1.1 no such user", false);
        MimeMultipart report = report(dsn);

        String headers = text(report.getBodyPart(2));
        assertThat(headers).contains("Received: from client.example.com (client.example.com [192.0.2.10])\r\n"
                + "\tby gateway.example.org; Fri, 1 Mar 2024 10:15:30 +0000\r\n")
                .contains("From: Alice <alice@example.com>\r\n")
                .contains("Subject: Quarterly report\r\n")
                .contains("Message-ID: <original-1@example.com>\r\n")
                .doesNotContain(SECRET)
                .doesNotContain("not a header");
        assertThat(new String(dsn, StandardCharsets.UTF_8)).doesNotContain(SECRET);
    }

    @Test
    void originalWithBareLineFeedsStillStopsAtTheBody() throws Exception {
        Files.writeString(original, "Subject: unix\nFrom: a@example.com\n\n" + SECRET + "\n",
                StandardCharsets.US_ASCII);
        byte[] dsn = build(List.of("bob@example.org"), "550 5.1.1 no such user", false);

        String headers = text(report(dsn).getBodyPart(2));
        assertThat(headers).contains("Subject: unix").contains("From: a@example.com").doesNotContain(SECRET);
    }

    @Test
    void hugeOriginalHeaderSectionIsCut() throws Exception {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            big.append("X-Filler-").append(i).append(": ").append("y".repeat(60)).append("\r\n");
        }
        Files.writeString(original, big + "\r\n" + SECRET + "\r\n", StandardCharsets.US_ASCII);

        byte[] dsn = build(List.of("bob@example.org"), "550 5.1.1 no such user", false);

        assertThat(dsn.length).isLessThan(80 * 1024);
        assertThat(report(dsn).getCount()).isEqualTo(3);
        assertThat(new String(dsn, StandardCharsets.US_ASCII)).doesNotContain(SECRET);
    }

    @Test
    void eightBitOriginalHeadersAreReturnedUnchanged() throws Exception {
        byte[] subject = "Subject: Gr\u00fc\u00dfe aus K\u00f6ln\r\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(subject);
        file.write("From: a@example.com\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(original, file.toByteArray());

        byte[] dsn = build(List.of("bob@example.org"), "550 5.1.1 no such user", false);

        assertThat(indexOf(dsn, subject)).as("original Subject bytes in the DSN").isNotNegative();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
