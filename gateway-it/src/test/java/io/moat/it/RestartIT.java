package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ZipFixtures;
import io.moat.testkit.SmtpClient;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;

/** A server restart (reload of the whole server) with messages in every state loses none and repeats none. */
class RestartIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Test
    void restartWithMessagesInEveryStateLosesNoneAndDeliversNoneTwice() throws IOException {
        TestBed.up();
        Map<String, Mails> mails = new LinkedHashMap<>();
        Map<String, String> ids = new LinkedHashMap<>();

        send("delivered", new Mails().attach("a.txt", "text/plain", "a".getBytes()), mails, ids);
        send("blocked", new Mails().attach("x.com", "application/octet-stream", Mails.EICAR), mails, ids);
        send("held", new Mails().attach("l.zip", "application/zip",
                new ZipFixtures().encrypted("l.txt", "l".getBytes(), "pw", false, false).build()), mails, ids);
        await().atMost(PATIENCE).until(() -> Api.state(ids.get("delivered")).equals("DELIVERED")
                && Api.state(ids.get("blocked")).equals("BLOCKED")
                && Api.state(ids.get("held")).equals("PASSWORD_REQUIRED"));

        // every message's body is scanned: the one to defer is scanned while Core still answers
        TestBed.sink().stop();
        send("deferred", new Mails(), mails, ids);
        await().atMost(PATIENCE).until(() -> Api.state(ids.get("deferred")).equals("DEFERRED"));
        TestBed.core().stop();
        send("scanning", new Mails().attach("b.txt", "text/plain", "b".getBytes()), mails, ids);
        await().atMost(PATIENCE).until(() -> Api.state(ids.get("scanning")).equals("SCANNING")
                && Api.state(ids.get("deferred")).equals("DEFERRED"));

        reloadServer();

        assertThat(Api.state(ids.get("delivered"))).isEqualTo("DELIVERED");
        assertThat(Api.state(ids.get("blocked"))).isEqualTo("BLOCKED");
        assertThat(Api.state(ids.get("held"))).isEqualTo("PASSWORD_REQUIRED");
        assertThat(Api.state(ids.get("scanning"))).isEqualTo("SCANNING");

        TestBed.up();
        await().atMost(PATIENCE).until(() -> Api.state(ids.get("scanning")).equals("DELIVERED")
                && Api.state(ids.get("deferred")).equals("DELIVERED"));
        for (String name : new String[]{"delivered", "scanning", "deferred"}) {
            assertThat(TestBed.delivered(mails.get(name).testId())).as(name).hasSize(1);
        }
        for (String name : new String[]{"blocked", "held"}) {
            assertThat(TestBed.delivered(mails.get(name).testId())).as(name).isEmpty();
        }
    }

    private static void send(String name, Mails mail, Map<String, Mails> mails, Map<String, String> ids)
            throws IOException {
        mails.put(name, mail);
        ids.put(name, Api.queueId(GatewaySmtp.send("alice@sender.test", "bob@example.com",
                mail.build("alice@sender.test", "bob@example.com"))));
    }

    /** Reloads the server through its management interface and waits until SMTP and the API answer again. */
    private static void reloadServer() throws IOException {
        try (ModelControllerClient client = ModelControllerClient.Factory.create("remote+http", "127.0.0.1",
                TestBed.MANAGEMENT_PORT)) {
            ModelNode result = client.execute(Operations.createOperation("reload"));
            assertThat(Operations.isSuccessfulOutcome(result)).as(result.toString()).isTrue();
        }
        await().atMost(PATIENCE).pollDelay(Duration.ofSeconds(2)).ignoreExceptions().until(() -> {
            try (SmtpClient smtp = new SmtpClient(TestBed.SMTP_PORT)) {
                return Api.get("/api/v1/messages?limit=1").status() == 200;
            }
        });
    }
}
