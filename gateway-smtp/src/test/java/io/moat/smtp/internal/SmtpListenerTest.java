package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.smtp.api.Cidr;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.smtp.api.SmtpEndpointConfig;
import io.moat.smtp.api.SmtpEndpointStatus;
import io.moat.testkit.TestTls;
import jakarta.resource.ResourceException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listener's life: start, status, graceful stop, limits; on 127.0.0.1 with a fake container. */
class SmtpListenerTest {

    private final FakeEndpointFactory factory = new FakeEndpointFactory();
    private final List<SmtpListener> listeners = new ArrayList<>();

    @AfterEach
    void stopAll() {
        listeners.forEach(SmtpListener::stop);
    }

    private SmtpListener start(SmtpEndpointConfig config) throws ResourceException {
        return start(config, SmtpListener.DRAIN_TIMEOUT);
    }

    private SmtpListener start(SmtpEndpointConfig config, Duration drainTimeout) throws ResourceException {
        SmtpListener listener = new SmtpListener(config, factory, drainTimeout, SmtpListener.DATA_RATE_GRACE);
        listeners.add(listener);
        listener.start();
        return listener;
    }

    private static SmtpClient connect(SmtpListener listener) throws IOException {
        SmtpClient client = SmtpClient.plain(listener.port());
        assertThat(client.reply()).startsWith("220 mx.test ");
        return client;
    }

    @Test
    void stopLetsATransactionInFlightFinishWhileNewConnectionsAreRefused() throws Exception {
        SmtpListener listener = start(Endpoints.endpoint(SmtpEncryption.NONE, null));
        int port = listener.port();
        try (SmtpClient busy = connect(listener); SmtpClient idle = connect(listener)) {
            busy.command("EHLO busy.test");
            busy.command("MAIL FROM:<alice@sender.test>");
            busy.command("RCPT TO:<bob@example.com>");
            idle.command("EHLO idle.test");

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(listener::stop);

            assertThat(idle.reply()).startsWith("421 4.3.2 ");
            assertThat(idle.readToEnd()).isEmpty();
            Endpoints.eventually(() -> !listener.status().listening());
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
            assertThat(stopping).isNotDone();

            assertThat(busy.command("DATA")).startsWith("354 ");
            assertThat(busy.command("Subject: last\r\n\r\nbody\r\n.")).isEqualTo("250 2.0.0 Ok: queued as q-1");
            assertThat(busy.command("MAIL FROM:<alice@sender.test>")).startsWith("421 4.3.2 ");
            stopping.get(5, TimeUnit.SECONDS);
        }
        assertThat(factory.contents).containsExactly("Subject: last\r\n\r\nbody\r\n");
        assertThat(listener.status().connections()).isZero();
    }

    @Test
    void stopClosesWhatIsStillOpenAfterTheDrainTimeout() throws Exception {
        SmtpListener listener = start(Endpoints.endpoint(SmtpEncryption.NONE, null), Duration.ofMillis(300));
        try (SmtpClient slow = connect(listener)) {
            slow.command("EHLO slow.test");
            slow.command("MAIL FROM:<alice@sender.test>");

            long started = System.nanoTime();
            listener.stop();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(slow.readToEnd()).isEmpty();
        }
        assertThat(listener.status().connections()).isZero();
    }

    @Test
    void stopDoesNotWaitForAClientThatNeverStartsItsImplicitTlsHandshake() throws Exception {
        SmtpListener listener = start(Endpoints.endpoint(SmtpEncryption.IMPLICIT_TLS, TestTls.server()));
        try (SmtpClient silent = SmtpClient.plain(listener.port())) {
            Endpoints.eventually(() -> listener.status().connections() == 1);

            long started = System.nanoTime();
            listener.stop();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(silent.readToEnd()).doesNotContain("421"); // at most a TLS alert, then the end
        }
        assertThat(listener.status().failedHandshakes()).isZero();
    }

    @Test
    void theStoppedPortCanBeBoundAgainAtOnce() throws Exception {
        SmtpListener first = start(Endpoints.endpoint(SmtpEncryption.NONE, null));
        int port = first.port();
        try (SmtpClient client = connect(first)) {
            client.command("EHLO client.test");
        }
        first.stop();

        SmtpListener second = start(Endpoints.endpoint(SmtpEncryption.NONE, null, port, 10, 30));
        try (SmtpClient client = connect(second)) {
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void aPortInUseFailsStartNamingTheEndpointTheAddressAndWhy() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            SmtpListener listener = new SmtpListener(Endpoints.endpoint(SmtpEncryption.NONE, null, port, 10, 30),
                    factory);

            assertThatThrownBy(listener::start).isInstanceOf(ResourceException.class)
                    .hasMessageContaining("SMTP endpoint 'test'")
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("in use");
            SmtpEndpointStatus status = listener.status();
            assertThat(status.listening()).isFalse();
            assertThat(status.port()).isEqualTo(port);
            assertThat(status.problem()).contains("in use");
            listener.stop(); // nothing to stop, and no failure either
        }
    }

