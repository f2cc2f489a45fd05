package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import io.moat.devtools.SmtpSink;
import io.moat.testkit.SmtpClient;
import jakarta.json.JsonObject;
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

    private DedicatedGateway gateway;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aMessageNobodyTakesFailsAfterItsLifetimeAndTheSenderGetsADsn() throws Exception {
        gateway = DedicatedGateway.start(1, "expiry", List.of("-Dmoat.delivery.max-lifetime=PT8S"));
        SmtpSink sink = gateway.sink;
        sink.stop();

        Mails mail = new Mails();
        String id;
        try (SmtpClient smtp = new SmtpClient(gateway.smtpPort)) {
            smtp.command("EHLO client.it.test");
            smtp.command("MAIL FROM:<frank@sender.test>");
            smtp.command("RCPT TO:<bob@example.com>");
            id = Api.queueId(smtp.data(mail.build("frank@sender.test", "bob@example.com")));
        }
        String api = gateway.api("/messages/" + id);
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
