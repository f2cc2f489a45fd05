package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import io.moat.testkit.SmtpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap endpoint against clients that try to stop it or to relay through it (issue #28): idle connections
 * by the hundred, more connections than one client may hold, and address forms a downstream Postfix would send
 * elsewhere. Real sockets against the real server; connections come from several loopback addresses
 * ({@code 127.0.0.2} ...), as from several clients.
 */
class HostileSmtpIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @BeforeEach
    void doubles() {
        TestBed.up();
    }

    @Test
    void aHundredAndTenIdleConnectionsDoNotKeepANewClientFromItsGreetingAndItsMail() throws IOException {
        List<Socket> idle = new ArrayList<>();
        try {
            // more than the container's pool of 50 threads and 50 queued that served every endpoint before
            for (int i = 0; i < 110; i++) {
                Socket socket = connectFrom("127.0.0." + (2 + i % 11));
                idle.add(socket);
                assertThat(firstLine(socket)).as("greeting of idle connection %d", i).startsWith("220 ");
            }

            long started = System.nanoTime();
            try (Socket fresh = connectFrom("127.0.0.1")) {
                assertThat(firstLine(fresh)).startsWith("220 ");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            }
            Mails mail = new Mails();
            String id = Api.queueId(GatewaySmtp.send("alice@sender.test", "bob@example.com",
                    mail.build("alice@sender.test", "bob@example.com")));
            await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
            await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void aClientOverFiftyConnectionsHears421WhileAnotherClientIsServed() throws IOException {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) { // the endpoint's default maxConnectionsPerClient
                Socket socket = connectFrom("127.0.0.13");
                held.add(socket);
                assertThat(firstLine(socket)).as("greeting of connection %d", i).startsWith("220 ");
            }
            try (Socket over = connectFrom("127.0.0.13")) {
                BufferedReader in = reader(over);
                assertThat(in.readLine()).isEqualTo("421 4.7.0 gateway.it.test Too many connections from 127.0.0.13,"
                        + " try again later");
                assertThat(in.readLine()).isNull();
            }
            try (Socket other = connectFrom("127.0.0.14")) {
                assertThat(firstLine(other)).startsWith("220 ");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void localPartsThatRouteElsewhereAreRefusedWith550() throws IOException {
        try (SmtpClient smtp = new SmtpClient(TestBed.SMTP_PORT)) {
            smtp.command("EHLO client.it.test");
            assertThat(smtp.command("MAIL FROM:<mallory@sender.test>")).startsWith("250");
            for (String trick : List.of("victim%evil.test@example.com", "evil.test!victim@example.com",
                    "\"victim@evil.test\"@example.com")) {
                assertThat(smtp.command("RCPT TO:<" + trick + ">")).as(trick).startsWith("550 5.7.1 Relaying denied:"
                        + " '%', '!' and a quoted '@' in the local part are not accepted");
            }
            assertThat(smtp.command("RCPT TO:<bob@example.com>")).startsWith("250");
        }
    }

    @Test
    void theSameRecipientTwiceIsDeliveredOnce() throws IOException {
        Mails mail = new Mails();
        String id = Api.queueId(GatewaySmtp.send("alice@sender.test", List.of("bob@example.com", "bob@EXAMPLE.com",
                "bob@example.com"), mail.build("alice@sender.test", "bob@example.com")));

        await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
        List<ReceivedMail> delivered = TestBed.delivered(mail.testId());
        assertThat(delivered).singleElement()
                .satisfies(m -> assertThat(m.recipients()).containsExactly("bob@example.com"));
        assertThat(Api.message(id).getJsonObject("envelope").getJsonArray("recipients")).hasSize(1);
    }

    @Test
    void postmasterWithoutADomainIsAcceptedAndDelivered() throws IOException {
        Mails mail = new Mails();
        String id = Api.queueId(GatewaySmtp.send("alice@sender.test", "postmaster",
                mail.build("alice@sender.test", "postmaster")));

        await().atMost(PATIENCE).until(() -> Api.state(id).equals("DELIVERED"));
        assertThat(TestBed.delivered(mail.testId())).singleElement()
                .satisfies(m -> assertThat(m.recipients()).containsExactly("postmaster"));
    }

    /** A connection to the gateway's SMTP port from {@code localAddress}, another loopback address than the usual. */
    private static Socket connectFrom(String localAddress) throws IOException {
        Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), TestBed.SMTP_PORT,
                InetAddress.getByName(localAddress), 0);
        socket.setSoTimeout(15_000);
        return socket;
    }

    private static String firstLine(Socket socket) throws IOException {
        return reader(socket).readLine();
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }
}
