package io.moat.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.mime.MultipartScanner.Range;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartScannerTest {

    private static List<String> parts(String entity, String boundary, int blockSize)
            throws IOException, MessagingException {
        byte[] bytes = entity.getBytes(StandardCharsets.ISO_8859_1);
        List<String> parts = new ArrayList<>();
        for (Range r : MultipartScanner.scan(new ByteArrayInputStream(bytes), boundary, blockSize)) {
            parts.add(new String(bytes, (int) r.start(), (int) (r.end() - r.start()), StandardCharsets.ISO_8859_1));
        }
        return parts;
    }

    /** The same at every block size from 1 byte up, so that lines and delimiters cross block ends everywhere. */
    private static List<String> parts(String entity, String boundary) throws IOException, MessagingException {
        List<String> whole = parts(entity, boundary, 64 * 1024);
        for (int blockSize = 1; blockSize <= entity.length() + 1; blockSize++) {
            assertThat(parts(entity, boundary, blockSize)).as("block size %d", blockSize).isEqualTo(whole);
        }
        return whole;
    }

    @Test
    void partsLieBetweenDelimitersWithoutTheLineBreakBeforeEach() throws Exception {
        String entity = "preamble\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\n\r\nsecond\r\n\r\n--b--\r\n"
                + "epilogue\r\n--b\r\nnot a part\r\n";

        assertThat(parts(entity, "b")).containsExactly("Content-Type: text/plain\r\n\r\nhello", "\r\nsecond\r\n");
    }

    @Test
    void bareLineFeedsWork() throws Exception {
        assertThat(parts("--sep\nA: 1\n\nx\n--sep\n\ny\n--sep--\n", "sep")).containsExactly("A: 1\n\nx", "\ny");
    }

    @Test
    void aDelimiterMayStartTheEntityAndTheCloseDelimiterMayEndItWithoutALineBreak() throws Exception {
        assertThat(parts("--b\r\n\r\nonly\r\n--b--", "b")).containsExactly("\r\nonly");
    }

    @Test
    void transportPaddingAfterADelimiterIsAllowed() throws Exception {
        assertThat(parts("--b \t\r\n\r\none\r\n--b\t\r\n\r\ntwo\r\n--b-- trailing words\r\n", "b"))
                .containsExactly("\r\none", "\r\ntwo");
    }

    @Test
    void linesThatOnlyStartLikeTheDelimiterAreContent() throws Exception {
        String entity = "--b\r\n\r\n--bx\r\n--b2\r\n--b-\r\n --b\r\nsee --b\r\n-b\r\n--b--\r\n";

        assertThat(parts(entity, "b")).containsExactly("\r\n--bx\r\n--b2\r\n--b-\r\n --b\r\nsee --b\r\n-b");
    }

    @Test
    void withoutACloseDelimiterTheLastPartRunsToTheEnd() throws Exception {
        assertThat(parts("--b\r\n\r\nfirst\r\n--b\r\n\r\ncut off here", "b"))
                .containsExactly("\r\nfirst", "\r\ncut off here");
    }

    @Test
    void emptyPartsAreParts() throws Exception {
        assertThat(parts("--b\r\n--b\r\n\r\n--b--\r\n", "b")).containsExactly("", "");
    }

    @Test
    void anEntityWithoutItsDelimiterIsAnError() {
        assertThatThrownBy(() -> MultipartScanner.scan(
                new ByteArrayInputStream("no parts\r\n--other\r\n".getBytes(StandardCharsets.US_ASCII)), "b"))
                .isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> MultipartScanner.scan(new ByteArrayInputStream(new byte[0]), "b"))
                .isInstanceOf(MessagingException.class);
    }

    /**
     * Random multiparts, with short and long boundaries, CRLF and LF, preambles, epilogues, padding and lines that
     * resemble the delimiter: the scanner finds the same parts, byte for byte, as Jakarta Mail's parser.
     */
    @Test
    void findsTheSamePartsAsJakartaMail() throws Exception {
        Random random = new Random(20261204);
        for (int round = 0; round < 300; round++) {
            String boundary = random.nextBoolean() ? "b" : "----=_Part_" + random.nextInt(1_000_000) + ".x";
            String nl = random.nextInt(4) == 0 ? "\n" : "\r\n";
            StringBuilder entity = new StringBuilder();
            if (random.nextBoolean()) {
                entity.append("This is a multi-part message in MIME format.").append(nl);
            }
            int count = 1 + random.nextInt(4);
            for (int p = 0; p < count; p++) {
                entity.append("--").append(boundary).append(random.nextInt(5) == 0 ? " \t" : "").append(nl);
                entity.append("Content-Type: application/octet-stream; name=\"f").append(p).append("\"").append(nl);
                entity.append(nl);
                int lines = random.nextInt(40);
                for (int l = 0; l < lines; l++) {
                    switch (random.nextInt(6)) {
                        case 0 -> entity.append("--").append(boundary).append('x');
                        case 1 -> entity.append(" --").append(boundary);
                        case 2 -> entity.append("");
                        default -> entity.append(randomText(random, 1 + random.nextInt(100)));
                    }
                    entity.append(nl);
                }
                entity.append(randomText(random, random.nextInt(3)));
                entity.append(nl);
            }
            entity.append("--").append(boundary).append("--").append(nl);
            if (random.nextBoolean()) {
                entity.append("epilogue").append(nl);
            }
            byte[] bytes = entity.toString().getBytes(StandardCharsets.ISO_8859_1);

            List<Range> ranges = MultipartScanner.scan(new ByteArrayInputStream(bytes), boundary,
                    1 + random.nextInt(200));
            MimeMultipart jakarta = new MimeMultipart(new ByteArrayDataSource(bytes,
                    "multipart/mixed; boundary=\"" + boundary + "\""));

            assertThat(ranges).as("round %d", round).hasSize(jakarta.getCount());
            for (int p = 0; p < ranges.size(); p++) {
                Range r = ranges.get(p);
                MimeBodyPart ours = new MimeBodyPart(new ByteArrayInputStream(
                        Arrays.copyOfRange(bytes, (int) r.start(), (int) r.end())));
                BodyPart theirs = jakarta.getBodyPart(p);
                assertThat(ours.getFileName()).as("round %d part %d", round, p).isEqualTo(theirs.getFileName());
                assertThat(content(ours)).as("round %d part %d", round, p).isEqualTo(content(theirs));
            }
        }
    }

    private static byte[] content(BodyPart part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static String randomText(Random random, int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=- \t.-";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