    @Test
    void statusReportsThePortAndTheOpenConnections() throws Exception {
        SmtpListener listener = start(Endpoints.endpoint(SmtpEncryption.NONE, null));
        assertThat(listener.port()).isPositive();
        assertThat(listener.status()).isEqualTo(new SmtpEndpointStatus("test", true, listener.port(), null, 0, 0));
        assertThat(listener.config().name()).isEqualTo("test");

        try (SmtpClient one = connect(listener); SmtpClient two = connect(listener)) {
            Endpoints.eventually(() -> listener.status().connections() == 2);
        }
        Endpoints.eventually(() -> listener.status().connections() == 0);
    }

    @Test
    void aSilentClientGets421AfterTheIdleTimeout() throws Exception {
        SmtpListener listener = start(Endpoints.endpoint(SmtpEncryption.NONE, null, 0, 10, 1));
        try (SmtpClient client = connect(listener)) {
            client.command("EHLO client.test");

            assertThat(client.reply()).isEqualTo("421 4.4.2 mx.test Timeout, closing transmission channel");
            assertThat(client.readToEnd()).isEmpty();
        }
    }

    @Test
    void aConnectionOverTheLimitGets421() throws Exception {
        SmtpListener listener = start(Endpoints.endpoint(SmtpEncryption.NONE, null, 0, 1, 30));
        try (SmtpClient first = connect(listener); SmtpClient second = SmtpClient.plain(listener.port())) {
            assertThat(second.reply()).startsWith("421 4.7.0 ");
            assertThat(second.readToEnd()).isEmpty();
            assertThat(first.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void aClientOverItsOwnLimitHears421WhileOtherClientsAreServed() throws Exception {
        SmtpListener listener = start(Endpoints.withConnectionLimits(Endpoints.endpoint(SmtpEncryption.NONE, null),
                10, 2, List.of()));
        try (SmtpClient one = connect(listener);
                SmtpClient two = connect(listener);
                SmtpClient three = SmtpClient.plain(listener.port())) {
            assertThat(three.reply()).isEqualTo("421 4.7.0 mx.test Too many connections from 127.0.0.1, try again"
                    + " later");
            assertThat(three.readToEnd()).isEmpty();

            try (SmtpClient other = SmtpClient.plainFrom("127.0.0.2", listener.port())) {
                assertThat(other.reply()).startsWith("220 mx.test ");
                assertThat(other.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            }
            assertThat(one.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
        // the count follows the sessions: once they ended, the client may connect again
        Endpoints.eventually(() -> listener.status().connections() == 0);
        try (SmtpClient again = connect(listener); SmtpClient twice = connect(listener)) {
            assertThat(twice.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    /** On an implicit TLS endpoint a client over its limit is closed before the handshake, which it cannot hold. */
    @Test
    void anImplicitTlsClientOverItsOwnLimitIsClosedBeforeAnyHandshake() throws Exception {
        SmtpListener listener = start(Endpoints.withConnectionLimits(
                Endpoints.endpoint(SmtpEncryption.IMPLICIT_TLS, TestTls.server()), 10, 1, List.of()));
        try (Socket holding = new Socket("127.0.0.1", listener.port())) { // in its handshake: never says a word
            Endpoints.eventually(() -> listener.status().connections() == 1);
            Socket over = new Socket("127.0.0.1", listener.port());
            over.setSoTimeout(5000);
            assertThat(over.getInputStream().read()).as("closed by the gateway, not waiting for a handshake")
                    .isEqualTo(-1);
            assertThat(listener.status().failedHandshakes()).isZero();
            over.close();
        }
    }

    /**
     * Under TLS a read timeout bounds each read of the TCP socket, and one record or handshake is many of them: a
     * client that drips a handshake one byte at a time is still closed at its session deadline.
     */
    @Test
    void aClientDrippingItsHandshakeIsClosedAtTheSessionDeadline() throws Exception {
        SmtpListener listener = start(Endpoints.withTimeLimits(
                Endpoints.endpoint(SmtpEncryption.IMPLICIT_TLS, TestTls.server()), 30, 1, 0));
        byte[] hello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        try (Socket dripping = new Socket("127.0.0.1", listener.port())) {
            long started = System.nanoTime();
            boolean closed = false;
            for (int i = 0; !closed && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15); i++) {
                try {
                    dripping.getOutputStream().write(hello[i % hello.length]);
                    dripping.getOutputStream().flush();
                    dripping.setSoTimeout(300);
                    closed = dripping.getInputStream().read() == -1;
                } catch (SocketTimeoutException e) {
                    // nothing yet: the next byte
                } catch (IOException e) {
                    closed = true; // reset by the gateway
                }
            }
            assertThat(closed).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void theTrustedNetworksAreExemptFromThePerClientLimit() throws Exception {
        SmtpListener trusting = start(Endpoints.withConnectionLimits(Endpoints.endpoint(SmtpEncryption.NONE, null),
                10, 1, List.of(Cidr.parse("127.0.0.0/8"))));
        SmtpListener other = start(Endpoints.withConnectionLimits(Endpoints.endpoint(SmtpEncryption.NONE, null),
                10, 1, List.of(Cidr.parse("10.0.0.0/8"))));
        try (SmtpClient one = connect(trusting);
                SmtpClient two = connect(trusting);
                SmtpClient three = connect(trusting)) {
            assertThat(three.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
        try (SmtpClient one = connect(other); SmtpClient two = SmtpClient.plain(other.port())) {
            assertThat(two.reply()).startsWith("421 4.7.0 ");
        }
    }

    @Test
    void everyConnectionOverTheLimitHears421EvenInABurstLargerThanTheReserve() throws Exception {
        SmtpListener listener = start(Endpoints.endpoint(SmtpEncryption.NONE, null, 0, 2, 30));
        List<SmtpClient> burst = new ArrayList<>();
        try (SmtpClient one = connect(listener); SmtpClient two = connect(listener)) {
            for (int i = 0; i < 3 * SessionThreads.RESERVE; i++) {
                burst.add(SmtpClient.plain(listener.port()));
            }
            for (SmtpClient client : burst) {
                assertThat(client.reply()).startsWith("421 4.7.0 mx.test Too many connections");
            }
            assertThat(two.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        } finally {
            for (SmtpClient client : burst) {
                client.close();
            }
        }
    }

    @Test
    void aStoppingEndpointFreesItsPortAtOnceWhileATransactionInFlightFinishes() throws Exception {
        SmtpListener first = start(Endpoints.endpoint(SmtpEncryption.NONE, null));
        int port = first.port();
        try (SmtpClient busy = connect(first)) {
            busy.command("EHLO busy.test");
            busy.command("MAIL FROM:<alice@sender.test>");
            busy.command("RCPT TO:<bob@example.com>");

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(first::stop);
            Endpoints.eventually(() -> !first.status().listening());

            SmtpListener second = start(Endpoints.endpoint(SmtpEncryption.NONE, null, port, 10, 30));
            try (SmtpClient client = connect(second)) {
                assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            }
            assertThat(stopping).isNotDone();
            assertThat(busy.command("DATA")).startsWith("354 ");
            assertThat(busy.command("Subject: last\r\n\r\nbody\r\n.")).isEqualTo("250 2.0.0 Ok: queued as q-1");
            stopping.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void clientsThatConnectAndResetLeaveTheEndpointServing() throws Exception {
        SmtpListener listener = start(Endpoints.endpoint(SmtpEncryption.NONE, null));
        for (int i = 0; i < 50; i++) {
            Socket resetting = new Socket("127.0.0.1", listener.port());
            resetting.setSoLinger(true, 0);
            resetting.close();
        }

        try (SmtpClient client = connect(listener)) {
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
        Endpoints.eventually(() -> listener.status().connections() == 0);
    }

    @Test
    void aListenerThatCouldNotListenStopsWithoutWaiting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            SmtpListener listener = new SmtpListener(
                    Endpoints.endpoint(SmtpEncryption.NONE, null, taken.getLocalPort(), 10, 30), factory);
            assertThatThrownBy(listener::start).isInstanceOf(ResourceException.class);

            long started = System.nanoTime();
            listener.stopAccepting();
            listener.stop();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void aListenerStartsOnce() throws Exception {
        SmtpListener listener = start(Endpoints.endpoint(SmtpEncryption.NONE, null));
        assertThatThrownBy(listener::start).isInstanceOf(IllegalStateException.class);
    }
}
