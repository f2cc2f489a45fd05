package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DATA content: dot-stuffing, the end at CRLF.CRLF only, bare CR or LF refused, SMTP smuggling ends refused. */
class DataContentStreamTest {

    private static SmtpInput input(String wire) {
        return new SmtpInput(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String content(DataContentStream stream) throws IOException {
        return new String(stream.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void theContentEndsAtTheDotLineAndKeepsItsLastCrlf() throws IOException {
        SmtpInput in = input("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n");
        DataContentStream stream = new DataContentStream(in);

        assertThat(content(stream)).isEqualTo("Subject: x\r\n\r\nbody\r\n");
        assertThat(stream.bareNewline()).isFalse();
        assertThat(stream.endedAmbiguously()).isFalse();
        assertThat(in.readCommand().text()).isEqualTo("QUIT"); // nothing read past the end
    }

    @Test
    void stuffedDotsAreRemovedOnlyAtTheStartOfALine() throws IOException {
        DataContentStream stream = new DataContentStream(input("..\r\n...x\r\na.b\r\n.\r\n"));

        assertThat(content(stream)).isEqualTo(".\r\n..x\r\na.b\r\n");
    }

    @Test
    void anEmptyMessageIsEmpty() throws IOException {
        assertThat(content(new DataContentStream(input(".\r\n")))).isEmpty();
    }

    @Test
    void eightBitAndLongLinesPassUnchanged() throws IOException {
        String line = "\u00e9\u00ff".repeat(800);
        assertThat(content(new DataContentStream(input(line + "\r\n.\r\n")))).isEqualTo(line + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb\r\n.\r\n", "a\rb\r\n.\r\n", "a\r\r\n.\r\n", "a\r\n\n.x\r\n.\r\n"})
    void aBareCrOrLfIsThrownToTheReaderAndTheRestIsStillDrainedToTheEnd(String wire) throws IOException {
        SmtpInput in = input(wire + "NOOP\r\n");
        DataContentStream stream = new DataContentStream(in);

        assertThatThrownBy(stream::readAllBytes).isInstanceOf(DataContentStream.BareNewlineException.class);
        assertThatThrownBy(stream::read).isInstanceOf(DataContentStream.BareNewlineException.class);
        stream.drain();
        assertThat(stream.bareNewline()).isTrue();
        assertThat(stream.endedAmbiguously()).isFalse();
        assertThat(in.readCommand().text()).isEqualTo("NOOP");
    }

    @ParameterizedTest
    @ValueSource(strings = {"body\n.\n", "body\n.\r\n", "body\r\n.\n", "body\r.\r", "body\r\n.\rx"})
    void aDotLineDelimitedByABareCrOrLfEndsTheContentAmbiguously(String wire) throws IOException {
        DataContentStream stream = new DataContentStream(input(wire + "MAIL FROM:<eve@evil.test>\r\n"));

        assertThatThrownBy(stream::readAllBytes).isInstanceOf(DataContentStream.BareNewlineException.class);
        stream.drain();
        assertThat(stream.endedAmbiguously()).isTrue();
    }

    @Test
    void aConnectionClosedBeforeTheEndFailsEveryReadAndTheDrain() throws IOException {
        DataContentStream stream = new DataContentStream(input("Subject: x\r\n\r\nbody"));

        assertThatThrownBy(stream::readAllBytes).isInstanceOf(EOFException.class);
        assertThatThrownBy(stream::read).isInstanceOf(EOFException.class);
        assertThatThrownBy(stream::drain).isInstanceOf(EOFException.class);
    }

    @Test
    void readingInChunksGivesTheSameBytes() throws IOException {
        DataContentStream stream = new DataContentStream(input("abc\r\n..def\r\n.\r\n"));
        byte[] buffer = new byte[2];
        StringBuilder read = new StringBuilder();
        int n;
        while ((n = stream.read(buffer, 0, buffer.length)) > 0) {
            read.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        assertThat(read).hasToString("abc\r\n.def\r\n");
    }

    /**
     * Lines are copied in runs (SmtpInput.readInLine) when read into an array: random content, arriving from the
     * connection in pieces of 1 to 20 bytes and read in pieces of 1 to 300, reads exactly as it does a byte at a
     * time, with stuffed dots and bare newlines placed where the runs start and end.
     */
    @Test
    void readingIntoArraysOfAnySizeGivesWhatReadingByteByByteGives() throws IOException {
        Random random = new Random(42);
        String[] pieces = {"a", "bc", "xyz", "\u00e9", ".", "..", "\r\n", "\r\n.", "\r\n..", " "};
        for (int round = 0; round < 300; round++) {
            StringBuilder wire = new StringBuilder();
            int length = random.nextInt(400);
            while (wire.length() < length) {
                wire.append(pieces[random.nextInt(pieces.length)]);
            }
            if (round % 10 == 0) {
                wire.insert(random.nextInt(wire.length() + 1), random.nextBoolean() ? "\n" : "\r");
            }
            wire.append("\r\n.\r\nQUIT\r\n");
            SmtpInput byteInput = input(wire.toString());
            DataContentStream byteStream = new DataContentStream(byteInput);
            String expected = readByteByByte(byteStream);
            byteStream.drain();

            SmtpInput in = new SmtpInput(new TrickleInputStream(wire.toString(), random));
            DataContentStream stream = new DataContentStream(in);
            StringBuilder read = new StringBuilder();
            try {
                byte[] buffer = new byte[300];
                int n;
                while ((n = stream.read(buffer, 0, 1 + random.nextInt(buffer.length))) > 0) {
                    read.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (DataContentStream.BareNewlineException e) {
                read.append("<bare newline>");
                stream.drain();
            }
            if (expected.endsWith("<bare newline>")) {
                // what was read before the refusal is not content anyone keeps: only the refusal must match
                assertThat(read.toString()).as("wire %s", wire).endsWith("<bare newline>");
            } else {
                assertThat(read).as("wire %s", wire).hasToString(expected);
            }
            // both end at the same place (a smuggling-style dot line ends the content early, in both)
            assertThat(stream.endedAmbiguously()).isEqualTo(byteStream.endedAmbiguously());
            assertThat(in.readCommand().text()).isEqualTo(byteInput.readCommand().text());
        }
    }

    private static String readByteByByte(DataContentStream stream) throws IOException {
        StringBuilder read = new StringBuilder();
        try {
            int b;
            while ((b = stream.read()) >= 0) {
                read.append((char) b);
            }
        } catch (DataContentStream.BareNewlineException e) {
            read.append("<bare newline>");
        }
        return read.toString();
    }

    /** A connection that hands over what was sent in pieces of 1 to 20 bytes. */
    private static final class TrickleInputStream extends InputStream {
        private final byte[] bytes;
        private final Random random;
        private int position;

        TrickleInputStream(String wire, Random random) {
            this.bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
            this.random = random;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (position == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(length, 1 + random.nextInt(20)), bytes.length - position);
            System.arraycopy(bytes, position, target, offset, n);
            position += n;
            return n;
        }
    }

    @Test
    void drainReadsToTheEndWithinItsLimitAndNoFurtherPastIt() throws IOException {
        String message = "Subject: x\r\n\r\n" + "y".repeat(100) + "\r\n.\r\nNOOP\r\n";
        SmtpInput near = input(message);
        DataContentStream within = new DataContentStream(near, message.length());
        assertThat(within.drain()).isTrue();
        assertThat(within.ended()).isTrue();
        assertThat(near.readCommand().text()).isEqualTo("NOOP");

        String endless = "y".repeat(100_000) + "\r\n".repeat(1000) + ".\r\n";
        SmtpInput far = input(endless);
        DataContentStream past = new DataContentStream(far, 1000);
        assertThat(past.read(new byte[100])).isEqualTo(100); // what the reader took counts
        assertThat(past.drain()).isFalse();
        assertThat(past.ended()).isFalse();
        long left = 0;
        while (far.read() >= 0) {
            left++;
        }
        assertThat(left).isEqualTo(endless.length() - 1000);
    }
}
