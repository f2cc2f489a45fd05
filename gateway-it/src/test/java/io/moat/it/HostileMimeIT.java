package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.Encodings;
import io.moat.devtools.ReceivedMail;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Messages built to defeat a gateway, through the real server (heap of 256 MB): each ends in the final state that
 * says why, and a clean message sent after it is still delivered; content that was not scanned is never delivered,
 * and the sender's own verdict never reaches the downstream.
 */
class HostileMimeIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String CRLF = "\r\n";
    private static final String EICAR = new String(Mails.EICAR, StandardCharsets.US_ASCII);

    @BeforeEach
    void doubles() {
        TestBed.up();
    }

    /** A raw message with a test id to find it at the sink. */
    private static final class Raw {
        final String testId = UUID.randomUUID().toString();
        final StringBuilder text = new StringBuilder();

        Raw(String... headers) {
            this(new String[]{null}, headers);
        }

        /** With {@code subject[0]} as the Subject's raw text (null: "hostile" and the test id). */
        private Raw(String[] subject, String[] headers) {
            text.append("From: <mallory@sender.test>").append(CRLF).append("To: <bob@example.com>").append(CRLF)
                    .append("Subject: ").append(subject[0] == null ? "hostile " + testId : subject[0]).append(CRLF)
                    .append("X-Test-Id: ").append(testId).append(CRLF);
            for (String header : headers) {
                text.append(header).append(CRLF);
            }
        }

        /** A raw message whose Subject's raw text is {@code subject}. */
        static Raw withSubject(String subject, String... headers) {
            return new Raw(new String[]{subject}, headers);
        }

        Raw line(String line) {
            text.append(line).append(CRLF);
            return this;
        }

        byte[] bytes() {
            return text.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private static String send(Raw raw) throws IOException {
        return Api.queueId(GatewaySmtp.send("mallory@sender.test", "bob@example.com", raw.bytes()));
    }

    /** Ends in {@code state}, never reaches the downstream, and a clean message sent after it still does. */
    private static JsonObject endsIn(String id, Raw raw, String state) throws IOException {
        await().atMost(PATIENCE).until(() -> Api.state(id).equals(state));
        JsonObject detail = Api.message(id);
        assertThat(detail.getJsonArray("deliveryAttempts")).isEmpty();
        Mails clean = new Mails().attach("after.txt", "text/plain", "still flowing".getBytes());
        String after = Api.queueId(GatewaySmtp.send("alice@sender.test", "bob@example.com",
                clean.build("alice@sender.test", "bob@example.com")));
        await().atMost(PATIENCE).until(() -> Api.state(after).equals("DELIVERED"));
        assertThat(TestBed.delivered(raw.testId)).isEmpty();
        return detail;
    }

    @Test
    void aPartBombOfThreeHundredThousandEmptyPartsIsQuarantined() throws IOException {
        Raw raw = new Raw("MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=b", "");
        raw.text.append(("--b" + CRLF + CRLF).repeat(300_000)).append("--b--").append(CRLF);

        JsonObject detail = endsIn(send(raw), raw, "QUARANTINED");

        assertThat(detail.getString("scanSummary"))
                .isEqualTo("quarantined: could not be fully inspected: more than 1000 MIME parts");
    }

    @Test
    void forwardedMessagesNestedInQuotedPrintableAreStoppedAtTheDecodedLimit() throws IOException {
        Raw raw = new Raw("MIME-Version: 1.0", "Content-Type: message/rfc822",
                "Content-Transfer-Encoding: quoted-printable", "");
        for (int level = 17; level >= 1; level--) { // each level decodes to the next: the same 36 MB 18 times
            raw.line("Subject: level " + level).line("MIME-Version: 1.0").line("Content-Type: message/rfc822")
                    .line("Content-Transfer-Encoding: quoted-printable").line("");
        }
        raw.line("Subject: level 0").line("");
        raw.text.append(("q".repeat(76) + CRLF).repeat(460_000)); // 36 MB

        JsonObject detail = endsIn(send(raw), raw, "QUARANTINED");

        assertThat(detail.getString("scanSummary")).startsWith("quarantined: could not be fully inspected: more than")
                .endsWith("bytes of decoded content");
    }

    @Test
    void aFortyMegabyteHeaderLineIsNotReadAndTheMessageIsQuarantined() throws IOException {
        Raw raw = new Raw("X-Filler: " + "h".repeat(40_000_000), "Content-Type: text/plain", "").line("text");

        JsonObject detail = endsIn(send(raw), raw, "QUARANTINED");

        assertThat(detail.getString("scanSummary"))
                .isEqualTo("quarantined: could not be fully inspected: a header section over 65536 bytes");
    }

    @Test
    void twoBoundaryParametersAreBlockedAsSuspicious() throws IOException {
        Raw raw = new Raw("MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"a\"; boundary=\"b\"", "")
                .line("--a").line("Content-Type: text/plain").line("").line("harmless")
                .line("--b").line("Content-Type: application/octet-stream; name=\"tool.exe\"").line("").line("MZ")
                .line("--b--").line("--a--");

        JsonObject detail = endsIn(send(raw), raw, "BLOCKED");

        assertThat(detail.getString("scanSummary")).contains("Content-Type with two boundary parameters");
    }

    @Test
    void aBase64EicarBesideANestTwentyOneDeepIsFoundAndBlocked() throws IOException {
        Raw raw = new Raw("MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"top\"", "")
                .line("--top").line("Content-Type: application/octet-stream; name=\"eicar.com\"")
                .line("Content-Transfer-Encoding: base64").line("")
                .line(Base64.getMimeEncoder().encodeToString(Mails.EICAR)).line("--top");
        for (int i = 0; i < 21; i++) {
            raw.line("Content-Type: multipart/mixed; boundary=\"d" + i + "\"").line("").line("--d" + i);
        }
        raw.line("Content-Type: text/plain").line("").line("deep");
        for (int i = 20; i >= 0; i--) {
            raw.line("--d" + i + "--");
        }
        raw.line("--top--");

        JsonObject detail = endsIn(send(raw), raw, "BLOCKED");

        assertThat(detail.getString("scanSummary")).isEqualTo("blocked: eicar.com (Infected)");
        assertThat(Api.attachment(detail, "(message structure)").getString("category")).isEqualTo("UNINSPECTED");
    }

    @Test
    void eicarInAPlainTextBodyIsBlocked() throws IOException {
        Raw raw = new Raw("Content-Type: text/plain", "").line("Here it is:").line(EICAR);

        JsonObject detail = endsIn(send(raw), raw, "BLOCKED");

        assertThat(detail.getString("scanSummary")).isEqualTo("blocked: body.txt (Infected)");
    }

    @Test
    void aUuencodedFileInTheBodyIsBlocked() throws IOException {
        Raw raw = new Raw("Content-Type: text/plain", "").line("see below").line("begin 644 eicar.com")
                .line(Encodings.uuencode(Mails.EICAR)).line("`").line("end");

        JsonObject detail = endsIn(send(raw), raw, "BLOCKED");

        assertThat(detail.getString("scanSummary")).isEqualTo("blocked: eicar.com (Infected)");
    }

    @Test
    void htmlSmugglingThroughADataUrlIsBlocked() throws IOException {
        Raw raw = new Raw("MIME-Version: 1.0", "Content-Type: text/html; charset=utf-8", "")
                .line("<html><body><a download=\"invoice.exe\" href=\"data:application/octet-stream;base64,"
                        + Base64.getEncoder().encodeToString(Mails.EICAR) + "\">Your invoice</a></body></html>");

        JsonObject detail = endsIn(send(raw), raw, "BLOCKED");

        assertThat(detail.getString("scanSummary")).isEqualTo("blocked: embedded-1.bin (Infected)");
    }

    @Test
    void nulInTheSubjectAndAFileNameIsRecordedAsAReplacementCharacter() throws IOException {
        // RFC 2047 encodes what SMTP's bytes cannot carry; PostgreSQL's text holds no NUL, H2's does: the records
        // are the same on both, and the message is still scanned and blocked
        Raw raw = Raw.withSubject("=?utf-8?q?before=00after?=", "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"b\"", "").line("--b")
                .line("Content-Type: text/plain").line("").line("see attached").line("--b")
                .line("Content-Type: application/octet-stream; name=\"=?utf-8?q?a=00.com?=\"")
                .line("Content-Disposition: attachment; filename=\"=?utf-8?q?a=00.com?=\"")
                .line("Content-Transfer-Encoding: base64").line("")
                .line(Base64.getEncoder().encodeToString(Mails.EICAR)).line("--b--");

        JsonObject detail = endsIn(send(raw), raw, "BLOCKED");

        assertThat(detail.getString("subject")).isEqualTo("before\uFFFDafter");
        // the file name's NUL is gone before it is recorded (the MIME layer cleans names)
        assertThat(detail.getString("scanSummary")).matches("blocked: a[?\uFFFD]\\.com \\(Infected\\)");
    }

    @Test
    void aVerdictWrittenByTheSenderNeverReachesTheDownstream() throws IOException {
        Raw raw = new Raw("X-Moat-Scan: clean; 9 attachments scanned", "x-moat-scan: also clean",
                "Content-Type: text/plain", "").line("nothing to see");

        String id = send(raw);

        await().atMost(PATIENCE).until(() -> TestBed.delivered(raw.testId).size() == 1);
        ReceivedMail received = TestBed.delivered(raw.testId).get(0);
        String text = new String(received.data(), StandardCharsets.ISO_8859_1);
        Matcher verdicts = Pattern.compile("(?im)^x-moat-scan:.*$").matcher(text);
        assertThat(verdicts.results().map(MatchResult::group).toList())
                .containsExactly("X-Moat-Scan: clean; 1 part scanned; rule default");
        await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
    }
}
