package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real swaks client (Debian package swaks; .ci/run installs it, and IO::Socket::SSL for --tls). */
final class Swaks {

    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as ([0-9a-f-]{36})");

    private Swaks() {
    }

    /** Sends from alice@sender.test through the shared IT server with {@code arguments}; returns the queue id. */
    static String send(String... arguments) throws IOException, InterruptedException {
        return send(TestBed.SMTP_PORT, arguments);
    }

    /** The same on another port of the shared IT server. */
    static String send(int port, String... arguments) throws IOException, InterruptedException {
        Run run = run(port, arguments);
        assertThat(run.exitCode()).as(run.output()).isZero();
        Matcher queued = QUEUED.matcher(run.output());
        assertThat(queued.find()).as(run.output()).isTrue();
        return queued.group(1);
    }

    /** What swaks printed and how it ended. */
    record Run(int exitCode, String output) {
    }

    /** Runs swaks against {@code port} whatever the outcome. */
    static Run run(int port, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1:" + port,
                "--from", "alice@sender.test"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }
}
