package io.moat.mime;

import static io.moat.mime.TestMessages.CRLF;
import static io.moat.mime.TestMessages.EICAR;
import static io.moat.mime.TestMessages.base64;
import static io.moat.mime.TestMessages.binary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.mime.AttachmentExtractor.Attachment;
import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parts replaced by a file (Deep CDR's sanitized copies) through {@link MessageMarker}. */
class MessageMarkerReplacementTest {

    private static final Session SESSION = Session.getInstance(new Properties());

    @TempDir
    Path dir;

    private Path spool(String... lines) throws IOException {
        Path file = dir.resolve("message.eml");
        Files.write(file, (String.join(CRLF, lines) + CRLF).getBytes(StandardCharsets.ISO_8859_1));
        return file;
    }

    private Path file(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    private static byte[] bytes(BodyPart part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private record Marked(byte[] bytes, MessageMarker.Result result) {

        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        MimeMessage parsed() throws Exception {
            return new MimeMessage(SESSION, new ByteArrayInputStream(bytes));
        }
    }

    private static Marked mark(Path message, Marks marks) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageMarker.Result result = MessageMarker.mark(message, marks, out);
        return new Marked(out.toByteArray(), result);
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
}
