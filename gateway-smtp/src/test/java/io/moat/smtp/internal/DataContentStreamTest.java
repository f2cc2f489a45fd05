package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
}
