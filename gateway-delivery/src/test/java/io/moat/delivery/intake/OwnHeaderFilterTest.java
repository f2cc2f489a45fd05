package io.moat.delivery.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OwnHeaderFilterTest {

    private static String filtered(String message) throws IOException {
        try (InputStream in = new OwnHeaderFilter(
                new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)))) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aSendersXMoatFieldsAreRemovedWithTheirContinuationLines() throws IOException {
        String message = "From: a@sender.test\r\nX-Moat-Scan: clean; 9 attachments scanned\r\n"
                + "x-moat-other: folded\r\n\tover two lines\r\nSubject: hi\r\n\r\nbody\r\n";

        assertThat(filtered(message)).isEqualTo("From: a@sender.test\r\nSubject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void theBodyIsNeverTouchedNorAreSimilarNames() throws IOException {
        String message = "X-Moa: 1\r\nX-Moatish: 2\r\nX-Mo\r\nSubject: x\r\n\r\nX-Moat-Scan: in the body\r\n";

        assertThat(filtered(message)).isEqualTo(message);
    }

    @Test
    void readingInBlocksGivesTheSameBytes() throws IOException {
        String message = "X-Moat-Scan: forged\r\nSubject: x\r\n\r\n" + "y".repeat(100_000);
        OwnHeaderFilter filter = new OwnHeaderFilter(
                new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)));
        byte[] buffer = new byte[7];
        StringBuilder out = new StringBuilder();
        int n;
        while ((n = filter.read(buffer, 0, buffer.length)) > 0) {
            out.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }

        assertThat(out.toString()).isEqualTo("Subject: x\r\n\r\n" + "y".repeat(100_000));
        assertThat(filter.removed()).isEqualTo(1);
    }

    @Test
    void aMessageThatEndsInsideTheHeaderLosesNothingElse() throws IOException {
        assertThat(filtered("Subject: x\r\nX-Moat-Scan: cut")).isEqualTo("Subject: x\r\n");
        assertThat(filtered("X-Mo")).isEqualTo("X-Mo");
    }
}
