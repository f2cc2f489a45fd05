package io.moat.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64DecodingStreamTest {

    private static byte[] decode(String text, int blockSize) throws IOException {
        try (InputStream in = new Base64DecodingStream(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), blockSize)) {
            return in.readAllBytes();
        }
    }

    /** Angus Mail's decoder, which the extractor used before: the reference for every case but 0xFF. */
    private static byte[] angus(byte[] text) throws Exception {
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(text), "base64")) {
            return in.readAllBytes();
        }
    }

    @Test
    void decodesMimeBase64InLinesAtEveryBlockSize() throws IOException {
        byte[] data = new byte[5000];
        new Random(1).nextBytes(data);
        String text = Base64.getMimeEncoder().encodeToString(data) + "\r\n";
        for (int blockSize : new int[]{1, 2, 3, 5, 7, 76, 78, 4096, 16384}) {
            assertThat(decode(text, blockSize)).as("block size %d", blockSize).isEqualTo(data);
        }
    }

    @Test
    void readingByteByByteGivesTheSameBytes() throws IOException {
        byte[] data = new byte[300];
        new Random(2).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new Base64DecodingStream(new ByteArrayInputStream(
                Base64.getMimeEncoder().encode(data)), 7)) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                out.write(b);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(out.toByteArray()).isEqualTo(data);
    }

    @Test
    void paddingEndsAQuantumAndDecodingGoesOnAfterIt() throws IOException {
        assertThat(decode("QQ==\r\nQkM=\r\nRA==", 3)).isEqualTo("ABCD".getBytes(StandardCharsets.US_ASCII));
        assertThat(decode("QQ = =", 64)).isEqualTo("A".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void charactersOutsideTheAlphabetAreSkipped() throws IOException {
        assertThat(decode("Q!U$J\u00ffD\t-\r\n", 64)).isEqualTo("ABC".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void malformedEndingsAreErrors() {
        assertThatThrownBy(() -> decode("QUJDR", 64)).isInstanceOf(IOException.class); // a quantum cut short
        assertThatThrownBy(() -> decode("QUJD=", 64)).isInstanceOf(IOException.class); // '=' after none
        assertThatThrownBy(() -> decode("QUJDR=", 64)).isInstanceOf(IOException.class); // '=' after one
        assertThatThrownBy(() -> decode("QQ=", 64)).isInstanceOf(IOException.class); // the second '=' missing
        assertThatThrownBy(() -> decode("QQ=QUJD", 64)).isInstanceOf(IOException.class); // data where '=' belongs
    }

    /**
     * Random base64 with line breaks, stray characters, padding in the middle and malformed endings decodes to the
     * same bytes as with Angus Mail's decoder, or fails where it fails.
     */
    @Test
    void decodesLikeAngusMail() throws Exception {
        Random random = new Random(20261204);
        String extra = "\r\n\t !-.:*=";
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            int pieces = 1 + random.nextInt(4);
            for (int p = 0; p < pieces; p++) {
                byte[] data = new byte[random.nextInt(200)];
                random.nextBytes(data);
                text.append(Base64.getMimeEncoder().encodeToString(data));
                if (random.nextInt(3) == 0) {
                    text.append("\r\n");
                }
            }
            int noise = random.nextInt(4);
            for (int k = 0; k < noise; k++) {
                String pool = random.nextBoolean() ? extra : alphabet;
                text.insert(random.nextInt(text.length() + 1), pool.charAt(random.nextInt(pool.length())));
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);

            byte[] expected = null;
            try {
                expected = angus(bytes);
            } catch (IOException e) {
                // Angus found it malformed: so must we
            }
            int blockSize = 1 + random.nextInt(100);
            if (expected == null) {
                assertThatThrownBy(() -> decode(text.toString(), blockSize)).as("round %d: %s", round, text)
                        .isInstanceOf(IOException.class);
            } else {
                assertThat(decode(text.toString(), blockSize)).as("round %d: %s", round, text).isEqualTo(expected);
            }
        }
    }
}
