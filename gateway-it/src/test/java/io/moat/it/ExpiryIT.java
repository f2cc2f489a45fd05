package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.CoreEmulator;
import io.moat.devtools.ReceivedMail;
import io.moat.devtools.SmtpSink;
import jakarta.json.JsonObject;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retry lifetime, end to end, on a server of its own whose lifetime is seconds: a message the downstream never
 * takes fails when the lifetime is over, and the sender is told with a DSN saying it could not be delivered in
 * time (status 4.4.7).
 */
class ExpiryIT {

    private static final int SMTP = 14525;
    private static final int HTTP = 19180;
    private ServerProcess server;
    private CoreEmulator core;
    private SmtpSink sink;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (server != null) {
            server.stop();
        }
        if (core != null) {
            core.stop();
        }
        if (sink != null) {
            sink.stop();
        }
    }

    @Test
    void aMessageNobodyTakesFailsAfterItsLifetimeAndTheSenderGetsADsn() throws Exception {
        core = CoreEmulator.builder().bindAddress(InetAddress.getLoopbackAddress()).port(14008).apiKey("expiry-key")
                .build().start();
        sink = SmtpSink.builder().bindAddress(InetAddress.getLoopbackAddress()).port(14526).build().start();
        Path dir = Path.of(System.getProperty("it.crash.dir", "target/crash")).resolveSibling("expiry");
        server = new ServerProcess(Path.of(System.getProperty("it.wildfly.home")), dir.resolve("server"),
                Path.of(System.getProperty("it.ear")), SMTP, HTTP, List.of(
                        "-Dmoat.data-dir=" + dir.resolve("data"), "-Dmoat.smtp.port=" + SMTP,
                        "-Dmoat.smtp.bind-address=127.0.0.1", "-Dmoat.http.port=" + HTTP,
                        "-Dmoat.https.port=19543", "-Dmoat.webhook.port=19289", "-Dmoat.management.port=19992",
                        "-Dmoat.core.url=http://127.0.0.1:14008", "-Dmoat.core.apikey=expiry-key",
                        "-Dmoat.downstream.url=smtp://127.0.0.1:14526", "-Dmoat.relay-domains=example.com",
                        "-Dmoat.admin.password=" + TestBed.ADMIN_PASSWORD, "-Dmoat.delivery.retry-initial=PT1S",
                        "-Dmoat.delivery.retry-max=PT2S", "-Dmoat.delivery.max-lifetime=PT8S"));
        server.start(Duration.ofMinutes(3));
        sink.stop();

        Mails mail = new Mails();
        String id;
        try (SmtpClient smtp = new SmtpClient(SMTP)) {
            smtp.command("EHLO client.it.test");
            smtp.command("MAIL FROM:<frank@sender.test>");
            smtp.command("RCPT TO:<bob@example.com>");
            id = Api.queueId(smtp.data(mail.build("frank@sender.test", "bob@example.com")));
        }
        String api = "http://127.0.0.1:" + HTTP + "/api/v1/messages/" + id;
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ((JsonObject) Api.get(api, TestBed.ADMIN_PASSWORD, true).json()).getString("state")
                        .equals("FAILED"));
        JsonObject failed = (JsonObject) Api.get(api, TestBed.ADMIN_PASSWORD, true).json();
        assertThat(failed.getString("lastError")).startsWith("gave up after PT8S");
        assertThat(failed.getJsonArray("deliveryAttempts").size()).isGreaterThanOrEqualTo(2);

        sink.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> !sink.messages().isEmpty());
        ReceivedMail dsn = sink.messages().get(0);
        assertThat(dsn.recipients()).containsExactly("frank@sender.test");
        assertThat(dsn.text()).contains("Final-Recipient: rfc822; bob@example.com").contains("Status: 4.4.7")
                .contains("could not be delivered in time").contains(mail.testId());
        assertThat(sink.messages()).noneMatch(m -> m.recipients().contains("bob@example.com"));
    }
}
