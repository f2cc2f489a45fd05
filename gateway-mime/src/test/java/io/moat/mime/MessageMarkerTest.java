package io.moat.mime;

import static io.moat.mime.TestMessages.CRLF;
import static io.moat.mime.TestMessages.EICAR;
import static io.moat.mime.TestMessages.base64;
import static io.moat.mime.TestMessages.binary;
import static io.moat.mime.TestMessages.entityEnd;
import static io.moat.mime.TestMessages.entityStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.mime.AttachmentExtractor.Attachment;
import io.moat.mime.Marks.Disclaimer;
import io.moat.mime.Marks.Disclaimer.Position;
import io.moat.mime.Marks.Disclaimer.Style;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.SharedFileInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageMarkerTest {

    private static final Session SESSION = Session.getInstance(new Properties());

    @TempDir
    Path dir;

    private Path spool(String... lines) throws IOException {
        Path file = dir.resolve("message.eml");
        Files.write(file, (String.join(CRLF, lines) + CRLF).getBytes(StandardCharsets.ISO_8859_1));
        return file;
    }

    /** The output of a rewrite and what the marker said it did. */
    private record Marked(byte[] bytes, MessageMarker.Result result) {

        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        MimeMessage parsed() throws MessagingException {
            return new MimeMessage(SESSION, new ByteArrayInputStream(bytes));
        }
    }

    private static Marked mark(Path message, Marks marks) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageMarker.Result result = MessageMarker.mark(message, marks, out);
        return new Marked(out.toByteArray(), result);
    }

    private static Marks disclaimer(Disclaimer disclaimer) {
        return new Marks(List.of(), null, disclaimer, List.of());
    }

    private static String decoded(BodyPart part) throws IOException, MessagingException {
        return (String) part.getContent();
    }

    private static byte[] bytes(BodyPart part) throws IOException, MessagingException {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    /** A message of a text and an HTML body and a PDF, as mail clients send it. */
    private Path alternativeWithAttachment(byte[] pdf) throws IOException {
        return spool(
                "From: alice@example.com",
                "To: bob@example.org",
                "Subject: report",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"out\"",
                "",
                "preamble",
                "--out",
                "Content-Type: multipart/alternative; boundary=\"alt\"",
                "",
                "--alt",
                "Content-Type: text/plain; charset=us-ascii",
                "Content-Transfer-Encoding: 7bit",
                "",
                "Hello Bob,",
                "the report is attached.",
                "--alt",
                "Content-Type: text/html; charset=us-ascii",
                "",
                "<html><head><title>r</title></head><BODY class=\"x\">",
                "<p>Hello Bob,</p>",
                "</BODY></html>",
                "--alt--",
                "",
                "--out",
                "Content-Type: application/pdf; name=\"report.pdf\"",
                "Content-Disposition: attachment; filename=\"report.pdf\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(pdf),
                "--out--",
                "epilogue");
    }

    @Test
    void headersAndTheSubjectTagGoAtTheTopCleanedFoldedAndEncoded() throws Exception {
        Path message = spool(
                "Received: from a by b",
                "From: alice@example.com",
                "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from",
                " Munich",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                "body");
        String original = Files.readString(message, StandardCharsets.ISO_8859_1);
        String longValue = "word ".repeat(60).strip();
        Marks marks = new Marks(List.of(
                new Marks.Header("X-Moat-Rule", "partners"),
                new Marks.Header("X-Moat-Verdict", "Pr\u00fcfung \u2013 infected\r\nBcc: mallory@example.net"),
                new Marks.Header("X-Moat-Long", longValue)), "[SUSPICIOUS]", null, List.of());

        Marked marked = mark(message, marks);

        MimeMessage parsed = marked.parsed();
        assertThat(parsed.getHeader("X-Moat-Rule", null)).isEqualTo("partners");
        assertThat(MimeUtility.decodeText(MimeUtility.unfold(parsed.getHeader("X-Moat-Verdict", null))))
                .isEqualTo("Pr\u00fcfung \u2013 infected Bcc: mallory@example.net");
        assertThat(parsed.getHeader("Bcc")).isNull();
        assertThat(MimeUtility.unfold(parsed.getHeader("X-Moat-Long", null))).isEqualTo(longValue);
        assertThat(parsed.getSubject()).isEqualTo("[SUSPICIOUS] Gr\u00fc\u00dfe from Munich");
        assertThat(marked.result().subjectTagged()).isTrue();
        assertThat(marked.result().headersAdded()).containsExactly("X-Moat-Rule", "X-Moat-Verdict", "X-Moat-Long");
        // fields first, every line within 78 characters, ASCII, CRLF; the rest as it was but the subject
        String text = marked.text();
        assertThat(text).startsWith("X-Moat-Rule: partners" + CRLF);
        assertThat(text.split(CRLF)).allMatch(line -> line.length() <= 78);
        assertThat(text.replace(CRLF, "")).doesNotContain("\n", "\r");
        assertThat(Octets.ascii(text)).isTrue();
        assertThat(text).endsWith(original.substring(original.indexOf("Content-Type:")));
        assertThat(text).contains("Subject: [SUSPICIOUS] =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from" + CRLF + " Munich" + CRLF);
        assertThat(marked.result().summary())
                .isEqualTo("subject tagged; headers X-Moat-Rule, X-Moat-Verdict, X-Moat-Long");
    }

    @Test
    void aFieldNameThatIsNotOneIsRefusedAndNoMarksCopyTheMessageAsItIs() throws Exception {
        assertThatThrownBy(() -> new Marks.Header("X-Rule\r\nBcc", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Marks.Header("X Rule", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Marks.Header("X-Rule:", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Marks.Header("X-R\u00e8gle", "v")).isInstanceOf(IllegalArgumentException.class);

        Path message = alternativeWithAttachment(binary(3000, 1));
        Marked copy = mark(message, Marks.NONE);

        assertThat(copy.bytes()).isEqualTo(Files.readAllBytes(message));
        assertThat(copy.result().summary()).isEqualTo("unchanged");
    }

    @Test
    void aLongTagAndHeaderValueAreCutWithAnEllipsisAndNoLinePassesNineHundredNinetyEightOctets() throws Exception {
        String longSubject = "x".repeat(985);
        Path message = spool("From: alice@example.com", "Subject: " + longSubject, "", "body");
        String verdict = "infected: " + "y".repeat(2000);
        Marks marks = new Marks(List.of(new Marks.Header("X-Moat-Verdict", verdict)), "[BLOCKED " + verdict + "]",
                null, List.of());

        Marked marked = mark(message, marks);

        assertThat(marked.text().split(CRLF)).allMatch(line -> line.length() <= 998);
        String subject = MimeUtility.unfold(marked.parsed().getSubject());
        assertThat(subject).startsWith("[BLOCKED infected: yyy").endsWith("y\u2026 " + longSubject);
        assertThat(subject.length()).isEqualTo(200 + 1 + longSubject.length());
        String header = MimeUtility.decodeText(MimeUtility.unfold(marked.parsed().getHeader("X-Moat-Verdict", null)));
        assertThat(header).hasSize(900).startsWith("infected: yyy").endsWith("y\u2026");
    }

    @Test
    void anEncodedWordInATagOrHeaderValueIsShownAsTextNotDecoded() throws Exception {
        Path message = spool("From: alice@example.com", "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=", "", "body");
        String name = "=?utf-8?b?UGF5bWVudCByZWNlaXZlZA==?=.exe";
        Marks marks = new Marks(List.of(new Marks.Header("X-Moat-Verdict", "infected " + name)),
                "[BLOCKED " + name + "]", null, List.of());

        Marked marked = mark(message, marks);

        assertThat(marked.text()).doesNotContain(name);
        assertThat(marked.parsed().getSubject()).isEqualTo("[BLOCKED " + name + "] Gr\u00fc\u00dfe");
        assertThat(MimeUtility.decodeText(MimeUtility.unfold(marked.parsed().getHeader("X-Moat-Verdict", null))))
                .isEqualTo("infected " + name);
        assertThat(marked.text().split(CRLF)).allMatch(line -> line.length() <= 78);
    }

    @Test
    void aTagInUnicodeBeforeAnEncodedSubjectKeepsTheSpaceBetweenThem() throws Exception {
        Path message = spool("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=", "", "body");

        Marked marked = mark(message, new Marks(List.of(), "[PR\u00dcFUNG]", null, List.of()));

        assertThat(marked.parsed().getSubject()).isEqualTo("[PR\u00dcFUNG] Gr\u00fc\u00dfe");
    }

    @Test
    void theTagIsNotAddedTwiceAndAMissingSubjectGetsOne() throws Exception {
        Path tagged = spool("Subject: [SUSPICIOUS] again", "", "body");
        Marks marks = new Marks(List.of(), "[SUSPICIOUS]", null, List.of());

        Marked again = mark(tagged, marks);

        assertThat(again.result().subjectTagged()).isFalse();
        assertThat(again.bytes()).isEqualTo(Files.readAllBytes(tagged));
        assertThat(again.result().summary()).isEqualTo("unchanged");

        Path none = spool("From: a@example.com", "", "body");
        Marked added = mark(none, marks);
        assertThat(added.result().subjectTagged()).isTrue();
        assertThat(added.parsed().getSubject()).isEqualTo("[SUSPICIOUS]");
    }

    @ParameterizedTest
    @EnumSource(Position.class)
    void aDisclaimerGoesIntoBothTheTextAndTheHtmlOfAnAlternative(Position position) throws Exception {
        byte[] pdf = binary(4000, 9);
        Path message = alternativeWithAttachment(pdf);
        Disclaimer notice = new Disclaimer("Scanned by Moat.", "<b>Scanned</b> by Moat.", position, Style.WARNING);

        Marked marked = mark(message, disclaimer(notice));

        assertThat(marked.result().disclaimerIn()).containsExactly("text", "html");
        MimeMultipart mixed = (MimeMultipart) marked.parsed().getContent();
        MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        BodyPart plain = alternative.getBodyPart(0);
        BodyPart html = alternative.getBodyPart(1);
        String original = "Hello Bob,\r\nthe report is attached.";
        assertThat(decoded(plain)).isEqualTo(position == Position.TOP
                ? "Scanned by Moat.\r\n\r\n" + original
                : original + "\r\n\r\nScanned by Moat.\r\n");
        assertThat(plain.getContentType()).isEqualToIgnoringCase("text/plain; charset=utf-8");
        assertThat(plain.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        String page = decoded(html);
        String block = "<div style=\"border:1px solid #ffa000;";
        assertThat(page).contains(block).contains("<b>Scanned</b> by Moat.</div>");
        if (position == Position.TOP) {
            assertThat(page.indexOf(block)).isGreaterThan(page.indexOf("<BODY class=\"x\">"))
                    .isLessThan(page.indexOf("<p>Hello Bob,</p>"));
        } else {
            assertThat(page.indexOf(block)).isGreaterThan(page.indexOf("<p>Hello Bob,</p>"))
                    .isLessThan(page.indexOf("</BODY>"));
        }
        assertThat(bytes(mixed.getBodyPart(1))).isEqualTo(pdf);
        // the structure around the rewritten parts is as it was
        String text = marked.text();
        String source = Files.readString(message, StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith(source.substring(0, source.indexOf("--alt" + CRLF) + 7));
        assertThat(text).endsWith(source.substring(source.indexOf(CRLF + "--alt--")));
        assertThat(text.replace(CRLF, "")).doesNotContain("\n", "\r");
    }

    @Test
    void aQuotedPrintableLatin1TextIsDecodedAndWrittenAgainInUtf8() throws Exception {
        Path message = spool(
                "Subject: hallo",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=\"iso-8859-1\"; format=fixed",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                "Gr=FC=DFe aus M=FCnchen,",
                "eine sehr lange Zeile, die weich umbrochen wurde und trotzdem eine Zeile b=",
                "leibt.");

        Marked marked = mark(message, disclaimer(new Disclaimer("Gepr\u00fcft \u2013 \u2713", null, Position.TOP,
                Style.INFO)));

        MimeMessage parsed = marked.parsed();
        assertThat(parsed.getContentType()).isEqualToIgnoringCase("text/plain; charset=utf-8; format=fixed");
        assertThat(parsed.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        assertThat(parsed.getContent()).isEqualTo("Gepr\u00fcft \u2013 \u2713\r\n\r\nGr\u00fc\u00dfe aus M\u00fcnchen,"
                + "\r\neine sehr lange Zeile, die weich umbrochen wurde und trotzdem eine Zeile bleibt.\r\n");
        assertThat(parsed.getSubject()).isEqualTo("hallo");
        assertThat(marked.result().disclaimerIn()).containsExactly("text");
    }

    @Test
    void aTextOnlyDisclaimerIsEscapedForHtmlAndAnHtmlOnlyOneStrippedForText() throws Exception {
        Path message = alternativeWithAttachment(binary(10, 1));

        Marked fromText = mark(message, disclaimer(new Disclaimer("1 < 2 & \"safe\"", null, Position.BOTTOM,
                Style.CRITICAL)));
        MimeMultipart alternative = (MimeMultipart) ((MimeMultipart) fromText.parsed().getContent()).getBodyPart(0)
                .getContent();
        assertThat(decoded(alternative.getBodyPart(1))).contains("#d32f2f")
                .contains(">1 &lt; 2 &amp; &quot;safe&quot;</div>");

        Marked fromHtml = mark(message, disclaimer(new Disclaimer(null,
                "<p>Checked &amp; <b>clean</b></p><script>alert(1)</script><p>by Moat</p>", Position.TOP,
                Style.INFO)));
        alternative = (MimeMultipart) ((MimeMultipart) fromHtml.parsed().getContent()).getBodyPart(0).getContent();
        assertThat(decoded(alternative.getBodyPart(0))).startsWith("Checked & clean\r\nby Moat\r\n\r\nHello Bob,");
    }

    @Test
    void removingAPartDeliversEveryOtherEntityByteForByte() throws Exception {
        byte[] pdf = binary(6000, 4);
        Path message = spool(
                "From: mallory@example.com",
                "Subject: invoice",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"b\"",
                "",
                "--b",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit",
                "",
                "Gr\u00c3\u00bc\u00c3\u009fe, see the files.",
                "--b",
                "Content-Type: application/octet-stream; name=\"eicar.com\"",
                "Content-Disposition: attachment; filename=\"eicar.com\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(EICAR.getBytes(StandardCharsets.US_ASCII)),
                "--b",
                "Content-Type: application/pdf; name=\"report.pdf\"",
                "Content-Disposition: attachment; filename=\"report.pdf\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(pdf),
                "--b--");
        String source = Files.readString(message, StandardCharsets.ISO_8859_1);
        List<Attachment> found = AttachmentExtractor.extract(message, dir.resolve("parts"), 1_000_000)
                .attachments();
        Attachment eicar = found.get(1);
        assertThat(eicar.fileName()).isEqualTo("eicar.com");
        Marks marks = new Marks(List.of(new Marks.Header("X-Moat-Verdict", "Infected")), null, null, List.of(
                new Marks.Removal(eicar.entityStart(), eicar.entityEnd(),
                        "The attachment 'eicar.com' was removed by Moat: Infected (EICAR).")));

        Marked marked = mark(message, marks);

        assertThat(marked.result().removed()).isEqualTo(1);
        assertThat(marked.result().signatureBroken()).isFalse();
        String text = marked.text();
        assertThat(text).doesNotContain(base64(EICAR.getBytes(StandardCharsets.US_ASCII)));
        for (Attachment clean : List.of(found.get(0), found.get(2))) {
            String entity = source.substring((int) clean.entityStart(), (int) clean.entityEnd());
            assertThat(text).contains("--b" + CRLF + entity + CRLF + "--b");
        }
        MimeMultipart mixed = (MimeMultipart) marked.parsed().getContent();
        assertThat(mixed.getCount()).isEqualTo(3);
        BodyPart replacement = mixed.getBodyPart(1);
        assertThat(replacement.getContentType()).isEqualTo("text/plain; charset=UTF-8");
        assertThat(replacement.getDisposition()).isEqualTo("inline");
        assertThat(decoded(replacement).strip())
                .isEqualTo("The attachment 'eicar.com' was removed by Moat: Infected (EICAR).");
        assertThat(bytes(mixed.getBodyPart(2))).isEqualTo(pdf);
        assertThat(decoded(mixed.getBodyPart(0))).isEqualTo("Gr\u00fc\u00dfe, see the files.");
        assertThat(marked.result().summary()).isEqualTo("headers X-Moat-Verdict; 1 part removed");
    }

    @Test
    void aRemovedForwardedMessageTakesItsPartsAndTheOuterOfTwoNestedRemovalsWins() throws Exception {
        String forwarded = String.join(CRLF, "Subject: inner", "Content-Type: application/octet-stream;"
                + " name=\"x.exe\"", "Content-Transfer-Encoding: base64", "",
                base64(EICAR.getBytes(
                        StandardCharsets.US_ASCII)),
                "");
        Path message = spool(
                "Subject: Fwd",
                "Content-Type: multipart/mixed; boundary=o",
                "",
                "--o",
                "Content-Type: text/plain",
                "",
                "forwarded below",
                "--o",
                "Content-Type: message/rfc822",
                "",
                forwarded,
                "--o--");
        List<Attachment> found = AttachmentExtractor.extract(message, dir.resolve("parts"), 1_000_000)
                .attachments();
        Attachment exe = found.get(1);
        assertThat(exe.fileName()).isEqualTo("x.exe");
        String source = Files.readString(message, StandardCharsets.ISO_8859_1);
        long outerStart = entityStart(source, "o", 2);
        long outerEnd = entityEnd(source, "o", 2);

        Marked marked = mark(message, new Marks(List.of(), null, null, List.of(
                new Marks.Removal(exe.entityStart(), exe.entityEnd(), "inner removed"),
                new Marks.Removal(outerStart, outerEnd, "forwarded message removed"))));

        assertThat(marked.result().removed()).isEqualTo(1);
        assertThat(marked.text()).contains("forwarded message removed").doesNotContain("inner removed")
                .doesNotContain("Subject: inner");
    }

    @Test
    void aSignedMessageKeepsItsBodyAndGetsNoDisclaimer() throws Exception {
        Path message = signed();
        String source = Files.readString(message, StandardCharsets.ISO_8859_1);
        Marks marks = new Marks(List.of(new Marks.Header("X-Moat-Rule", "default")), "[SCANNED]",
                new Disclaimer("Scanned.", null, Position.TOP, Style.INFO), List.of());

        Marked marked = mark(message, marks);

        assertThat(marked.result().signed()).isTrue();
        assertThat(marked.result().signatureBroken()).isFalse();
        assertThat(marked.result().disclaimerIn()).containsExactly("skipped: message is signed");
        String body = source.substring(source.indexOf(CRLF + CRLF));
        assertThat(marked.text()).endsWith(body);
        assertThat(marked.parsed().getSubject()).isEqualTo("[SCANNED] signed");
        assertThat(marked.result().summary()).isEqualTo(
                "subject tagged; headers X-Moat-Rule; disclaimer skipped: message is signed; signed");
    }

    @Test
    void removingContentFromASignedMessageSaysTheSignatureIsBroken() throws Exception {
        Path message = signed();
        List<Attachment> found = AttachmentExtractor.extract(message, dir.resolve("parts"), 1_000_000)
                .attachments();
        Attachment exe = found.stream().filter(a -> "tool.exe".equals(a.fileName())).findFirst().orElseThrow();

        Marked marked = mark(message, new Marks(List.of(), null, null, List.of(
                new Marks.Removal(exe.entityStart(), exe.entityEnd(), "removed"))));

        assertThat(marked.result().signed()).isTrue();
        assertThat(marked.result().signatureBroken()).isTrue();
        assertThat(marked.result().summary()).isEqualTo("1 part removed; signature broken");
        assertThat(marked.text()).doesNotContain("tool.exe");
    }

    @Test
    void aPgpMimeEncryptedMessageKeepsItsTwoPartsAndGetsNoDisclaimer() throws Exception {
        Path message = spool(
                "From: alice@example.com",
                "Subject: secret",
                "MIME-Version: 1.0",
                "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"",
                "",
                "--e",
                "Content-Type: application/pgp-encrypted",
                "",
                "Version: 1",
                "--e",
                "Content-Type: application/octet-stream",
                "",
                "-----BEGIN PGP MESSAGE-----",
                base64(binary(200, 3)),
                "-----END PGP MESSAGE-----",
                "--e--");
        String source = Files.readString(message, StandardCharsets.ISO_8859_1);

        Marked marked = mark(message, new Marks(List.of(new Marks.Header("X-Moat-Rule", "default")), null,
                new Disclaimer("Scanned.", null, Position.BOTTOM, Style.INFO), List.of()));

        assertThat(marked.text()).endsWith(source.substring(source.indexOf(CRLF + CRLF)));
        assertThat(((MimeMultipart) marked.parsed().getContent()).getCount()).isEqualTo(2);
        assertThat(marked.result().encrypted()).isTrue();
        assertThat(marked.result().signed()).isFalse();
        assertThat(marked.result().disclaimerIn()).containsExactly("skipped: message is encrypted");
        assertThat(marked.result().summary())
                .isEqualTo("headers X-Moat-Rule; disclaimer skipped: message is encrypted; encrypted");
    }

    @Test
    void anSmimeEnvelopedMessageIsSaidToBeEncrypted() throws Exception {
        Path message = spool(
                "Subject: secret",
                "MIME-Version: 1.0",
                "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(binary(300, 5)));

        Marked marked = mark(message, disclaimer(new Disclaimer("Scanned.", null, Position.TOP, Style.INFO)));

        assertThat(marked.bytes()).isEqualTo(Files.readAllBytes(message));
        assertThat(marked.result().encrypted()).isTrue();
        assertThat(marked.result().summary()).isEqualTo("disclaimer skipped: message is encrypted; encrypted");
    }

    @Test
    void aSignedPartInsideAMixedMessageIsNotWalkedIntoAndTheNoticeGoesIntoTheTextOutsideIt() throws Exception {
        Path message = spool(
                "Subject: forwarded signed",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"o\"",
                "",
                "--o",
                "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; micalg=pgp-sha256;"
                        + " boundary=\"s\"",
                "",
                "--s",
                "Content-Type: text/plain; charset=iso-8859-1",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                "signed text, Gr=FC=DFe",
                "--s",
                "Content-Type: application/pgp-signature",
                "",
                "-----BEGIN PGP SIGNATURE-----",
                "-----END PGP SIGNATURE-----",
                "--s--",
                "--o",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                "unsigned text",
                "--o--");
        String source = Files.readString(message, StandardCharsets.ISO_8859_1);
        String signedEntity = source.substring((int) entityStart(source, "o", 1), (int) entityEnd(source, "o", 1));

        Marked marked = mark(message, disclaimer(new Disclaimer("Scanned.", null, Position.TOP, Style.INFO)));

        assertThat(marked.text()).contains("--o" + CRLF + signedEntity + CRLF + "--o");
        assertThat(marked.result().disclaimerIn()).containsExactly("text");
        assertThat(marked.result().signed()).isFalse();
        assertThat(marked.result().signatureBroken()).isFalse();
        MimeMultipart mixed = (MimeMultipart) marked.parsed().getContent();
        assertThat(decoded(mixed.getBodyPart(1))).isEqualTo("Scanned.\r\n\r\nunsigned text");
    }

    @ParameterizedTest
    @EnumSource(Position.class)
    void aMixedMessageWhoseOnlyTextIsSignedGetsTheNoticeAsAPartOfItsOwn(Position position) throws Exception {
        Path message = spool(
                "Subject: signed inside",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"o\"",
                "",
                "--o",
                "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=\"s\"",
                "",
                "--s",
                "Content-Type: text/plain",
                "",
                "signed text",
                "--s",
                "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(binary(300, 8)),
                "--s--",
                "--o",
                "Content-Type: application/pkcs7-mime; smime-type=signed-data; name=\"smime.p7m\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(binary(200, 7)),
                "--o--");
        String source = Files.readString(message, StandardCharsets.ISO_8859_1);
        String signedEntity = source.substring((int) entityStart(source, "o", 1), (int) entityEnd(source, "o", 1));

        Marked marked = mark(message, disclaimer(new Disclaimer("Scanned.", null, position, Style.INFO)));

        assertThat(marked.text()).contains(CRLF + signedEntity + CRLF + "--o");
        assertThat(marked.result().disclaimerIn()).containsExactly("added part");
        MimeMultipart mixed = (MimeMultipart) marked.parsed().getContent();
        assertThat(mixed.getCount()).isEqualTo(3);
        assertThat(decoded(mixed.getBodyPart(position == Position.TOP ? 0 : 2))).isEqualTo("Scanned.\r\n");
    }

    @Test
    void removingContentFromASignedPartBelowTheTopSaysTheSignatureIsBrokenButRemovingThePartWholeDoesNot()
            throws Exception {
        String signedPart = signedEntity();
        Path message = spool(
                "Subject: forwarded signed",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"o\"",
                "",
                "--o",
                "Content-Type: text/plain",
                "",
                "see below",
                "--o",
                signedPart,
                "--o--");
        String source = Files.readString(message, StandardCharsets.ISO_8859_1);
        Attachment exe = AttachmentExtractor.extract(message, dir.resolve("parts"), 1_000_000).attachments()
                .stream().filter(a -> "tool.exe".equals(a.fileName())).findFirst().orElseThrow();

        Marked inside = mark(message, new Marks(List.of(), null, null, List.of(
                new Marks.Removal(exe.entityStart(), exe.entityEnd(), "removed"))));
        Marked whole = mark(message, new Marks(List.of(), null, null, List.of(
                new Marks.Removal(entityStart(source, "o", 2), entityEnd(source, "o", 2), "removed"))));

        assertThat(inside.result().signed()).isFalse();
        assertThat(inside.result().signatureBroken()).isTrue();
        assertThat(inside.result().summary()).isEqualTo("1 part removed; signature broken");
        assertThat(whole.result().signatureBroken()).isFalse();
        assertThat(whole.result().summary()).isEqualTo("1 part removed");
    }

    @ParameterizedTest
    @EnumSource(Position.class)
    void anAlternativeWithoutATextBodyIsWrappedRatherThanGivenAnAlternativeOfTheNotice(Position position)
            throws Exception {
        Path message = spool(
                "Subject: invitation",
                "MIME-Version: 1.0",
                "Content-Type: multipart/alternative; boundary=\"a\"",
                "",
                "--a",
                "Content-Type: text/calendar; method=REQUEST",
                "",
                "BEGIN:VCALENDAR",
                "END:VCALENDAR",
                "--a--");

        Marked marked = mark(message, disclaimer(new Disclaimer("Scanned.", null, position, Style.INFO)));

        assertThat(marked.result().disclaimerIn()).containsExactly("wrapped");
        MimeMultipart mixed = (MimeMultipart) marked.parsed().getContent();
        assertThat(mixed.getContentType()).startsWith("multipart/mixed");
        assertThat(mixed.getCount()).isEqualTo(2);
        MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(position == Position.TOP ? 1 : 0)
                .getContent();
        assertThat(alternative.getCount()).isEqualTo(1);
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/calendar");
    }

    private Path signed() throws IOException {
        return spool("From: alice@example.com", "Subject: signed", "MIME-Version: 1.0", signedEntity());
    }

    /** An S/MIME signed entity (header and content) of a text and a program. */
    private static String signedEntity() {
        return String.join(CRLF,
                "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;"
                        + " boundary=\"s\"",
                "",
                "--s",
                "Content-Type: multipart/mixed; boundary=\"m\"",
                "",
                "--m",
                "Content-Type: text/plain",
                "",
                "signed text",
                "--m",
                "Content-Type: application/octet-stream; name=\"tool.exe\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(binary(100, 2)),
                "--m--",
                "",
                "--s",
                "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(binary(300, 8)),
                "--s--");
    }

    @ParameterizedTest
    @EnumSource(Position.class)
    void aMultipartWithoutATextBodyGetsADisclaimerPartFirstOrLast(Position position) throws Exception {
        byte[] pdf = binary(2000, 6);
        Path message = spool(
                "Subject: scan",
                "Content-Type: multipart/mixed; boundary=\"b\"",
                "",
                "--b",
                "Content-Type: application/pdf; name=\"scan.pdf\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(pdf),
                "--b--");

        Marked marked = mark(message, disclaimer(new Disclaimer("Scanned by Moat.", null, position, Style.INFO)));

        assertThat(marked.result().disclaimerIn()).containsExactly("added part");
        MimeMultipart mixed = (MimeMultipart) marked.parsed().getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        BodyPart notice = mixed.getBodyPart(position == Position.TOP ? 0 : 1);
        assertThat(notice.getContentType()).isEqualTo("text/plain; charset=UTF-8");
        assertThat(decoded(notice)).isEqualTo("Scanned by Moat.\r\n");
        assertThat(bytes(mixed.getBodyPart(position == Position.TOP ? 1 : 0))).isEqualTo(pdf);
    }

    @ParameterizedTest
    @EnumSource(Position.class)
    void aSinglePartMessageWithoutTextIsWrappedBesideTheDisclaimer(Position position) throws Exception {
        byte[] pdf = binary(2000, 6);
        Path message = spool(
                "From: scanner@example.com",
                "Subject: scan",
                "MIME-Version: 1.0",
                "Content-Type: application/pdf; name=\"scan.pdf\"",
                "Content-Disposition: attachment; filename=\"scan.pdf\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(pdf));

        Marked marked = mark(message, disclaimer(new Disclaimer("Scanned by Moat.", null, position, Style.INFO)));

        assertThat(marked.result().disclaimerIn()).containsExactly("wrapped");
        MimeMessage parsed = marked.parsed();
        assertThat(parsed.getContentType()).startsWith("multipart/mixed");
        assertThat(parsed.getHeader("Content-Disposition")).isNull();
        assertThat(parsed.getSubject()).isEqualTo("scan");
        MimeMultipart mixed = (MimeMultipart) parsed.getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        assertThat(decoded(mixed.getBodyPart(position == Position.TOP ? 0 : 1))).isEqualTo("Scanned by Moat.\r\n");
        BodyPart original = mixed.getBodyPart(position == Position.TOP ? 1 : 0);
        assertThat(original.getFileName()).isEqualTo("scan.pdf");
        assertThat(bytes(original)).isEqualTo(pdf);
    }

    @Test
    void removingASinglePartMessageKeepsItsHeaderFieldsButContent() throws Exception {
        Path message = spool(
                "From: mallory@example.com",
                "Subject: invoice",
                "MIME-Version: 1.0",
                "Content-Type: application/octet-stream; name=\"invoice.exe\"",
                "Content-Disposition: attachment; filename=\"invoice.exe\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(EICAR.getBytes(StandardCharsets.US_ASCII)));
        List<Attachment> found = AttachmentExtractor.extract(message, dir.resolve("parts"), 1_000_000)
                .attachments();
        assertThat(found.get(0).entityStart()).isZero();

        Marked marked = mark(message, new Marks(List.of(), "[REMOVED]",
                new Disclaimer("Moat removed content.", null, Position.BOTTOM, Style.WARNING), List.of(
                        new Marks.Removal(found.get(0).entityStart(), found.get(0).entityEnd(),
                                "The attachment 'invoice.exe' was removed by Moat: Infected (EICAR)."))));

        MimeMessage parsed = marked.parsed();
        assertThat(parsed.getFrom()[0].toString()).isEqualTo("mallory@example.com");
        assertThat(parsed.getSubject()).isEqualTo("[REMOVED] invoice");
        assertThat(parsed.getContentType()).isEqualTo("text/plain; charset=UTF-8");
        assertThat(parsed.getHeader("Content-Disposition")).containsExactly("inline");
        assertThat(parsed.getContent()).isEqualTo("The attachment 'invoice.exe' was removed by Moat: Infected"
                + " (EICAR).\r\n\r\nMoat removed content.\r\n");
        assertThat(marked.text()).doesNotContain("invoice.exe\"");
        assertThat(marked.result().removed()).isEqualTo(1);
    }

    private Marked htmlWithNotice(String html, Position position) throws Exception {
        Path message = spool(
                "Subject: page",
                "MIME-Version: 1.0",
                "Content-Type: text/html; charset=us-ascii",
                "",
                html);
        return mark(message, disclaimer(new Disclaimer("UNSCANNED", null, position, Style.WARNING)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<!-- </body> -->", "<style>p{} </body></style>",
            "<script>'</body>'</script>", "<script><!--<script></script></body>--></script>",
            "<textarea></body></textarea>", "<title></BODY></title>", "<template></body></template>",
            "<img alt=\"</body>\">", "<?php </body> ?>", "<!DOCTYPE </body>>"})
    void theNoticeAtTheBottomGoesBeforeTheLastBodyEndTagABrowserSeesNotOneInACommentOrScript(String trailer)
            throws Exception {
        Marked marked = htmlWithNotice("<html><body><p>Hello</p></body></html>" + trailer, Position.BOTTOM);

        String html = (String) marked.parsed().getContent();
        int notice = html.indexOf("<div style=");
        assertThat(html.substring(0, notice)).isEqualTo("<html><body><p>Hello</p>\r\n");
        assertThat(html.substring(notice)).contains("UNSCANNED").endsWith("</div>\r\n</body></html>" + trailer
                + "\r\n");
    }

    @Test
    void theNoticeAtTheTopGoesAfterTheBodyTagABrowserSeesNotOneInACommentOrTitle() throws Exception {
        String head = "<html><head><title><body></title><!-- <body> --><style>/* <body> */</style>"
                + "<script>var s = \"<body>\";</script><meta content=\"<body>\"></head><BODY class=\"x\">";

        Marked marked = htmlWithNotice(head + "<p>Hello</p></body></html>", Position.TOP);

        String html = (String) marked.parsed().getContent();
        assertThat(html).startsWith(head + "\r\n<div style=");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "<p>Hello</p><!-- </body></html>|-->",
            "<p>Hello</p><style>p{}|</style>",
            "<p>Hello</p><script><!--<script>|--></script>",
            "<p title=\"x|\">",
            "<p>Hello</p><template><p>|</template>",
            "<p>Hello</p><textarea|></textarea>"})
    void aDocumentEndingInsideACommentGetsTheNoticeAtItsEndWithWhatIsOpenClosed(String tail, String closer)
            throws Exception {
        Marked marked = htmlWithNotice("<html><body>" + tail, Position.BOTTOM);

        String html = (String) marked.parsed().getContent();
        int notice = html.indexOf("<div style=");
        assertThat(html.substring(0, notice)).isEqualTo("<html><body>" + tail + "\r\n" + closer);
        assertThat(html.substring(notice)).contains("UNSCANNED");
    }

    @Test
    void aTextInAnUnknownCharsetIsLeftAloneAndTheResultSaysWhy() throws Exception {
        Path message = spool(
                "Subject: odd",
                "Content-Type: text/plain; charset=x-no-such-charset",
                "",
                "text");

        Marked marked = mark(message, disclaimer(new Disclaimer("Scanned.", null, Position.TOP, Style.INFO)));

        assertThat(marked.bytes()).isEqualTo(Files.readAllBytes(message));
        assertThat(marked.result().disclaimerIn()).containsExactly("skipped text: unknown charset x-no-such-charset");
    }

    @Test
    void aStructureItCannotReadOrARangeOutsideTheMessageFailsClosed() throws Exception {
        Path broken = spool(
                "Subject: broken",
                "Content-Type: multipart/mixed; boundary=\"never\"",
                "",
                "--other",
                "",
                "text");
        Marks notice = disclaimer(new Disclaimer("Scanned.", null, Position.TOP, Style.INFO));
        assertThatThrownBy(() -> mark(broken, notice)).isInstanceOf(IOException.class)
                .hasMessageContaining("MIME structure cannot be read");

        Path ambiguous = spool(
                "Subject: two types",
                "Content-Type: text/plain",
                "Content-Type: text/html",
                "",
                "text");
        assertThatThrownBy(() -> mark(ambiguous, notice)).isInstanceOf(IOException.class)
                .hasMessageContaining("ambiguous");

        long size = Files.size(ambiguous);
        assertThatThrownBy(() -> mark(ambiguous, new Marks(List.of(), null, null,
                List.of(new Marks.Removal(5, size + 1, "x"))))).isInstanceOf(IOException.class)
                .hasMessageContaining("runs past the message");
    }

    @Test
    void aMessageOfTwentyMegabytesIsRewrittenAsAStream() throws Exception {
        Path message = dir.resolve("large.eml");
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = Files.newOutputStream(message)) {
            out.write(String.join(CRLF,
                    "Subject: large",
                    "Content-Type: multipart/mixed; boundary=\"b\"",
                    "",
                    "--b",
                    "Content-Type: text/plain; charset=us-ascii",
                    "",
                    "See the archive.",
                    "--b",
                    "Content-Type: application/octet-stream; name=\"big.bin\"",
                    "Content-Transfer-Encoding: base64",
                    "",
                    "").getBytes(StandardCharsets.US_ASCII));
            OutputStream base64 = Base64.getMimeEncoder().wrap(new NonClosing(out));
            byte[] block = binary(57 * 1024, 3);
            for (int i = 0; i < 256; i++) { // 14.6 MB of data, 19.7 MB of base64
                block[0] = (byte) i;
                sent.update(block);
                base64.write(block);
            }
            base64.close();
            out.write((CRLF + "--b--" + CRLF).getBytes(StandardCharsets.US_ASCII));
        }
        long size = Files.size(message);
        assertThat(size).isGreaterThan(19_000_000);
        Path output = dir.resolve("marked.eml");

        MessageMarker.Result result;
        try (OutputStream out = Files.newOutputStream(output)) {
            result = MessageMarker.mark(message, new Marks(List.of(new Marks.Header("X-Moat-Rule", "large")),
                    null, new Disclaimer("Scanned.", null, Position.BOTTOM, Style.INFO), List.of()), out);
        }

        assertThat(result.disclaimerIn()).containsExactly("text");
        assertThat(Files.size(output)).isBetween(size, size + 200);
        try (SharedFileInputStream in = new SharedFileInputStream(output.toFile())) {
            MimeMultipart mixed = (MimeMultipart) new MimeMessage(SESSION, in).getContent();
            assertThat(decoded(mixed.getBodyPart(0))).isEqualTo("See the archive.\r\n\r\nScanned.\r\n");
            MessageDigest delivered = MessageDigest.getInstance("SHA-256");
            try (InputStream data = mixed.getBodyPart(1).getInputStream()) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = data.read(buffer)) > 0) {
                    delivered.update(buffer, 0, n);
                }
            }
            assertThat(delivered.digest()).isEqualTo(sent.digest());
        }
    }

    /** Lets a base64 encoder be closed (to write its last quantum) without closing the file under it. */
    // Parts replaced by a file (Deep CDR's sanitized copies)

    private Path file(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    private static Marks replacing(Marks.Replacement... replacements) {
        return new Marks(List.of(), null, null, List.of(), List.of(replacements));
    }

    /** A text, a PDF in base64 and a note in quoted-printable. */
    private Path mixed(byte[] pdf) throws IOException {
        return spool(
                "From: alice@example.com",
                "Subject: report",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"b\"",
                "",
                "--b",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                "see the files",
                "--b",
                "Content-Type: application/pdf; name=\"report.pdf\"",
                "Content-Disposition: attachment; filename=\"report.pdf\"",
                "Content-ID: <pdf@example.com>",
                "Content-Transfer-Encoding: base64",
                "",
                base64(pdf),
                "--b",
                "Content-Type: text/plain; name=\"note.txt\"",
                "Content-Disposition: attachment; filename=\"note.txt\"",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                "a note=3D",
                "--b--");
    }

    @Test
    void aReplacedPartCarriesTheFilesBytesInBase64AndKeepsItsNameTypeAndOtherFields() throws Exception {
        Path message = mixed(binary(5000, 1));
        String source = Files.readString(message, StandardCharsets.ISO_8859_1);
        List<Attachment> found = AttachmentExtractor.extract(message, dir.resolve("parts"), 1_000_000).attachments();
        Attachment pdf = found.get(1);
        byte[] sanitized = binary(7777, 2);

        Marked marked = mark(message, replacing(new Marks.Replacement(pdf.entityStart(), pdf.entityEnd(),
                file("sanitized", sanitized), null, null)));

        assertThat(marked.result().replaced()).isEqualTo(1);
        assertThat(marked.result().summary()).isEqualTo("1 part sanitized");
        MimeMultipart parts = (MimeMultipart) marked.parsed().getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        BodyPart replaced = parts.getBodyPart(1);
        assertThat(bytes(replaced)).isEqualTo(sanitized);
        assertThat(replaced.getFileName()).isEqualTo("report.pdf");
        assertThat(replaced.getContentType()).isEqualTo("application/pdf; name=\"report.pdf\"");
        assertThat(replaced.getHeader("Content-ID")).containsExactly("<pdf@example.com>");
        assertThat(replaced.getHeader("Content-Transfer-Encoding")).containsExactly("base64");
        for (Attachment other : List.of(found.get(0), found.get(2))) {
            String entity = source.substring((int) other.entityStart(), (int) other.entityEnd());
            assertThat(marked.text()).contains("--b" + CRLF + entity + CRLF + "--b");
        }
        assertThat(marked.text().lines().allMatch(l -> l.length() <= 76)).isTrue();
    }

    @Test
    void aQuotedPrintablePartBecomesBase64AndARenamedOneGetsItsNewNameAndType() throws Exception {
        Path message = mixed(binary(100, 3));
        List<Attachment> found = AttachmentExtractor.extract(message, dir.resolve("parts"), 1_000_000).attachments();
        Attachment note = found.get(2);
        byte[] sanitized = "a clean note\r\n\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);

        Marked marked = mark(message, replacing(new Marks.Replacement(note.entityStart(), note.entityEnd(),
                file("sanitized", sanitized), "note \u00fcber.pdf", "application/pdf")));

        BodyPart replaced = ((MimeMultipart) marked.parsed().getContent()).getBodyPart(2);
        assertThat(bytes(replaced)).isEqualTo(sanitized);
        assertThat(replaced.getContentType()).startsWith("application/pdf");
        assertThat(replaced.getDisposition()).isEqualTo("attachment");
        assertThat(marked.text()).contains("filename*=utf-8''note%20%C3%BCber.pdf");
        assertThat(replaced.getHeader("Content-Transfer-Encoding")).containsExactly("base64");
    }

    @Test
    void aSinglePartMessageHasItsContentReplacedUnderItsOwnHeader() throws Exception {
        Path message = spool(
                "From: alice@example.com",
                "Subject: one file",
                "MIME-Version: 1.0",
                "Content-Type: application/pdf; name=\"a.pdf\"",
                "Content-Disposition: attachment; filename=\"a.pdf\"",
                "",
                "%PDF-1.4 raw bytes");
        List<Attachment> found = AttachmentExtractor.extract(message, dir.resolve("parts"), 1_000_000).attachments();
        byte[] sanitized = binary(300, 5);

        Marked marked = mark(message, replacing(new Marks.Replacement(found.get(0).entityStart(),
                found.get(0).entityEnd(), file("s", sanitized), null, null)));

        MimeMessage parsed = marked.parsed();
        assertThat(parsed.getSubject()).isEqualTo("one file");
        assertThat(parsed.getFileName()).isEqualTo("a.pdf");
        try (InputStream in = parsed.getInputStream()) {
            assertThat(in.readAllBytes()).isEqualTo(sanitized);
        }
        assertThat(marked.text()).endsWith(CRLF);
    }

    @Test
    void aReplacementInsideARemovalIsLeftOutAndOneBesideItIsMade() throws Exception {
        byte[] sanitized = binary(64, 6);
        Path message = spool(
                "Subject: two",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"b\"",
                "",
                "--b",
                "Content-Type: application/octet-stream; name=\"eicar.com\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(EICAR.getBytes(StandardCharsets.US_ASCII)),
                "--b",
                "Content-Type: application/pdf; name=\"b.pdf\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(binary(10, 7)),
                "--b--");
        List<Attachment> found = AttachmentExtractor.extract(message, dir.resolve("parts"), 1_000_000).attachments();
        Attachment eicar = found.get(0);
        Attachment pdf = found.get(1);
        Path file = file("s", sanitized);

        Marked marked = mark(message, new Marks(List.of(), null, null,
                List.of(new Marks.Removal(eicar.entityStart(), eicar.entityEnd(), "removed")),
                List.of(new Marks.Replacement(eicar.entityStart(), eicar.entityEnd(), file, null, null),
                        new Marks.Replacement(pdf.entityStart(), pdf.entityEnd(), file, null, null))));

        assertThat(marked.result().removed()).isEqualTo(1);
        assertThat(marked.result().replaced()).isEqualTo(1);
        MimeMultipart parts = (MimeMultipart) marked.parsed().getContent();
        assertThat(bytes(parts.getBodyPart(1))).isEqualTo(sanitized);
        assertThat(marked.result().summary()).isEqualTo("1 part removed; 1 part sanitized");
    }

    @Test
    void aRangeThatIsNotASinglePartIsRefusedRatherThanGuessed() throws Exception {
        Path message = mixed(binary(100, 8));
        Path file = file("s", new byte[]{1});
        long size = Files.size(message);
        String source = Files.readString(message, StandardCharsets.ISO_8859_1);
        long firstPart = source.indexOf("Content-Type: text/plain; charset");

        assertThatThrownBy(() -> mark(message, replacing(new Marks.Replacement(firstPart, firstPart + 10, file,
                null, null)))).isInstanceOf(IOException.class).hasMessageContaining("not an entity");
        assertThatThrownBy(() -> mark(message, replacing(new Marks.Replacement(0, size, file, null, null))))
                .isInstanceOf(IOException.class).hasMessageContaining("not a single part but multipart/mixed");
    }

    @Test
    void aBodyReplacedByItsSanitizedCopyGetsNoDisclaimerAndTheOtherBodyDoes() throws Exception {
        Path message = alternativeWithAttachment(binary(100, 9));
        List<Attachment> found = AttachmentExtractor.extract(message, dir.resolve("parts"), 1_000_000).attachments();
        Attachment html = found.stream().filter(a -> a.fileName().endsWith(".html")).findFirst().orElseThrow();
        byte[] sanitized = "<html><body><p>clean</p></body></html>".getBytes(StandardCharsets.US_ASCII);

        Marked marked = mark(message, new Marks(List.of(), null, new Disclaimer("Scanned.", "<p>Scanned.</p>",
                Position.BOTTOM, Style.INFO), List.of(),
                List.of(new Marks.Replacement(html.entityStart(),
                        html.entityEnd(), file("sanitized.html", sanitized), null, null))));

        assertThat(marked.result().disclaimerIn()).containsExactly("text");
        assertThat(marked.result().replaced()).isEqualTo(1);
        MimeMultipart alternative = (MimeMultipart) ((MimeMultipart) marked.parsed().getContent()).getBodyPart(0)
                .getContent();
        assertThat(bytes(alternative.getBodyPart(1))).isEqualTo(sanitized);
        assertThat(decoded(alternative.getBodyPart(0))).contains("Scanned.");
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
