package io.moat.smtp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.smtp.client.Reply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyReaderTest {

    private static InputStream wire(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMultiLineReplyKeepsEveryLineAndTheCodeOfTheLast() throws IOException {
        InputStream in = wire("250-mx.example.test\r\n250-PIPELINING\r\n250 SMTPUTF8\r\n354 go on\r\n");
        ReplyReader reader = new ReplyReader();

        assertThat(reader.read(in)).isEqualTo(new Reply(250, "250-mx.example.test\n250-PIPELINING\n250 SMTPUTF8"));
        assertThat(reader.read(in)).isEqualTo(new Reply(354, "354 go on"));
        assertThat(reader.read(in)).isEqualTo(new Reply(-1, "[EOF]"));
    }

    @Test
    void aReplyCutOffByTheEndOfTheConnectionHasNoCode() throws IOException {
        assertThat(new ReplyReader().read(wire("250-first\r\n250 la"))).isEqualTo(new Reply(-1, "250-first"));
    }

    @Test
    void aBareCodeAndABareLfAreReplies() throws IOException {
        InputStream in = wire("250\n221 bye\n");
        ReplyReader reader = new ReplyReader();

        assertThat(reader.read(in).code()).isEqualTo(250);
        assertThat(reader.read(in)).isEqualTo(new Reply(221, "221 bye"));
    }

    @Test
    void utf8InAReplyIsReadAsUtf8() throws IOException {
        assertThat(new ReplyReader().read(wire("550 5.1.1 <j\u00f6s\u00e9@ex\u00e4mple.com> unknown\r\n")).text())
                .isEqualTo("550 5.1.1 <j\u00f6s\u00e9@ex\u00e4mple.com> unknown");
    }

    @Test
    void whatIsNotAnSmtpReplyEndsTheConversation() {
        assertThatThrownBy(() -> new ReplyReader().read(wire("HTTP/1.1 400 Bad Request\r\n")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("not an SMTP reply line");
        assertThatThrownBy(() -> new ReplyReader().read(wire("250_underscore\r\n")))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void repliesAreBoundedInLineLengthAndLineCount() {
        String longLine = "250 " + "x".repeat(ReplyReader.MAX_LINE) + "\r\n";
        assertThatThrownBy(() -> new ReplyReader().read(wire(longLine))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("octets");
        String manyLines = "250-x\r\n".repeat(ReplyReader.MAX_LINES + 1) + "250 end\r\n";
        assertThatThrownBy(() -> new ReplyReader().read(wire(manyLines))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("lines");
    }

    @Test
    void ehloKeywordsAreReadInAnyCaseAndTheOldAuthFormCounts() {
        Map<String, String> extensions = ClientConnection.extensions(new Reply(250,
                "250-mx.example.test greets you\n250-pipelining\n250-AUTH=LOGIN\n250-AUTH PLAIN\n250 SIZE 1000"));

        assertThat(extensions).containsEntry("PIPELINING", "").containsEntry("SIZE", "1000")
                .containsKey("AUTH").doesNotContainKey("MX.EXAMPLE.TEST");
        assertThat(extensions.get("AUTH").split(" ")).containsExactlyInAnyOrder("LOGIN", "PLAIN");
    }
}
