package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link PostfixDownstream} fixture on its own, with swaks as the client (no gateway involved): STARTTLS and smtps
 * arrive at the sink marked {@code with ESMTPS}, the plain listener offers no STARTTLS and its mail arrives
 * {@code with ESMTP}, and a start over what a crashed run left (Postfix running, perhaps with its directory deleted;
 * a stale pid file) works.
 */
class PostfixDownstreamIT {

    private static final PostfixDownstream.Ports PORTS = PostfixDownstream.Ports.from(14960);
    private static final Path DIR = Path.of("target/postfix/self-test");
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    static Path certificates;

    private PostfixDownstream postfix;

    @BeforeAll
    static void issueCertificate() throws Exception {
        OpenSsl.issued(certificates, "company", "downstream", PostfixDownstream.HOSTNAME);
    }

    @BeforeEach
    void startPostfix() throws Exception {
        postfix = start();
    }

    @AfterEach
    void stopPostfix() throws Exception {
        if (postfix != null) {
            postfix.close();
        }
    }

    private PostfixDownstream start() throws Exception {
        return PostfixDownstream.start(DIR, PORTS, certificates.resolve("downstream.key"),
                certificates.resolve("downstream.crt"));
    }

    @Test
    void starttlsAndSmtpsArriveWithEsmtps() throws Exception {
        OpenSsl.Handshake handshake = OpenSsl.connect(PORTS.starttls(), "-starttls", "smtp");
        assertThat(handshake.established()).as(handshake.output()).isTrue();
        assertThat(OpenSsl.fingerprint(handshake.certificatePem()))
                .isEqualTo(OpenSsl.fingerprint(certificates.resolve("downstream.crt")));
        assertThat(OpenSsl.connect(PORTS.smtps()).established()).isTrue();

        String starttls = send(PORTS.starttls(), "--tls");
        String smtps = send(PORTS.smtps(), "--tlsc");

        for (String testId : List.of(starttls, smtps)) {
            ReceivedMail mail = arrived(testId);
            assertThat(PostfixDownstream.viaTls(mail)).as(PostfixDownstream.postfixReceived(mail)).isTrue();
            assertThat(PostfixDownstream.tlsProtocol(mail)).hasValue("TLSv1.3");
            assertThat(mail.recipients()).containsExactly("bob@example.org");
            assertThat(mail.text()).contains("X-Test-Id: " + testId); // headers left as they came
        }
        assertThat(postfix.tlsConnections()).anyMatch(l -> l.contains("postfix-it/starttls/smtpd"))
                .anyMatch(l -> l.contains("postfix-it/smtps/smtpd"));
    }

    @Test
    void plainListenerOffersNoStarttlsAndArrivesWithEsmtp() throws Exception {
        Swaks.Run refused = Swaks.run(PORTS.plain(), "--to", "bob@example.org", "--tls");
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("Host did not advertise STARTTLS");
        assertThat(OpenSsl.connect(PORTS.plain(), "-starttls", "smtp").established()).isFalse();

        ReceivedMail mail = arrived(send(PORTS.plain()));
        assertThat(PostfixDownstream.viaTls(mail)).as(PostfixDownstream.postfixReceived(mail)).isFalse();
        assertThat(PostfixDownstream.tlsProtocol(mail)).isEmpty();
        assertThat(postfix.tlsConnections()).noneMatch(l -> l.contains("postfix-it/plain/"));
    }

    @Test
    void startsOverWhatACrashedRunLeftBehind() throws Exception {
        // the JVM of a crashed run is gone, its sink with it; its Postfix still runs and holds the ports
        postfix.sink.stop();
        postfix = start();
        assertThat(PostfixDownstream.viaTls(arrived(send(PORTS.starttls(), "--tls")))).isTrue();

        // ... and then "mvn clean" deleted its directory: no configuration to run "postfix stop" with
        postfix.sink.stop();
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        postfix = start();
        assertThat(PostfixDownstream.viaTls(arrived(send(PORTS.plain())))).isFalse();

        // a Postfix master killed with SIGKILL leaves its pid file behind
        ProcessHandle master = ProcessHandle
                .of(Long.parseLong(Files.readString(DIR.resolve("queue/pid/master.pid")).strip())).orElseThrow();
        master.destroyForcibly();
        master.onExit().get();
        postfix.close();
        postfix = start();
        assertThat(PostfixDownstream.viaTls(arrived(send(PORTS.smtps(), "--tlsc")))).isTrue();
    }

    /** Sends a message carrying a new test id with swaks (and {@code options}) to {@code port}; returns the id. */
    private static String send(int port, String... options) throws Exception {
        String testId = UUID.randomUUID().toString();
        List<String> arguments = new ArrayList<>(List.of("--to", "bob@example.org", "--header",
                "X-Test-Id: " + testId, "--body", "test " + testId));
        arguments.addAll(List.of(options));
        Swaks.Run run = Swaks.run(port, arguments.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("250 2.0.0 Ok: queued as");
        return testId;
    }

    private ReceivedMail arrived(String testId) {
        await().atMost(PATIENCE).until(() -> postfix.delivered(testId).size() == 1);
        return postfix.delivered(testId).get(0);
    }
}
