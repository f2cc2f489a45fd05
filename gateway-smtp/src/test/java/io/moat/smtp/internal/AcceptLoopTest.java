package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The port of an endpoint: bound, accepted from and closed by the accept loop alone; it really closes when the loop
 * stops accepting, even with its thread blocked in {@code accept()}.
 */
class AcceptLoopTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final List<SessionThreads> pools = new ArrayList<>();
    private final List<AcceptLoop> loops = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        loops.forEach(AcceptLoop::stopAccepting);
        for (SessionThreads pool : pools) {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    private AcceptLoop start(int admitted, Consumer<Socket> sessions) throws IOException {
        return start(ANY_PORT, admitted, sessions);
    }

    private AcceptLoop start(InetSocketAddress address, int admitted, Consumer<Socket> sessions) throws IOException {
        SessionThreads pool = new SessionThreads("test", admitted);
        pools.add(pool);
        AcceptLoop loop = AcceptLoop.start("test", address, admitted, pool, sessions);
        loops.add(loop);
        return loop;
    }

    /** A session that says hello and closes. */
    private static void hello(Socket connection) {
        try (connection) {
            connection.getOutputStream().write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // the client is gone: nothing to say
        }
    }

    private static String firstLine(int port) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(5_000);
            InputStream in = client.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** Connects and resets at once (SO_LINGER 0): the client is gone before, or just after, it is accepted. */
    private static void connectAndReset(int port) throws IOException {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
        client.setSoLinger(true, 0);
        client.close();
    }

    @Test
    void noConnectionIsAcceptedByTheKernelOnceStopAcceptingHasReturned() throws Exception {
        // Closing a socket another thread is blocked accepting on only marks it; the kernel keeps listening until
        // that thread has left accept(). Half of the rounds connected without the wait, so 200 rounds cannot pass.
        for (int round = 0; round < 200; round++) {
            AcceptLoop loop = start(10, AcceptLoopTest::hello);
            int port = loop.port();
            Endpoints.eventually(loop::accepting);

            loop.stopAccepting();

            int attempt = round;
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                    .as("round %d: a connection to the stopped port", attempt)
                    .isInstanceOf(ConnectException.class);
            assertThat(loop.awaitEnd(Duration.ofSeconds(5))).as("round %d: the loop ended", attempt).isTrue();
            pools.remove(pools.size() - 1).shutdown();
        }
    }

    @Test
    void aPortInUseFailsTheStartAndLeavesNothingOpen() throws Exception {
        AcceptLoop first = start(10, AcceptLoopTest::hello);
        SessionThreads pool = new SessionThreads("other", 10);
        pools.add(pool);

        assertThatThrownBy(() -> AcceptLoop.start("other", new InetSocketAddress(InetAddress.getLoopbackAddress(),
                first.port()), 10, pool, AcceptLoopTest::hello)).isInstanceOf(IOException.class)
                .hasMessageContaining("in use");
        assertThat(pool.getPoolSize()).as("no accept loop was started").isZero();
        assertThat(firstLine(first.port())).isEqualTo("hello\r\n");
    }

    @Test
    void aStoppedPortCanBeBoundAgainAtOnceWhileItsSessionsGoOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch accepted = new CountDownLatch(1);
        AcceptLoop first = start(10, connection -> {
            accepted.countDown();
            try (connection) {
                release.await();
                connection.getOutputStream().write("late\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        int port = first.port();
        try (Socket inFlight = new Socket(InetAddress.getLoopbackAddress(), port)) {
            inFlight.setSoTimeout(5_000);
            assertThat(accepted.await(5, TimeUnit.SECONDS)).isTrue(); // in the backlog, the stop would reset it

            first.stopAccepting();
            AcceptLoop second = start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10,
                    AcceptLoopTest::hello);

            assertThat(second.port()).isEqualTo(port);
            assertThat(firstLine(port)).isEqualTo("hello\r\n");
            release.countDown();
            assertThat(new String(inFlight.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .as("the session accepted before the stop goes on").isEqualTo("late\r\n");
        }
    }

    @Test
    void clientsThatConnectAndResetDoNotStopTheLoop() throws Exception {
        AtomicInteger sessions = new AtomicInteger();
        AcceptLoop loop = start(10, connection -> {
            sessions.incrementAndGet();
            hello(connection);
        });
        for (int i = 0; i < 50; i++) {
            connectAndReset(loop.port());
        }

        assertThat(firstLine(loop.port())).isEqualTo("hello\r\n");
        Endpoints.eventually(() -> sessions.get() >= 51);
    }

    @Test
    void clientsThatResetWhileWaitingInTheBacklogDoNotStopTheLoop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger sessions = new AtomicInteger();
        AcceptLoop loop = start(1, connection -> {
            if (sessions.incrementAndGet() == 1) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            hello(connection);
        });
        try (Socket holding = new Socket(InetAddress.getLoopbackAddress(), loop.port())) {
            Endpoints.eventually(() -> sessions.get() == 1);
            for (int i = 0; i < 10; i++) {
                connectAndReset(loop.port()); // completed by the kernel, never accepted while the one admission is taken
            }
            release.countDown();
        }

        assertThat(firstLine(loop.port())).isEqualTo("hello\r\n");
    }

    @Test
    void noMoreSessionsRunAtOnceThanAdmittedTheNextWaitsForOneToEnd() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        AcceptLoop loop = start(2, connection -> {
            running.incrementAndGet();
            started.incrementAndGet();
            try (connection) {
                if (started.get() <= 2) {
                    release.await();
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        });
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(new Socket(InetAddress.getLoopbackAddress(), loop.port()));
            }
            Endpoints.eventually(() -> started.get() == 2);
            TimeUnit.MILLISECONDS.sleep(300);
            assertThat(started).as("the third waits in the backlog").hasValue(2);

            release.countDown();

            Endpoints.eventually(() -> started.get() == 3);
            Endpoints.eventually(() -> running.get() == 0);
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    @Test
    void aLoopWaitingForAnAdmissionStopsAndItsPortIsRefused() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger sessions = new AtomicInteger();
        AcceptLoop loop = start(1, connection -> {
            sessions.incrementAndGet();
            try (connection) {
                release.await();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        int port = loop.port();
        try (Socket holding = new Socket(InetAddress.getLoopbackAddress(), port)) {
            Endpoints.eventually(() -> sessions.get() == 1 && !loop.accepting());

            loop.stopAccepting();

            assertThat(loop.awaitEnd(Duration.ofSeconds(5))).isTrue();
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        } finally {
            release.countDown();
        }
    }
}
