package io.moat.mime;

import static io.moat.mime.TestMessages.CRLF;
import static io.moat.mime.TestMessages.EICAR;
import static io.moat.mime.TestMessages.base64;
import static io.moat.mime.TestMessages.binary;
import static io.moat.mime.TestMessages.entityEnd;
import static io.moat.mime.TestMessages.entityStart;
import static org.assertj.core.api.Assertions.assertThat;

import io.moat.devtools.Encodings;
import io.moat.mime.AttachmentExtractor.Attachment;
import io.moat.mime.AttachmentExtractor.Extraction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttachmentExtractorTest {

    @TempDir
    Path dir;

    private Path parts;

    @BeforeEach
    void makePartsFolder() throws IOException {
        parts = Files.createDirectory(dir.resolve("parts"));
    }

    private Path spool(String... lines) throws IOException {
        return spool(String.join(CRLF, lines) + CRLF);
    }

    private Path spool(String text) throws IOException {
        Path file = dir.resolve("message.eml");
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private byte[] partFile(Attachment a) throws IOException {
        return Files.readAllBytes(parts.resolve(a.partName()));
    }

    private List<String> partFiles() throws IOException {
        try (Stream<Path> files = Files.list(parts)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Whether any file in the parts folder holds the EICAR test string. */
    private boolean eicarInSomePart() throws IOException {
        List<byte[]> contents = new ArrayList<>();
        for (String name : partFiles()) {
            contents.add(Files.readAllBytes(parts.resolve(name)));
        }
        return contents.stream().anyMatch(c -> new String(c, StandardCharsets.ISO_8859_1).contains(EICAR));
    }

    @Test
    void multipartYieldsItsBodyAndBothAttachmentsDecoded() throws IOException {
        byte[] pdf = binary(5000, 7);
        byte[] zip = binary(123, 99);
        String encodedName = "=?UTF-8?B?" + Base64.getEncoder()
                .encodeToString("Gr\u00fc\u00dfe \u20ac.zip".getBytes(StandardCharsets.UTF_8)) + "?=";
        Path message = spool(
                "From: alice@example.com",
                "To: bob@example.org",
                "Subject: =?UTF-8?Q?Rechnung_f=C3=BCr_M=C3=A4rz?=",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"b1\"",
                "",
                "This is a multi-part message in MIME format.",
                "--b1",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                "Hello Bob, two files attached.",
                "--b1",
                "Content-Type: application/pdf; name=\"report.pdf\"",
                "Content-Disposition: attachment; filename=\"report.pdf\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(pdf),
                "--b1",
                "Content-Type: application/zip",
                "Content-Disposition: attachment; filename=\"" + encodedName + "\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(zip),
                "--b1--");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0);

        assertThat(extraction.subject()).isEqualTo("Rechnung f\u00fcr M\u00e4rz");
        List<Attachment> found = extraction.attachments();
        assertThat(found).hasSize(3);
        String body = "Hello Bob, two files attached.";
        String text = Files.readString(message, StandardCharsets.ISO_8859_1);
        assertThat(found.get(0)).isEqualTo(new Attachment(0, "body.txt", "text/plain", body.length(), "0", null,
                entityStart(text, "b1", 1), entityEnd(text, "b1", 1), true));
        assertThat(found.get(1)).isEqualTo(new Attachment(1, "report.pdf", "application/pdf", pdf.length, "1", null,
                entityStart(text, "b1", 2), entityEnd(text, "b1", 2), false));
        assertThat(found.get(2)).isEqualTo(new Attachment(2, "Gr\u00fc\u00dfe \u20ac.zip", "application/zip",
                zip.length, "2", null, entityStart(text, "b1", 3), entityEnd(text, "b1", 3), false));
        assertThat(new String(partFile(found.get(0)), StandardCharsets.US_ASCII)).isEqualTo(body);
        assertThat(partFile(found.get(1))).isEqualTo(pdf);
        assertThat(partFile(found.get(2))).isEqualTo(zip);
        assertThat(partFiles()).containsExactly("0", "1", "2");
    }

    @Test
    void rfc2231FileNamesAreDecoded() throws IOException {
        Path message = spool(
                "Subject: plain",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=b2",
                "",
                "--b2",
                "Content-Type: text/plain",
                "",
                "body",
                "--b2",
                "Content-Type: application/octet-stream",
                "Content-Disposition: attachment; filename*=UTF-8''%C3%A9t%C3%A9.exe",
                "Content-Transfer-Encoding: base64",
                "",
                base64(new byte[]{1, 2, 3}),
                "--b2--");

        List<Attachment> found = AttachmentExtractor.extract(message, parts, 0).attachments();

        assertThat(found).extracting(Attachment::fileName).containsExactly("body.txt", "\u00e9t\u00e9.exe");
    }

    @Test
    void theTextOfASinglePartMessageIsScannedToo() throws IOException {
        Path message = spool(
                "From: alice@example.com",
                "To: bob@example.org",
                "Subject: Lunch?",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                "Noon at the usual place.");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0);

        assertThat(extraction.subject()).isEqualTo("Lunch?");
        assertThat(extraction.attachments()).containsExactly(
                new Attachment(0, "body.txt", "text/plain", 26, "0", null, 0, Files.size(message), true));
        assertThat(Files.readString(parts.resolve("0"))).isEqualTo("Noon at the usual place.\r\n");
    }

    @Test
    void aMessageWithoutMimeHeadersIsScannedAsText() throws IOException {
        Path message = spool("Subject: old style", "", "just text");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0);

        assertThat(extraction.subject()).isEqualTo("old style");
        assertThat(extraction.attachments()).extracting(Attachment::fileName, Attachment::contentType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("body.txt", "text/plain"));
    }

    @Test
    void singlePartMessageThatIsAnAttachmentIsExtracted() throws IOException {
        byte[] exe = binary(300, 1);
        Path message = spool(
                "Subject: invoice",
                "MIME-Version: 1.0",
                "Content-Type: application/octet-stream",
                "Content-Disposition: attachment; filename=\"invoice.exe\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(exe));

        List<Attachment> found = AttachmentExtractor.extract(message, parts, 0).attachments();

        assertThat(found).hasSize(1);
        assertThat(found.get(0).fileName()).isEqualTo("invoice.exe");
        assertThat(partFile(found.get(0))).isEqualTo(exe);
    }

    @Test
    void attachmentInsideAnInlineForwardedMessageIsFound() throws IOException {
        byte[] docx = binary(2048, 42);
        Path message = spool(
                "From: carol@example.com",
                "To: bob@example.org",
                "Subject: Fwd: contract",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"outer\"",
                "",
                "--outer",
                "Content-Type: text/plain",
                "",
                "See the forwarded message.",
                "--outer",
                "Content-Type: message/rfc822",
                "",
                "From: dave@example.net",
                "Subject: contract",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"inner\"",
                "",
                "--inner",
                "Content-Type: text/plain",
                "",
                "The contract.",
                "--inner",
                "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "Content-Disposition: attachment; filename=\"contract.docx\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(docx),
                "--inner--",
                "",
                "--outer--");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0);

        assertThat(extraction.subject()).isEqualTo("Fwd: contract");
        assertThat(extraction.attachments()).extracting(Attachment::fileName)
                .containsExactly("body.txt", "body-2.txt", "contract.docx");
        assertThat(Files.readString(parts.resolve("1"))).isEqualTo("The contract.");
        Attachment inner = extraction.attachments().get(2);
        assertThat(inner.fileName()).isEqualTo("contract.docx");
        assertThat(inner.contentType())
                .isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        assertThat(partFile(inner)).isEqualTo(docx);
    }

    /**
     * RFC 2046 allows only 7bit, 8bit and binary for message/rfc822, and Jakarta Mail ignores any other encoding of
     * it, so a forwarded message in base64 was read as its base64 text: a message without attachments. Mail clients
     * decode it and offer what is inside, so the gateway must decode it too.
     */
    @Test
    void attachmentInsideABase64ForwardedMessageIsFound() throws IOException {
        byte[] exe = binary(3000, 5);
        String forwarded = String.join(CRLF,
                "From: dave@example.net",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"inner\"",
                "",
                "--inner",
                "Content-Type: text/plain",
                "",
                "Run this.",
                "--inner",
                "Content-Type: application/octet-stream; name=\"setup.exe\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(exe),
                "--inner--",
                "");
        Path message = spool(
                "Subject: Fwd",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=o",
                "",
                "--o",
                "Content-Type: message/rfc822",
                "Content-Transfer-Encoding: base64",
                "",
                base64(forwarded.getBytes(StandardCharsets.US_ASCII)),
                "--o--");

        List<Attachment> found = AttachmentExtractor.extract(message, parts, 0).attachments();

        assertThat(found).extracting(Attachment::fileName).containsExactly("body.txt", "setup.exe");
        assertThat(partFile(found.get(1))).isEqualTo(exe);
    }

    @Test
    void anAttachedMessageInBase64IsScannedDecoded() throws IOException {
        String attached = String.join(CRLF, "From: dave@example.net", "Subject: inner", "", EICAR, "");
        Path message = spool(
                "Subject: see attached",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=o",
                "",
                "--o",
                "Content-Type: message/rfc822; name=\"inner.eml\"",
                "Content-Disposition: attachment; filename=\"inner.eml\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(attached.getBytes(StandardCharsets.US_ASCII)),
                "--o--");

        List<Attachment> found = AttachmentExtractor.extract(message, parts, 0).attachments();

        assertThat(found).extracting(Attachment::fileName).containsExactly("inner.eml");
        assertThat(new String(partFile(found.get(0)), StandardCharsets.US_ASCII)).isEqualTo(attached);
    }

    /** A multipart without a boundary parameter: its first delimiter-like line gives the boundary, as mail clients do. */
    @Test
    void aMultipartWithoutItsBoundaryParameterIsStillWalked() throws IOException {
        byte[] zip = binary(700, 3);
        Path message = spool(
                "Subject: no boundary",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed",
                "",
                "--guess",
                "Content-Type: application/zip; name=\"a.zip\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(zip),
                "--guess--");

        List<Attachment> found = AttachmentExtractor.extract(message, parts, 0).attachments();

        assertThat(found).extracting(Attachment::fileName).containsExactly("a.zip");
        assertThat(partFile(found.get(0))).isEqualTo(zip);
    }

    @Test
    void attachedMessageIsScannedAsOneFileHoldingItsAttachment() throws IOException {
        Path message = spool(
                "Subject: see attached mail",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"outer\"",
                "",
                "--outer",
                "Content-Type: message/rfc822",
                "Content-Disposition: attachment; filename=\"old.eml\"",
                "",
                "Subject: old",
                "Content-Type: text/plain",
                "",
                EICAR,
                "--outer--");

        List<Attachment> found = AttachmentExtractor.extract(message, parts, 0).attachments();

        assertThat(found).hasSize(1);
        assertThat(found.get(0).fileName()).isEqualTo("old.eml");
        assertThat(new String(partFile(found.get(0)), StandardCharsets.ISO_8859_1)).contains(EICAR);
    }

    @Test
    void unnamedAttachmentGetsANumberedName() throws IOException {
        Path message = spool(
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=b",
                "",
                "--b",
                "Content-Type: text/plain",
                "",
                "body",
                "--b",
                "Content-Type: application/octet-stream",
                "Content-Disposition: attachment",
                "",
                EICAR,
                "--b--");

        List<Attachment> found = AttachmentExtractor.extract(message, parts, 0).attachments();

        assertThat(found).extracting(Attachment::fileName).containsExactly("body.txt", "attachment-1");
        assertThat(new String(partFile(found.get(1)), StandardCharsets.ISO_8859_1)).contains(EICAR);
    }

    @Test
    void nameInTheContentTypeAloneMakesAnAttachment() throws IOException {
        Path message = spool(
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=b",
                "",
                "--b",
                "Content-Type: text/plain",
                "",
                "body",
                "--b",
                "Content-Type: application/x-msdownload; name=\"setup.exe\"",
                "",
                EICAR,
                "--b--");

        List<Attachment> found = AttachmentExtractor.extract(message, parts, 0).attachments();

        assertThat(found).extracting(Attachment::fileName).containsExactly("body.txt", "setup.exe");
        assertThat(eicarInSomePart()).isTrue();
    }

    @Test
    void unnamedBinaryPartWithoutDispositionIsStillScanned() throws IOException {
        Path message = spool(
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=b",
                "",
                "--b",
                "Content-Type: text/plain",
                "",
                "body",
                "--b",
                "Content-Type: application/x-msdownload",
                "Content-Transfer-Encoding: base64",
                "",
                base64(EICAR.getBytes(StandardCharsets.US_ASCII)),
                "--b--");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0);

        // mail clients offer such a part as an attachment; it must reach the scanner like any other
        assertThat(extraction.attachments()).extracting(Attachment::fileName)
                .containsExactly("body.txt", "attachment-1");
        assertThat(eicarInSomePart()).isTrue();
    }

    @Test
    void multipartWhoseBoundaryNeverAppearsIsScannedWhole() throws IOException {
        String text = String.join(CRLF,
                "From: mallory@example.com",
                "Subject: malformed",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"never-used\"",
                "",
                "--something-else",
                "Content-Type: application/octet-stream; name=\"eicar.com\"",
                "Content-Disposition: attachment; filename=\"eicar.com\"",
                "Content-Transfer-Encoding: base64",
                "",
                "!!!! this is not base64 !!!!",
                EICAR,
                "--something-else--") + CRLF;
        Path message = spool(text);

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0);

        // scanned as one file, and never passed: a finding says it was not taken apart
        assertThat(extraction.attachments()).containsExactly(
                new Attachment(0, "message.eml", "message/rfc822", text.length(), "0", null, 0, text.length(),
                        false),
                new Attachment(1, "(message structure)", null, 0, "", new AttachmentExtractor.Finding(
                        AttachmentExtractor.Finding.Kind.UNINSPECTED,
                        "could not be fully inspected: unreadable MIME (Missing start boundary)")));
        assertThat(Files.readAllBytes(parts.resolve("0"))).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        assertThat(eicarInSomePart()).isTrue();
    }

    @Test
    void invalidBase64InAnAttachmentNeverHidesItsContent() throws IOException {
        Path message = spool(
                "Subject: bad encoding",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=b",
                "",
                "--b",
                "Content-Type: text/plain",
                "",
                "body",
                "--b",
                "Content-Type: application/octet-stream",
                "Content-Disposition: attachment; filename=\"eicar.com\"",
                "Content-Transfer-Encoding: base64",
                "",
                EICAR,
                "--b--");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0);

        assertThat(extraction.attachments()).isNotEmpty();
        assertThat(eicarInSomePart()).as("EICAR in an extracted part file").isTrue();
    }

    @Test
    void truncatedMultipartStillYieldsItsAttachments() throws IOException {
        Path message = spool(
                "Subject: cut off",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=b",
                "",
                "--b",
                "Content-Type: text/plain",
                "",
                "body",
                "--b",
                "Content-Type: application/octet-stream",
                "Content-Disposition: attachment; filename=\"eicar.com\"",
                "",
                EICAR);

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0);

        assertThat(extraction.attachments()).isNotEmpty();
        assertThat(eicarInSomePart()).isTrue();
    }

    /**
     * Past the depth limit the walk does not go on, nor does it fall back to scanning the raw message (in which a
     * base64 payload would pass as text): the message gets a finding that says it was not inspected.
     */
    @Test
    void nestingPastTheLimitIsAFindingNotAWholeMessageScan() throws IOException {
        StringBuilder text = new StringBuilder("Subject: deep" + CRLF + "MIME-Version: 1.0" + CRLF);
        int depth = 30;
        for (int i = 0; i < depth; i++) {
            text.append("Content-Type: multipart/mixed; boundary=\"d").append(i).append('"').append(CRLF).append(CRLF);
            text.append("--d").append(i).append(CRLF);
        }
        text.append("Content-Type: application/octet-stream").append(CRLF);
        text.append("Content-Disposition: attachment; filename=\"eicar.com\"").append(CRLF).append(CRLF);
        text.append(EICAR).append(CRLF);
        for (int i = depth - 1; i >= 0; i--) {
            text.append("--d").append(i).append("--").append(CRLF);
        }
        Path message = spool(text.toString());

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0);

        assertThat(extraction.attachments()).containsExactly(new Attachment(0, "(message structure)", null, 0, "",
                new AttachmentExtractor.Finding(AttachmentExtractor.Finding.Kind.UNINSPECTED,
                        "could not be fully inspected: MIME nesting deeper than 20 levels")));
        assertThat(partFiles()).isEmpty();
    }

    @Test
    void thePartsBesideANestTooDeepAreStillScanned() throws IOException {
        // the first attachment is extracted, the second one's structure is too deep: a finding says so
        StringBuilder text = new StringBuilder("Subject: half" + CRLF + "MIME-Version: 1.0" + CRLF
                + "Content-Type: multipart/mixed; boundary=\"top\"" + CRLF + CRLF + "--top" + CRLF
                + "Content-Type: application/octet-stream" + CRLF
                + "Content-Disposition: attachment; filename=\"first.bin\"" + CRLF + CRLF + "first" + CRLF
                + "--top" + CRLF);
        int depth = 25;
        for (int i = 0; i < depth; i++) {
            text.append("Content-Type: multipart/mixed; boundary=\"d").append(i).append('"').append(CRLF).append(CRLF);
            text.append("--d").append(i).append(CRLF);
        }
        text.append("Content-Type: text/plain").append(CRLF).append(CRLF).append("deep").append(CRLF);
        for (int i = depth - 1; i >= 0; i--) {
            text.append("--d").append(i).append("--").append(CRLF);
        }
        text.append("--top--").append(CRLF);
        Path message = spool(text.toString());

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0);

        assertThat(extraction.attachments()).extracting(Attachment::fileName)
                .containsExactly("first.bin", "(message structure)");
        assertThat(extraction.attachments().get(1).finding().category())
                .isEqualTo(AttachmentExtractor.Finding.Kind.UNINSPECTED);
        assertThat(partFiles()).containsExactly("0");
        assertThat(Files.readString(parts.resolve("0"))).isEqualTo("first");
    }

    private Path twoAttachments(byte[] first, byte[] second) throws IOException {
        return spool(
                "Subject: two",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"b\"",
                "",
                "--b",
                "Content-Type: text/plain",
                "",
                "two files",
                "--b",
                "Content-Type: application/octet-stream",
                "Content-Disposition: attachment; filename=\"a.bin\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(first),
                "--b",
                "Content-Type: application/octet-stream",
                "Content-Disposition: attachment; filename=\"b.bin\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(second),
                "--b--");
    }

    private final byte[] a = binary(5000, 3);
    private final byte[] b = binary(7000, 4);
    private final Path folder = Path.of("not-yet");

    /**
     * A body of 9 bytes and two attachments of 5,000 and 7,000 bytes, extracted with the budget given into
     * {@code dir/not-yet}.
     */
    private Extraction extractTwo(long budget) throws IOException {
        return AttachmentExtractor.extract(twoAttachments(a, b), dir.resolve(folder), budget);
    }

    @Test
    void attachmentsWithinTheBudgetAreHeldInMemoryAndNoFolderIsCreated() throws IOException {
        Extraction extraction = extractTwo(12_009);

        assertThat(extraction.attachments()).extracting(Attachment::size).containsExactly(9L, 5000L, 7000L);
        assertThat(extraction.held("1")).isEqualTo(a);
        assertThat(extraction.held("2")).isEqualTo(b);
        assertThat(dir.resolve(folder)).doesNotExist();
    }

    @Test
    void aPartBeyondWhatIsLeftOfTheBudgetGoesToItsFileWhole() throws IOException {
        Extraction extraction = extractTwo(12_008);

        assertThat(extraction.held("1")).isEqualTo(a);
        assertThat(extraction.held("2")).isNull();
        assertThat(Files.readAllBytes(dir.resolve(folder).resolve("2"))).isEqualTo(b);
        assertThat(extraction.attachments().get(2).size()).isEqualTo(7000L);
        assertThat(dir.resolve(folder).resolve("1")).doesNotExist();
    }

    @Test
    void keepWritesTheHeldPartsToTheFolderForALaterClaim() throws IOException {
        Extraction extraction = extractTwo(1_000_000);
        Path later = dir.resolve(folder);
        assertThat(later).doesNotExist();

        extraction.keep(later);

        assertThat(Files.readString(later.resolve("0"))).isEqualTo("two files");
        assertThat(Files.readAllBytes(later.resolve("1"))).isEqualTo(a);
        assertThat(Files.readAllBytes(later.resolve("2"))).isEqualTo(b);
    }

    @Test
    void anUnreadableMessageIsCopiedWholeEvenIfTheFolderDoesNotExistYet() throws IOException {
        Path message = spool(
                "Subject: broken",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"never\"",
                "",
                "no boundary follows");

        Extraction extraction = AttachmentExtractor.extract(message, dir.resolve(folder), 0);

        assertThat(extraction.attachments()).extracting(Attachment::fileName)
                .containsExactly("message.eml", "(message structure)");
        assertThat(extraction.held("0")).isNull();
        assertThat(Files.readAllBytes(dir.resolve(folder).resolve("0"))).isEqualTo(Files.readAllBytes(message));
    }

    // --- hostile input: every limit ends in a finding, never in a fallback that passes the message ---

    private static final MimeLimits SMALL = new MimeLimits(1000, 20, 64 * 1024, 1024 * 1024);

    /** The part bomb: 300,000 empty parts in 2 MB, with EICAR first. */
    @Test
    void aPartBombStopsAtThePartLimitAndWhatCameFirstIsStillScanned() throws IOException {
        StringBuilder text = new StringBuilder("Subject: bomb" + CRLF + "MIME-Version: 1.0" + CRLF
                + "Content-Type: multipart/mixed; boundary=b" + CRLF + CRLF + "--b" + CRLF
                + "Content-Type: application/octet-stream; name=\"eicar.com\"" + CRLF + CRLF + EICAR + CRLF);
        text.append(("--b" + CRLF + CRLF).repeat(300_000)).append("--b--").append(CRLF);
        Path message = spool(text.toString());

        Extraction extraction = AttachmentExtractor.extract(message, parts, 1_000_000);

        assertThat(extraction.attachments()).extracting(Attachment::fileName)
                .containsExactly("eicar.com", "(message structure)");
        assertThat(new String(extraction.held("0"), StandardCharsets.US_ASCII)).contains(EICAR);
        assertThat(extraction.attachments().get(1).finding()).isEqualTo(new AttachmentExtractor.Finding(
                AttachmentExtractor.Finding.Kind.UNINSPECTED,
                "could not be fully inspected: more than 1000 MIME parts"));
    }

    /** Forwarded messages in quoted-printable, each level decoding the whole of the next: the decoded bytes bound it. */
    @Test
    void nestedEncodedMessagesStopAtTheDecodedByteLimit() throws IOException {
        String inner = "Subject: level 0" + CRLF + CRLF + "x".repeat(300_000) + CRLF;
        for (int level = 1; level <= 18; level++) {
            inner = "Subject: level " + level + CRLF + "MIME-Version: 1.0" + CRLF + "Content-Type: message/rfc822"
                    + CRLF + "Content-Transfer-Encoding: quoted-printable" + CRLF + CRLF + inner;
        }
        Path message = spool(inner);

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0, SMALL);

        assertThat(extraction.attachments()).last().extracting(Attachment::finding).isEqualTo(
                new AttachmentExtractor.Finding(AttachmentExtractor.Finding.Kind.UNINSPECTED,
                        "could not be fully inspected: more than 1048576 bytes of decoded content"));
        assertThat(partFiles()).noneMatch(name -> name.startsWith("nested"));
    }

    @Test
    void aHeaderSectionPastItsLimitIsNotReadAndSaysSo() throws IOException {
        Path message = spool("Subject: huge" + CRLF + "X-Filler: " + "a".repeat(2_000_000) + CRLF + CRLF + "text"
                + CRLF);

        Extraction extraction = AttachmentExtractor.extract(message, parts, 1_000_000);

        assertThat(extraction.attachments()).extracting(Attachment::finding).containsExactly(
                new AttachmentExtractor.Finding(AttachmentExtractor.Finding.Kind.UNINSPECTED,
                        "could not be fully inspected: a header section over 65536 bytes"));
    }

    @Test
    void aPartWithAHugeHeaderIsSkippedAndItsSiblingsScanned() throws IOException {
        Path message = spool(
                "Subject: one bad part",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=b",
                "",
                "--b",
                "X-Filler: " + "a".repeat(100_000),
                "Content-Type: application/octet-stream; name=\"hidden.exe\"",
                "",
                "MZ",
                "--b",
                "Content-Type: application/octet-stream; name=\"eicar.com\"",
                "",
                EICAR,
                "--b--");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 1_000_000);

        assertThat(extraction.attachments()).extracting(Attachment::fileName)
                .containsExactly("eicar.com", "(message structure)");
        assertThat(extraction.attachments().get(1).finding().category())
                .isEqualTo(AttachmentExtractor.Finding.Kind.UNINSPECTED);
    }

    @Test
    void twoBoundaryParametersAreSuspiciousNotGuessed() throws IOException {
        Path message = spool(
                "Subject: which one?",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"a\"; boundary=\"b\"",
                "",
                "--a",
                "Content-Type: text/plain",
                "",
                "harmless",
                "--b",
                "Content-Type: application/octet-stream; name=\"evil.exe\"",
                "",
                "MZ",
                "--b--",
                "--a--");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 1_000_000);

        assertThat(extraction.attachments()).last().extracting(Attachment::finding).isEqualTo(
                new AttachmentExtractor.Finding(AttachmentExtractor.Finding.Kind.SUSPICIOUS,
                        "ambiguous MIME structure: Content-Type with two boundary parameters"));
    }

    @Test
    void twoContentTypeHeadersAreSuspicious() throws IOException {
        Path message = spool(
                "Subject: which type?",
                "MIME-Version: 1.0",
                "Content-Type: text/plain",
                "Content-Type: multipart/mixed; boundary=b",
                "",
                "--b",
                "Content-Type: application/octet-stream; name=\"evil.exe\"",
                "",
                "MZ",
                "--b--");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 1_000_000);

        assertThat(extraction.attachments()).last().extracting(Attachment::finding).isEqualTo(
                new AttachmentExtractor.Finding(AttachmentExtractor.Finding.Kind.SUSPICIOUS,
                        "ambiguous MIME structure: 2 Content-Type headers"));
    }

    @Test
    void anEncodedMultipartIsSuspicious() throws IOException {
        String inner = String.join(CRLF, "--b", "Content-Type: application/octet-stream", "", EICAR, "--b--", "");
        Path message = spool(
                "Subject: encoded container",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=b",
                "Content-Transfer-Encoding: base64",
                "",
                base64(inner.getBytes(StandardCharsets.US_ASCII)));

        Extraction extraction = AttachmentExtractor.extract(message, parts, 1_000_000);

        assertThat(extraction.attachments()).extracting(Attachment::finding).containsExactly(
                new AttachmentExtractor.Finding(AttachmentExtractor.Finding.Kind.SUSPICIOUS,
                        "ambiguous MIME structure: a multipart in Content-Transfer-Encoding base64"));
    }

    /** The case: 21 levels deep, and a base64 EICAR at the top that a whole-message scan would miss. */
    @Test
    void aBase64EicarBesideANestTooDeepIsDecodedAndScanned() throws IOException {
        StringBuilder text = new StringBuilder("Subject: deep" + CRLF + "MIME-Version: 1.0" + CRLF
                + "Content-Type: multipart/mixed; boundary=\"top\"" + CRLF + CRLF + "--top" + CRLF
                + "Content-Type: application/octet-stream; name=\"eicar.com\"" + CRLF
                + "Content-Transfer-Encoding: base64" + CRLF + CRLF
                + base64(EICAR.getBytes(StandardCharsets.US_ASCII)) + CRLF + "--top" + CRLF);
        for (int i = 0; i < 21; i++) {
            text.append("Content-Type: multipart/mixed; boundary=\"d").append(i).append('"').append(CRLF).append(CRLF);
            text.append("--d").append(i).append(CRLF);
        }
        text.append("Content-Type: text/plain").append(CRLF).append(CRLF).append("deep").append(CRLF);
        for (int i = 20; i >= 0; i--) {
            text.append("--d").append(i).append("--").append(CRLF);
        }
        text.append("--top--").append(CRLF);

        Extraction extraction = AttachmentExtractor.extract(spool(text.toString()), parts, 1_000_000);

        assertThat(extraction.attachments()).extracting(Attachment::fileName)
                .containsExactly("eicar.com", "(message structure)");
        assertThat(new String(extraction.held("0"), StandardCharsets.US_ASCII)).isEqualTo(EICAR);
        assertThat(extraction.attachments().get(1).finding().category())
                .isEqualTo(AttachmentExtractor.Finding.Kind.UNINSPECTED);
    }

    @Test
    void aUuencodedFileInTheTextIsAPartOfItsOwn() throws IOException {
        Path message = spool(
                "Subject: old school",
                "Content-Type: text/plain",
                "",
                "see below",
                "begin 644 eicar.com",
                Encodings.uuencode(EICAR.getBytes(StandardCharsets.US_ASCII)),
                "`",
                "end",
                "bye");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 1_000_000);

        assertThat(extraction.attachments()).extracting(Attachment::fileName).containsExactly("body.txt", "eicar.com");
        assertThat(new String(extraction.held("1"), StandardCharsets.US_ASCII)).isEqualTo(EICAR);
    }

    @Test
    void aDataUrlInHtmlIsDecodedAndScannedHtmlSmuggling() throws IOException {
        String payload = base64(EICAR.getBytes(StandardCharsets.US_ASCII)).replace(CRLF, "");
        String html = "<html><body><a download=\"invoice.exe\" href=\"data:application/octet-stream;base64,"
                + payload.substring(0, 20) + "\r\n" + payload.substring(20) + "\">Invoice</a></body></html>";
        Path message = spool(
                "Subject: smuggled",
                "MIME-Version: 1.0",
                "Content-Type: text/html; charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                html.replace("=", "=3D"));

        Extraction extraction = AttachmentExtractor.extract(message, parts, 1_000_000);

        assertThat(extraction.attachments()).extracting(Attachment::fileName)
                .containsExactly("body.html", "embedded-1.bin");
        assertThat(new String(extraction.held("1"), StandardCharsets.US_ASCII)).isEqualTo(EICAR);
    }

    @Test
    void emptyPartsAreNotScannedNorCounted() throws IOException {
        Path message = spool(
                "Subject: empty parts",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=b",
                "",
                "--b",
                "",
                "--b",
                "Content-Type: application/octet-stream; name=\"a.bin\"",
                "",
                "",
                "--b--");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 1_000_000);

        assertThat(extraction.attachments()).isEmpty();
    }

    @Test
    void oneAttachmentLargerThanTheDecodedLimitIsStoppedThere() throws IOException {
        byte[] large = binary(2 * 1024 * 1024, 9);
        Path message = spool(
                "Subject: large",
                "MIME-Version: 1.0",
                "Content-Type: application/octet-stream; name=\"large.bin\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(large));

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0, SMALL);

        assertThat(extraction.attachments()).extracting(Attachment::finding).containsExactly(
                new AttachmentExtractor.Finding(AttachmentExtractor.Finding.Kind.UNINSPECTED,
                        "could not be fully inspected: more than 1048576 bytes of decoded content"));
    }

    /** One broken part must not switch the inspection of the others off (nor fall back to a raw whole-message scan). */
    @Test
    void aBrokenNestedMultipartIsScannedRawAndItsSiblingsAreStillTakenApart() throws IOException {
        Path message = spool(
                "Subject: one broken part",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=top",
                "",
                "--top",
                "Content-Type: multipart/alternative; boundary=zzz",
                "",
                "no delimiter here",
                "--top",
                "Content-Type: application/octet-stream; name=\"eicar.com\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(EICAR.getBytes(StandardCharsets.US_ASCII)),
                "--top--");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 1_000_000);

        assertThat(extraction.attachments()).extracting(Attachment::fileName)
                .containsExactly("unreadable-1.eml", "eicar.com", "(message structure)");
        assertThat(new String(extraction.held("1"), StandardCharsets.US_ASCII)).isEqualTo(EICAR);
        assertThat(extraction.attachments().get(2).finding()).isEqualTo(new AttachmentExtractor.Finding(
                AttachmentExtractor.Finding.Kind.UNINSPECTED,
                "could not be fully inspected: unreadable MIME (Missing start boundary)"));
    }

    @Test
    void aMultipartWhoseContentTypeCannotBeParsedIsSuspiciousNotOneOpaqueBlob() throws IOException {
        Path message = spool(
                "Subject: unparsable",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=a b",
                "",
                "--a b",
                "Content-Type: application/octet-stream; name=\"x.exe\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(EICAR.getBytes(StandardCharsets.US_ASCII)),
                "--a b--");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 1_000_000);

        assertThat(extraction.attachments()).last().extracting(Attachment::finding).isEqualTo(
                new AttachmentExtractor.Finding(AttachmentExtractor.Finding.Kind.SUSPICIOUS,
                        "ambiguous MIME structure: an unreadable Content-Type of a multipart"));
    }

    @Test
    void aBoundaryGivenPlainAndInRfc2231PartsIsSuspiciousWhileRfc2231PartsAloneAreNot() throws IOException {
        Path twice = spool(
                "Subject: two readings",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary*0=\"a\"; boundary=\"b\"",
                "",
                "--a",
                "",
                "x",
                "--a--");

        assertThat(AttachmentExtractor.extract(twice, parts, 1_000_000).attachments()).last()
                .extracting(Attachment::finding)
                .isEqualTo(new AttachmentExtractor.Finding(AttachmentExtractor.Finding.Kind.SUSPICIOUS,
                        "ambiguous MIME structure: Content-Type with two boundary parameters"));

        Path continued = spool(
                "Subject: one boundary in two pieces",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary*0=\"ab\"; boundary*1=\"cd\"",
                "",
                "--abcd",
                "",
                "x",
                "--abcd--");

        assertThat(AttachmentExtractor.extract(continued, parts, 1_000_000).attachments())
                .extracting(Attachment::fileName).containsExactly("body.txt");
    }

    @Test
    void eachPartSaysWhichEntityOfTheFileHoldsItAndWhetherItIsABody() throws IOException {
        Path message = spool(
                "Subject: ranges",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"out\"",
                "",
                "--out",
                "Content-Type: multipart/alternative; boundary=\"alt\"",
                "",
                "--alt",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                "plain body",
                "--alt",
                "Content-Type: text/html; charset=us-ascii",
                "",
                "<p>html body</p>",
                "--alt--",
                "--out",
                "Content-Type: text/plain; name=\"notes.txt\"",
                "Content-Disposition: attachment; filename=\"notes.txt\"",
                "",
                "attached text",
                "--out",
                "Content-Type: application/octet-stream; name=\"tool.exe\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(binary(500, 3)),
                "--out--");
        String text = Files.readString(message, StandardCharsets.ISO_8859_1);

        List<Attachment> found = AttachmentExtractor.extract(message, parts, 1_000_000).attachments();

        assertThat(found).extracting(Attachment::fileName).containsExactly("body.txt", "body-2.html", "notes.txt",
                "tool.exe");
        assertThat(found).extracting(Attachment::body).containsExactly(true, true, false, false);
        assertThat(found.get(0).entityStart()).isEqualTo(entityStart(text, "alt", 1));
        assertThat(found.get(0).entityEnd()).isEqualTo(entityEnd(text, "alt", 1));
        assertThat(found.get(1).entityStart()).isEqualTo(entityStart(text, "alt", 2));
        assertThat(found.get(1).entityEnd()).isEqualTo(entityEnd(text, "alt", 2));
        assertThat(found.get(2).entityStart()).isEqualTo(entityStart(text, "out", 2));
        assertThat(found.get(2).entityEnd()).isEqualTo(entityEnd(text, "out", 2));
        assertThat(found.get(3).entityStart()).isEqualTo(entityStart(text, "out", 3));
        assertThat(found.get(3).entityEnd()).isEqualTo(entityEnd(text, "out", 3));
        // the range is the entity: its header section first, the line break before the delimiter not in it
        assertThat(text.substring((int) found.get(2).entityStart(), (int) found.get(2).entityEnd()))
                .isEqualTo("Content-Type: text/plain; name=\"notes.txt\"\r\n"
                        + "Content-Disposition: attachment; filename=\"notes.txt\"\r\n\r\nattached text");
    }

    @Test
    void aPartOfABase64ForwardedMessageLivesInTheEncodedMessageEntityOfTheFile() throws IOException {
        String forwarded = String.join(CRLF,
                "From: dave@example.net",
                "Content-Type: multipart/mixed; boundary=\"inner\"",
                "",
                "--inner",
                "Content-Type: text/plain",
                "",
                "Run this.",
                "--inner",
                "Content-Type: application/octet-stream; name=\"setup.exe\"",
                "Content-Transfer-Encoding: base64",
                "",
                base64(binary(700, 5)),
                "--inner--",
                "");
        Path message = spool(
                "Subject: Fwd",
                "Content-Type: multipart/mixed; boundary=o",
                "",
                "--o",
                "Content-Type: text/plain",
                "",
                "see the forwarded mail",
                "--o",
                "Content-Type: message/rfc822",
                "Content-Transfer-Encoding: base64",
                "",
                base64(forwarded.getBytes(StandardCharsets.US_ASCII)),
                "--o--");
        String text = Files.readString(message, StandardCharsets.ISO_8859_1);

        List<Attachment> found = AttachmentExtractor.extract(message, parts, 1_000_000).attachments();

        assertThat(found).extracting(Attachment::fileName).containsExactly("body.txt", "body-2.txt", "setup.exe");
        assertThat(found).extracting(Attachment::body).containsExactly(true, true, false);
        assertThat(found.get(0).entityStart()).isEqualTo(entityStart(text, "o", 1));
        for (Attachment inForwarded : found.subList(1, 3)) {
            assertThat(inForwarded.entityStart()).isEqualTo(entityStart(text, "o", 2));
            assertThat(inForwarded.entityEnd()).isEqualTo(entityEnd(text, "o", 2));
        }
    }

    @Test
    void aFileUuencodedInATextBodyLivesInThatTextPart() throws IOException {
        Path message = spool(
                "Subject: old school",
                "Content-Type: multipart/mixed; boundary=m",
                "",
                "--m",
                "Content-Type: text/plain",
                "",
                "see below",
                "begin 644 eicar.com",
                Encodings.uuencode(EICAR.getBytes(StandardCharsets.US_ASCII)),
                "`",
                "end",
                "--m--");
        String text = Files.readString(message, StandardCharsets.ISO_8859_1);

        List<Attachment> found = AttachmentExtractor.extract(message, parts, 1_000_000).attachments();

        assertThat(found).extracting(Attachment::fileName).containsExactly("body.txt", "eicar.com");
        assertThat(found).extracting(Attachment::body).containsExactly(true, false);
        assertThat(found).extracting(Attachment::entityStart).containsOnly(entityStart(text, "m", 1));
        assertThat(found).extracting(Attachment::entityEnd).containsOnly(entityEnd(text, "m", 1));
    }

    @Test
    void aSinglePartMessageIsTheWholeFileAndFindingsHaveNoPlace() throws IOException {
        Path message = spool(
                "Subject: invoice",
                "Content-Type: application/octet-stream",
                "Content-Type: application/pdf",
                "Content-Disposition: attachment; filename=\"invoice.exe\"",
                "",
                "MZ not really");

        List<Attachment> found = AttachmentExtractor.extract(message, parts, 1_000_000).attachments();

        assertThat(found).hasSize(2);
        assertThat(found.get(0)).extracting(Attachment::fileName, Attachment::entityStart, Attachment::entityEnd,
                Attachment::body).containsExactly("invoice.exe", 0L, Files.size(message), false);
        assertThat(found.get(1).finding()).isNotNull();
        assertThat(found.get(1)).extracting(Attachment::entityStart, Attachment::entityEnd, Attachment::body)
                .containsExactly(-1L, -1L, false);
    }
}
