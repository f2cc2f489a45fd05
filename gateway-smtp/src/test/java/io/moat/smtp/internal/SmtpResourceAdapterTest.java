package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.smtp.SmtpActivationSpec;
import io.moat.smtp.SmtpResourceAdapter;
import io.moat.smtp.api.SmtpAdapterControl;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.smtp.api.SmtpEndpointConfig;
import io.moat.smtp.api.SmtpEndpointStatus;
import java.net.ConnectException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter's endpoints through its control interface: applied before and after the MDB is activated, changed on
 * the same port, and all closed when the adapter stops. Here, beside the test fixtures of the listener's package.
 */
class SmtpResourceAdapterTest {

    private final FakeEndpointFactory factory = new FakeEndpointFactory();
    private final SmtpResourceAdapter adapter = new SmtpResourceAdapter();

    @BeforeEach
    void startAdapter() throws Exception {
        adapter.start(null);
    }

    @AfterEach
    void stopAdapter() {
        adapter.stop();
    }

    private static SmtpEndpointConfig endpoint(String name, int port, String greeting) {
        SmtpEndpointConfig base = Endpoints.endpoint(SmtpEncryption.NONE, null, port, 10, 30);
        return new SmtpEndpointConfig(name, base.bindAddress(), port, base.encryption(), base.tls(), greeting,
                base.maxMessageSize(), base.maxRecipients(), base.maxConnections(), base.idleTimeoutSeconds(),
                base.maxConnectionsPerClient(), base.sessionTimeoutSeconds(), base.minDataRate(),
                base.maxDiscardSize(), base.trustedNetworks());
    }

    private static String greeting(int port) throws Exception {
        try (SmtpClient client = SmtpClient.plain(port)) {
            return client.reply();
        }
    }

    @Test
    void endpointsAppliedBeforeTheMdbIsActivatedListenOnceItIs() throws Exception {
        SmtpEndpointStatus waiting = SmtpAdapterControl.current().orElseThrow()
                .apply(List.of(endpoint("early", 0, "mx.test"))).get(0);
        assertThat(waiting.listening()).isFalse();
        assertThat(waiting.problem()).isNull();

        adapter.endpointActivation(factory, new SmtpActivationSpec());

        SmtpEndpointStatus status = adapter.status().get(0);
        assertThat(status.listening()).isTrue();
        assertThat(greeting(status.port())).isEqualTo("220 mx.test ESMTP Moat");
    }

    @Test
    void aChangedEndpointAcceptsOnItsPortAtOnceWhileTheOldSessionsFinish() throws Exception {
        adapter.endpointActivation(factory, new SmtpActivationSpec());
        int port = adapter.apply(List.of(endpoint("mx", 0, "old.test"))).get(0).port();
        try (SmtpClient busy = SmtpClient.plain(port)) {
            assertThat(busy.reply()).isEqualTo("220 old.test ESMTP Moat");
            busy.command("EHLO busy.test");
            busy.command("MAIL FROM:<alice@sender.test>");
            busy.command("RCPT TO:<bob@example.com>");

            CompletableFuture<List<SmtpEndpointStatus>> applying = CompletableFuture
                    .supplyAsync(() -> adapter.apply(List.of(endpoint("mx", port, "new.test"))));

            Endpoints.eventually(() -> {
                try {
                    return greeting(port).equals("220 new.test ESMTP Moat");
                } catch (Exception e) {
                    return false; // between the old listener's close and the new one's bind
                }
            });
            assertThat(applying).as("the old listener's transaction is still in flight").isNotDone();
            assertThat(busy.command("DATA")).startsWith("354 ");
            assertThat(busy.command("Subject: last\r\n\r\nbody\r\n.")).isEqualTo("250 2.0.0 Ok: queued as q-1");
            assertThat(busy.command("MAIL FROM:<alice@sender.test>")).startsWith("421 4.3.2 old.test ");

            SmtpEndpointStatus status = applying.get(5, TimeUnit.SECONDS).get(0);
            assertThat(status.listening()).isTrue();
            assertThat(status.port()).isEqualTo(port);
            assertThat(status.problem()).isNull();
        }
        Endpoints.eventually(() -> adapter.status().get(0).connections() == 0);
    }

    @Test
    void stoppingTheAdapterClosesEveryPortAndWithdrawsItsControl() throws Exception {
        adapter.endpointActivation(factory, new SmtpActivationSpec());
        List<SmtpEndpointStatus> status = adapter.apply(List.of(endpoint("one", 0, "mx.test"),
                endpoint("two", 0, "mx.test")));
        assertThat(status).allMatch(SmtpEndpointStatus::listening);

        adapter.stop();

        assertThat(SmtpAdapterControl.current()).isEmpty();
        for (SmtpEndpointStatus endpoint : status) {
            assertThatThrownBy(() -> new Socket("127.0.0.1", endpoint.port()).close())
                    .isInstanceOf(ConnectException.class);
        }
    }
}
