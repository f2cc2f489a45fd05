package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The port really closes when the listener stops accepting, even with a thread blocked in {@code accept()}. */
class ListenerServerSocketTest {

    @Test
    void noConnectionIsAcceptedByTheKernelOnceStopAcceptingHasReturned() throws Exception {
        // Closing a socket another thread is blocked accepting on only marks it; the kernel keeps listening until
        // that thread has left accept(). Half of the rounds connected without the wait, so 200 rounds cannot pass.
        for (int round = 0; round < 200; round++) {
            ListenerServerSocket socket = new ListenerServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = socket.getLocalPort();
            CompletableFuture<Void> acceptLoop = CompletableFuture.runAsync(() -> {
                try {
                    while (true) {
                        socket.accept().close();
                    }
                } catch (SocketException expected) {
                    // stopped accepting, then closed
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Endpoints.eventually(() -> socket.acceptsInProgress() == 1);

            socket.stopAccepting();

            int attempt = round;
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                    .as("round %d: a connection to the stopped port", attempt)
                    .isInstanceOf(ConnectException.class);
            assertThat(acceptLoop).isNotDone(); // the accept thread waits for close(), as subethasmtp needs
            socket.close();
            acceptLoop.get(5, TimeUnit.SECONDS);
        }
    }
}
