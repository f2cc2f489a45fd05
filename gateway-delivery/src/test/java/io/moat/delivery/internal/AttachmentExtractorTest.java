package io.moat.delivery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.delivery.internal.AttachmentExtractor.Attachment;
import io.moat.delivery.internal.AttachmentExtractor.Extraction;
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

    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    private static final String CRLF = "\r\n";

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

    /** Base64 in lines of 76 characters, CRLF-separated, as a mail client writes it. */
    private static String base64(byte[] data) {
        return Base64.getMimeEncoder().encodeToString(data);
    }

    private static byte[] binary(int size, int seed) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + seed);
        }
        return data;
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
    void multipartWithTwoAttachmentsYieldsExactlyThoseDecoded() throws IOException {
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
        assertThat(found).hasSize(2);
        assertThat(found.get(0)).isEqualTo(new Attachment(0, "report.pdf", "application/pdf", pdf.length, "0"));
        assertThat(found.get(1)).isEqualTo(
                new Attachment(1, "Gr\u00fc\u00dfe \u20ac.zip", "application/zip", zip.length, "1"));
        assertThat(partFile(found.get(0))).isEqualTo(pdf);
        assertThat(partFile(found.get(1))).isEqualTo(zip);
        assertThat(partFiles()).containsExactly("0", "1");
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

        assertThat(found).extracting(Attachment::fileName).containsExactly("\u00e9t\u00e9.exe");
    }

    @Test
    void singlePartTextMessageHasNoAttachments() throws IOException {
        Path message = spool(
                "From: alice@example.com",
                "To: bob@example.org",
                "Subject: Lunch?",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                "Noon at the usual place.");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0);

        assertThat(extraction.subject()).isEqualTo("Lunch?");
        assertThat(extraction.attachments()).isEmpty();
        assertThat(partFiles()).isEmpty();
    }

    @Test
    void messageWithoutMimeHeadersHasNoAttachments() throws IOException {
        Path message = spool("Subject: old style", "", "just text");

        Extraction extraction = AttachmentExtractor.extract(message, parts, 0);

        assertThat(extraction.subject()).isEqualTo("old style");
        assertThat(extraction.attachments()).isEmpty();
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
        assertThat(extraction.attachments()).hasSize(1);
        Attachment inner = extraction.attachments().get(0);
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

        assertThat(found).extracting(Attachment::fileName).containsExactly("setup.exe");
        assertThat(partFile(found.get(0))).isEqualTo(exe);
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

        assertThat(found).extracting(Attachment::fileName).containsExactly("attachment-1");
        assertThat(new String(partFile(found.get(0)), StandardCharsets.ISO_8859_1)).contains(EICAR);
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

        assertThat(found).extracting(Attachment::fileName).containsExactly("setup.exe");
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
        assertThat(extraction.attachments()).hasSize(1);
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

        // documented: "A message whose MIME structure cannot be read is scanned as one file, never passed as clean."
        assertThat(extraction.attachments())
                .containsExactly(new Attachment(0, "message.eml", "message/rfc822", text.length(), "0"));
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

    @Test
    void excessiveNestingIsScannedWhole() throws IOException {
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

        assertThat(extraction.attachments()).extracting(Attachment::fileName).containsExactly("message.eml");
        assertThat(partFiles()).containsExactly("0");
        assertThat(eicarInSomePart()).isTrue();
    }

    @Test
    void fallbackRemovesPartsWrittenBeforeTheFailure() throws IOException {
        // the first attachment is extracted, the second one's structure is too deep: only the whole message remains
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

        assertThat(extraction.attachments()).extracting(Attachment::fileName).containsExactly("message.eml");
        assertThat(partFiles()).containsExactly("0");
        assertThat(Files.readString(parts.resolve("0"))).isEqualTo(text.toString());
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

    /** Two attachments of 5,000 and 7,000 bytes, extracted with the budget given into {@code dir/not-yet}. */
    private Extraction extractTwo(long budget) throws IOException {
        return AttachmentExtractor.extract(twoAttachments(a, b), dir.resolve(folder), budget);
    }

    @Test
    void attachmentsWithinTheBudgetAreHeldInMemoryAndNoFolderIsCreated() throws IOException {
        Extraction extraction = extractTwo(12_000);

        assertThat(extraction.attachments()).extracting(Attachment::size).containsExactly(5000L, 7000L);
        assertThat(extraction.held("0")).isEqualTo(a);
        assertThat(extraction.held("1")).isEqualTo(b);
        assertThat(dir.resolve(folder)).doesNotExist();
    }

    @Test
    void aPartBeyondWhatIsLeftOfTheBudgetGoesToItsFileWhole() throws IOException {
        Extraction extraction = extractTwo(11_999);

        assertThat(extraction.held("0")).isEqualTo(a);
        assertThat(extraction.held("1")).isNull();
        assertThat(Files.readAllBytes(dir.resolve(folder).resolve("1"))).isEqualTo(b);
        assertThat(extraction.attachments().get(1).size()).isEqualTo(7000L);
        assertThat(dir.resolve(folder).resolve("0")).doesNotExist();
    }

    @Test
    void keepWritesTheHeldPartsToTheFolderForALaterClaim() throws IOException {
        Extraction extraction = extractTwo(1_000_000);
        Path later = dir.resolve(folder);
        assertThat(later).doesNotExist();

        extraction.keep(later);

        assertThat(Files.readAllBytes(later.resolve("0"))).isEqualTo(a);
        assertThat(Files.readAllBytes(later.resolve("1"))).isEqualTo(b);
    }

    @Test
    void anUnreadableMessageIsCopiedWholeEvenIfTheFolderDoesNotExistYet() throws IOException {
        Path message = spool(
                "Subject: broken",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"never\"",
                "",
                "no boundary follows");

        Extraction extraction = AttachmentExtractor.extract(message, dir.resolve(folder), 1_000_000);

        assertThat(extraction.attachments()).extracting(Attachment::fileName).containsExactly("message.eml");
        assertThat(extraction.held("0")).isNull();
        assertThat(Files.readAllBytes(dir.resolve(folder).resolve("0"))).isEqualTo(Files.readAllBytes(message));
    }
}
