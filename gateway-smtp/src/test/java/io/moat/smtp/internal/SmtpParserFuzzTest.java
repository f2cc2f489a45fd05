package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.moat.smtp.internal.DataContentStream.BareNewlineException;
import io.moat.smtp.internal.SmtpInput.CommandLine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The SMTP command parser under arbitrary bytes, with Jazzer's JUnit integration: the command lines ({@link SmtpInput}),
 * the paths of MAIL and RCPT ({@link MailPath}) and the content of DATA ({@link DataContentStream}). What a client
 * sends may be anything; each parser must stay within its stated limits and throw nothing but what it documents.
 *
 * <p>
 * In every build each method runs in a surefire execution of its own (gateway-smtp's pom: {@code fuzz-commands},
 * {@code fuzz-data}; Jazzer fuzzes one method per JVM, and its agent stays out of the socket tests' JVM): first on
 * the empty input and on its corpus, {@code src/test/resources/io/moat/smtp/internal/SmtpParserFuzzTestInputs/<method>/}
 * (regression), then fuzzing for {@code fuzz.duration} (10 s). Longer, on demand, for instance half an hour each:
 *
 * <pre>
 * ./mvnw -pl gateway-smtp-api,gateway-smtp -am test -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfuzz.duration=30m
 * </pre>
 *
 * {@code -DskipFuzz} leaves both executions out. An input that fails is written to {@code gateway-smtp/target/jazzer/crash-<sha1>}; once it is understood and
 * fixed, copy it into the method's corpus directory so that every build replays it. What the fuzzer learns is kept
 * in {@code gateway-smtp/target/jazzer/.cifuzz-corpus} between runs of the same build directory.
 */
class SmtpParserFuzzTest {

    /**
     * Reads the bytes as a client's command lines, parses the paths of MAIL and RCPT, and skips BDAT chunks.
     * <ul>
     * <li>nothing is thrown but {@link EOFException} from a BDAT chunk cut short (as documented);</li>
     * <li>a line is at most 510 octets without its CRLF, and holds no CR or LF; a line with a problem has no
     * text;</li>
     * <li>a path that parses names a mailbox (or the null path, or {@code <Postmaster>}) of at most 256 octets, with
     * upper-case parameter keywords; written back as {@code FROM:<address> KEY=VALUE} it parses to the same.</li>
     * </ul>
     */
    @FuzzTest
    void commandLines(byte[] wire) throws IOException {
        SmtpInput in = new SmtpInput(new ByteArrayInputStream(wire));
        int lines = 0;
        CommandLine line;
        while ((line = in.readCommand()) != null) {
            lines++;
            assertThat(lines).isLessThanOrEqualTo(wire.length);
            if (line.problem() != CommandLine.Problem.NONE) {
                assertThat(line.text()).isEmpty();
                continue;
            }
            String text = line.text();
            assertThat(text.length()).isLessThanOrEqualTo(SmtpInput.MAX_COMMAND_LINE - 2);
            assertThat(text).doesNotContain("\r").doesNotContain("\n");
            int space = text.indexOf(' ');
            String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
            String arguments = space < 0 ? "" : text.substring(space + 1).strip();
            switch (verb) {
                case "MAIL" -> checkPath(arguments, "FROM", true);
                case "RCPT" -> checkPath(arguments, "TO", false);
                case "BDAT" -> {
                    String size = arguments.split(" ", 2)[0];
                    if (size.matches("[0-9]{1,6}")) {
                        try {
                            in.skip(Long.parseLong(size));
                        } catch (EOFException cutShort) {
                            return; // documented: the client closed within the chunk
                        }
                    }
                }
                default -> {
                    // no arguments to parse
                }
            }
        }
    }

    private static void checkPath(String arguments, String keyword, boolean mail) {
        MailPath path = MailPath.parse(arguments, keyword, mail);
        assertThat(path.parameters()).isNotNull();
        if (path.problem() != MailPath.Problem.NONE) {
            assertThat(path.address()).isNull();
            assertThat(path.parameters()).isEmpty();
            return;
        }
        String address = path.address();
        assertThat(address.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(256);
        if (address.isEmpty()) {
            assertThat(mail).isTrue();
        } else if (!(!mail && address.equalsIgnoreCase("postmaster"))) {
            assertThat(MailPath.isMailbox(address)).as(address).isTrue();
        }
        StringBuilder again = new StringBuilder(keyword).append(":<").append(address).append('>');
        for (Map.Entry<String, String> parameter : path.parameters().entrySet()) {
            assertThat(parameter.getKey()).isEqualTo(parameter.getKey().toUpperCase(Locale.ROOT)).isNotEmpty();
            again.append(' ').append(parameter.getKey());
            if (parameter.getValue() != null) {
                assertThat(parameter.getValue()).isNotEmpty().doesNotContain("=").doesNotContain(" ");
                again.append('=').append(parameter.getValue());
            }
        }
        MailPath reparsed = MailPath.parse(again.toString(), keyword, mail);
        assertThat(reparsed).as(again.toString()).isEqualTo(path);
    }

    /**
     * Reads the bytes as the content of DATA.
     * <ul>
     * <li>it ends in one of three ways: the content, a {@link BareNewlineException} (a bare CR or LF), or an
     * {@link EOFException} (no end of data before the client closed); nothing else is thrown;</li>
     * <li>the content is never longer than what was sent, and ends with CRLF unless it is empty;</li>
     * <li>dot-stuffed again and ended with {@code .CRLF}, the content reads back the same (the round trip a relaying
     * server makes).</li>
     * </ul>
     */
    @FuzzTest
    void dataContent(byte[] wire) throws IOException {
        byte[] content;
        try {
            content = new DataContentStream(new SmtpInput(new ByteArrayInputStream(wire))).readAllBytes();
        } catch (BareNewlineException | EOFException documented) {
            return;
        }
        assertThat(content.length).isLessThanOrEqualTo(wire.length);
        String text = new String(content, StandardCharsets.ISO_8859_1);
        assertThat(text.isEmpty() || text.endsWith("\r\n")).as("ends with CRLF").isTrue();

        byte[] relayed = stuffed(content);
        byte[] back = new DataContentStream(new SmtpInput(new ByteArrayInputStream(relayed))).readAllBytes();
        assertThat(back).isEqualTo(content);
    }

    /** The content as a client sends it: a dot doubled at the start of each line, then the end of data. */
    private static byte[] stuffed(byte[] content) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream(content.length + 8);
        boolean lineStart = true;
        for (byte b : content) {
            if (lineStart && b == '.') {
                wire.write('.');
            }
            wire.write(b);
            lineStart = b == '\n';
        }
        wire.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return wire.toByteArray();
    }
}
