package io.moat.smtp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.angus.mail.smtp.SMTPOutputStream;
import org.junit.jupiter.api.Test;

class SmtpDataStreamTest {

    /** The text as our stream sends it, written in pieces of the given lengths (the rest in one piece). */
    private static byte[] ours(byte[] text, int... pieces) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        SmtpDataStream stream = new SmtpDataStream(wire);
        write(stream, text, pieces);
        stream.finish();
        return wire.toByteArray();
    }

    /** Angus Mail's stream, which the transport used before, and its end of the last line: the reference. */
    private static byte[] angus(byte[] text) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        SMTPOutputStream stream = new SMTPOutputStream(wire);
        stream.write(text);
        stream.ensureAtBOL();
        stream.flush();
        return wire.toByteArray();
    }

    private static void write(OutputStream stream, byte[] text, int... pieces) throws IOException {
        int at = 0;
        for (int piece : pieces) {
            int length = Math.min(piece, text.length - at);
            if (length == 1) {
                stream.write(text[at]);
            } else {
                stream.write(text, at, length);
            }
            at += length;
        }
        stream.write(text, at, text.length - at);
    }

    private static String sent(String text, int... pieces) throws IOException {
        return new String(ours(text.getBytes(StandardCharsets.ISO_8859_1), pieces), StandardCharsets.ISO_8859_1);
    }

    @Test
    void linesThatStartWithADotGetASecondOne() throws IOException {
        assertThat(sent(".first\r\nsecond\r\n..third\r\n.\r\nlast.\r\n"))
                .isEqualTo("..first\r\nsecond\r\n...third\r\n..\r\nlast.\r\n");
    }

    @Test
    void bareLineBreaksBecomeCrlf() throws IOException {
        assertThat(sent("a\nb\rc\r\n\n\r\rd\r\r\ne")).isEqualTo("a\r\nb\r\nc\r\n\r\n\r\n\r\nd\r\n\r\ne\r\n");
    }

    @Test
    void aDotAfterABareLineBreakIsStuffedToo() throws IOException {
        assertThat(sent("a\n.b\r.c")).isEqualTo("a\r\n..b\r\n..c\r\n");
    }

    @Test
    void theLastLineIsEndedOnceAndAnEmptyTextStaysEmpty() throws IOException {
        assertThat(sent("no line break")).isEqualTo("no line break\r\n");
        assertThat(sent("ends in CR\r")).isEqualTo("ends in CR\r\n");
        assertThat(sent("ends in CRLF\r\n")).isEqualTo("ends in CRLF\r\n");
        assertThat(sent("")).isEmpty();
    }

    @Test
    void aCrlfOrADotSplitBetweenTwoWritesIsSeenAsOne() throws IOException {
        assertThat(sent("one\r\ntwo\r\n.three", 4, 1, 5)).isEqualTo("one\r\ntwo\r\n..three\r\n");
        assertThat(sent("one\r\r\n.", 4, 1, 1)).isEqualTo("one\r\n\r\n..\r\n");
        assertThat(sent("one\rtwo", 4)).isEqualTo("one\r\ntwo\r\n");
    }

    @Test
    void theStreamCanBeUsedForTheNextTransaction() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        SmtpDataStream stream = new SmtpDataStream(wire);
        stream.write("first\r".getBytes(StandardCharsets.US_ASCII));
        stream.finish();
        stream.reset().write(".second".getBytes(StandardCharsets.US_ASCII));
        stream.finish();
        assertThat(wire.toString(StandardCharsets.US_ASCII)).isEqualTo("first\r\n..second\r\n");
    }

    @Test
    void findsTheFirstLineBreakAtEveryPositionOfAWord() {
        for (int length = 0; length < 40; length++) {
            for (int at = 0; at <= length; at++) {
                byte[] b = new byte[length + 3];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) (0x80 | i); // high bytes next to the break, where a careless search errs
                }
                b[0] = '\n'; // before the range
                if (at < length) {
                    b[1 + at] = (byte) (at % 2 == 0 ? '\r' : '\n');
                    b[1 + length] = '\r';
                }
                assertThat(SmtpDataStream.indexOfLineBreak(b, 1, 1 + length)).as("length %d, at %d", length, at)
                        .isEqualTo(1 + at);
            }
        }
        byte[] onesAndZeros = {0x01, 0x00, 0x0b, 0x0c, 0x0e, 0x09, 0x01, 0x0a, 0x0d};
        assertThat(SmtpDataStream.indexOfLineBreak(onesAndZeros, 0, onesAndZeros.length)).isEqualTo(7);
    }

    @Test
    void sendsWhatAngusSentForRandomTextsInRandomPieces() throws IOException {
        Random random = new Random(7);
        byte[] alphabet = {'\r', '\n', '.', 'a', ' ', (byte) 0xff, 0, 0x0b};
        for (int round = 0; round < 2000; round++) {
            byte[] text = new byte[random.nextInt(round < 1000 ? 200 : 100_000)];
            for (int i = 0; i < text.length; i++) {
                text[i] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt();
            }
            List<Integer> pieces = new ArrayList<>();
            for (int left = text.length; left > 0 && random.nextBoolean();) {
                int piece = 1 + random.nextInt(Math.min(left, 70_000));
                pieces.add(piece);
                left -= piece;
            }
            int[] lengths = pieces.stream().mapToInt(Integer::intValue).toArray();
            assertThat(ours(text, lengths)).as("round %d", round).isEqualTo(angus(text));
        }
    }

    @Test
    void writesInLargePiecesNotLineByLine() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            text.append("a line of base64, or of anything else\r\n");
        }
        List<Integer> writes = new ArrayList<>();
        OutputStream wire = new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(len);
            }
        };
        SmtpDataStream stream = new SmtpDataStream(wire);
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        for (int at = 0; at < bytes.length; at += 8192) {
            stream.write(bytes, at, Math.min(8192, bytes.length - at));
        }
        stream.finish();
        assertThat(writes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(bytes.length);
        assertThat(writes).hasSizeLessThanOrEqualTo(bytes.length / SmtpDataStream.BUFFER + 1);
    }
}
