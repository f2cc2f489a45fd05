package io.moat.settings.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.smtp.api.SmtpEncryption;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SmtpProbeTest {

    @Test
    void readsAMultiLineGreetingAndSaysQuit() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> said = CompletableFuture.supplyAsync(() -> greetAndRead(server,
                    "220-mx.example.test ESMTP\r\n220 ready\r\n"));
            String greeting = SmtpProbe.greeting(target(server), Duration.ofSeconds(5));
            assertThat(greeting).isEqualTo("220-mx.example.test ESMTP");
            assertThat(said.get()).isEqualTo("QUIT");
        }
    }

    @Test
    void aServerThatRefusesServiceIsNotReachable() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture.supplyAsync(() -> greetAndRead(server, "554 no service here\r\n"));
            assertThatThrownBy(() -> SmtpProbe.greeting(target(server), Duration.ofSeconds(5)))
                    .isInstanceOf(IOException.class).hasMessageContaining("554 no service here");
        }
    }

    @Test
    void aClosedPortIsNotReachable() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
        }
        SmtpTarget closed = new SmtpTarget("127.0.0.1", port, SmtpEncryption.NONE, null, false, null, null);
        assertThatThrownBy(() -> SmtpProbe.greeting(closed, Duration.ofSeconds(5))).isInstanceOf(IOException.class);
    }

    private static SmtpTarget target(ServerSocket server) {
        return new SmtpTarget("127.0.0.1", server.getLocalPort(), SmtpEncryption.NONE, null, false, null, null);
    }

    private static String greetAndRead(ServerSocket server, String greeting) {
        try (Socket client = server.accept()) {
            client.getOutputStream().write(greeting.getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            client.setSoTimeout(5000);
            return new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        } catch (IOException e) {
            return "failed: " + e;
        }
    }
}
