package io.moat.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.devtools.ReceivedMail;
import io.moat.devtools.SmtpSink;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.tls.DigitalId;
import io.moat.tls.KeyStores;
import io.moat.tls.SelfSigned;
import io.moat.tls.ServerTlsContext;
import io.moat.tls.TlsSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The client against a real SMTP server on 127.0.0.1 (the devtools' sink, subethasmtp), and against scripted peers
 * where a test needs a server that misbehaves. The delivery agent's tests drive it further: PIPELINING held replies,
 * AUTH, implicit TLS, kept connections (gateway-delivery's DeliveryAgent*Test).
 */
class SmtpClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final DigitalId LOCALHOST = SelfSigned.generate("localhost", Instant.now(), Duration.ofDays(1));
    private static final DigitalId UNRELATED = SelfSigned.generate("unrelated.test", Instant.now(),
            Duration.ofDays(1));
    private static final byte[] TEXT = "Subject: hello\r\n\r\n.a line starting with a dot\r\nlast line\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final SmtpClient client = new SmtpClient("client.test", TIMEOUT);

    private static SSLSocketFactory trusting(DigitalId id) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(KeyStores.trustStore(List.of(id.certificate())));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SmtpSink tlsSink() throws IOException {
        SSLContext server = new ServerTlsContext(LOCALHOST, TlsSettings.defaults()).context();
        return SmtpSink.builder().port(0).startTls(server).build().start();
    }

    private static Endpoint plain(int port) {
        return new Endpoint("127.0.0.1", port, SmtpEncryption.NONE, null, false);
    }

    @Test
    void aTransactionReachesTheServerAndEveryRecipientHasItsOwnReply() throws IOException {
        try (SmtpSink sink = SmtpSink.builder().port(0).build().start()) {
            sink.refuseRecipient("nobody@example.org", 550, "5.1.1 no such user");
            try (SmtpConnection connection = client.connect(plain(sink.port()), null)) {
                Replies replies = connection.transact("alice@example.com",
                        List.of("bob@example.org", "nobody@example.org", "carol@example.org"), "",
                        out -> out.write(TEXT));

                assertThat(replies.mail().code()).isEqualTo(250);
                assertThat(replies.recipients()).extracting(Reply::code).containsExactly(250, 550, 250);
                assertThat(replies.recipients().get(1).text()).isEqualTo("550 5.1.1 no such user");
                assertThat(replies.data().code()).isEqualTo(354);
                assertThat(replies.end().positive()).isTrue();
                assertThat(connection.tls()).isNull();
            }
            ReceivedMail received = sink.messages().get(0);
            assertThat(received.from()).isEqualTo("alice@example.com");
            assertThat(received.recipients()).containsExactly("bob@example.org", "carol@example.org");
            assertThat(received.data()).isEqualTo(TEXT);
        }
    }

    @Test
    void aConnectionCarriesOneTransactionAfterTheOther() throws IOException {
        try (SmtpSink sink = SmtpSink.builder().port(0).build().start();
                SmtpConnection connection = client.connect(plain(sink.port()), null)) {
            for (String to : List.of("bob@example.org", "carol@example.org")) {
                assertThat(connection.usable()).isTrue();
                Replies replies = connection.transact("<>", List.of(to), "", out -> out.write(TEXT));
                assertThat(replies.end().positive()).isTrue();
            }
            assertThat(sink.messages()).extracting(m -> m.recipients().get(0))
                    .containsExactly("bob@example.org", "carol@example.org");
            assertThat(sink.messages()).extracting(ReceivedMail::from).containsExactly("", "");
        }
    }

    @Test
    void requiredStartTlsCarriesTheTransactionOverTls() throws IOException {
        try (SmtpSink sink = tlsSink();
                SmtpConnection connection = client.connect(new Endpoint("127.0.0.1", sink.port(),
                        SmtpEncryption.STARTTLS_REQUIRED, trusting(LOCALHOST), true), null)) {
            assertThat(connection.tls()).isNotNull();
            assertThat(connection.tls().getProtocol()).startsWith("TLSv1.");
            assertThat(connection.transact("alice@example.com", List.of("bob@example.org"), "",
                    out -> out.write(TEXT)).end().positive()).isTrue();
            assertThat(sink.messages()).singleElement().extracting(ReceivedMail::data).isEqualTo(TEXT);
        }
    }

    @Test
    void requiredStartTlsToAServerWithoutItFailsBeforeAnythingIsSent() throws IOException {
        try (SmtpSink sink = SmtpSink.builder().port(0).build().start()) {
            Endpoint endpoint = new Endpoint("127.0.0.1", sink.port(), SmtpEncryption.STARTTLS_REQUIRED,
                    trusting(LOCALHOST), true);

            assertThatThrownBy(() -> client.connect(endpoint, null)).isInstanceOfSatisfying(SmtpFailure.class,
                    e -> assertThat(e.stage()).isEqualTo(SmtpFailure.Stage.STARTTLS_MISSING));
            assertThat(sink.messages()).isEmpty();
        }
    }

    @Test
    void optionalStartTlsToAServerWithoutItGoesOnInClearText() throws IOException {
        try (SmtpSink sink = SmtpSink.builder().port(0).build().start();
                SmtpConnection connection = client.connect(new Endpoint("127.0.0.1", sink.port(),
                        SmtpEncryption.STARTTLS_OPTIONAL, trusting(LOCALHOST), true), null)) {
            assertThat(connection.tls()).isNull();
            assertThat(connection.transact("a@example.com", List.of("b@example.org"), "", out -> out.write(TEXT))
                    .end().positive()).isTrue();
        }
    }

    @Test
    void anUntrustedCertificateFailsTheHandshakeWithTheTlsLibrarysReason() throws IOException {
        try (SmtpSink sink = tlsSink()) {
            Endpoint endpoint = new Endpoint("127.0.0.1", sink.port(), SmtpEncryption.STARTTLS_REQUIRED,
                    trusting(UNRELATED), true);

            assertThatThrownBy(() -> client.connect(endpoint, null)).isInstanceOfSatisfying(SmtpFailure.class,
                    e -> {
                        assertThat(e.stage()).isEqualTo(SmtpFailure.Stage.TLS);
                        assertThat(e.getMessage()).contains("PKIX path building failed");
                    });
        }
    }

    @Test
    void aClosedPortFailsToConnect() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> client.connect(plain(port), null)).isInstanceOfSatisfying(SmtpFailure.class,
                e -> assertThat(e.stage()).isEqualTo(SmtpFailure.Stage.CONNECT));
        assertThatThrownBy(() -> client.greeting(plain(port))).isInstanceOf(IOException.class);
    }

    @Test
    void theGreetingIsReadAndQuitSaidWithoutEhlo() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> heard = CompletableFuture.supplyAsync(
                    () -> converse(server, "220-mx.example.test ESMTP\r\n220 ready\r\n", List.of()));

            Reply greeting = client.greeting(plain(server.getLocalPort()));

            assertThat(greeting.code()).isEqualTo(220);
            assertThat(greeting.firstLine()).isEqualTo("220-mx.example.test ESMTP");
            assertThat(heard.get()).containsExactly("QUIT");
        }
    }

    @Test
    void implicitTlsSpeaksTlsFromTheFirstByteAndChecksTheName() throws Exception {
        ServerTlsContext context = new ServerTlsContext(LOCALHOST, TlsSettings.defaults());
        try (ServerSocket server = context.serverSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> heard = CompletableFuture.supplyAsync(() -> converse(server,
                    "220 submissions.example.test\r\n", List.of("250 submissions.example.test\r\n", "221 bye\r\n")));

            try (SmtpConnection connection = client.connect(new Endpoint("127.0.0.1", server.getLocalPort(),
                    SmtpEncryption.IMPLICIT_TLS, trusting(LOCALHOST), true), null)) {
                assertThat(connection.tls()).isNotNull();
                assertThat(connection.tls().getCipherSuite()).isIn(TlsSettings.FORWARD_SECRET_AEAD);
            }
            assertThat(heard.get()).containsExactly("EHLO client.test", "QUIT");
        }
    }

    @Test
    void ehloRefusedFallsBackToHeloAndNoExtensionIsAssumed() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> heard = CompletableFuture.supplyAsync(() -> converse(server,
                    "220 old.example.test\r\n", List.of("502 5.5.1 what?\r\n", "250 old.example.test\r\n",
                            "221 bye\r\n")));

            try (SmtpConnection connection = client.connect(plain(server.getLocalPort()), null)) {
                assertThat(connection.supports("PIPELINING")).isFalse();
            }
            assertThat(heard.get()).containsExactly("EHLO client.test", "HELO client.test", "QUIT");
        }
    }

    @Test
    void authLoginIsUsedWhereThePlainMechanismIsNotOffered() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> heard = CompletableFuture.supplyAsync(() -> converse(server,
                    "220 relay.example.test\r\n", List.of("250-relay.example.test\r\n250 AUTH LOGIN CRAM-MD5\r\n",
                            "334 VXNlcm5hbWU6\r\n", "334 UGFzc3dvcmQ6\r\n", "235 2.7.0 ok\r\n", "221 bye\r\n")));

            client.connect(plain(server.getLocalPort()), new Credentials("relay-user", "s3cret".toCharArray()))
                    .close();

            assertThat(heard.get()).containsExactly("EHLO client.test", "AUTH LOGIN",
                    Base64.getEncoder().encodeToString("relay-user".getBytes(StandardCharsets.UTF_8)),
                    Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8)), "QUIT");
        }
    }

    @Test
    void refusedCredentialsFailTheConnectionWithTheServersReplyAndNeverShowThePassword() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture.supplyAsync(() -> converse(server, "220 relay.example.test\r\n",
                    List.of("250-relay.example.test\r\n250 AUTH PLAIN\r\n", "535 5.7.8 credentials invalid\r\n")));

            assertThatThrownBy(() -> client.connect(plain(server.getLocalPort()),
                    new Credentials("relay-user", "s3cret".toCharArray())))
                    .isInstanceOfSatisfying(SmtpFailure.class, e -> {
                        assertThat(e.stage()).isEqualTo(SmtpFailure.Stage.AUTH);
                        assertThat(e.getMessage()).isEqualTo("535 5.7.8 credentials invalid").doesNotContain("s3cret");
                    });
        }
    }

    @Test
    void bytesInjectedAfterTheStartTlsReplyEndTheConnection() throws Exception {
        // CVE-2011-0411: what a man in the middle puts after 220 would be read as if it came over TLS
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> heard = CompletableFuture.supplyAsync(() -> converse(server,
                    "220 mx.example.test\r\n", List.of("250-mx.example.test\r\n250 STARTTLS\r\n",
                            "220 go ahead\r\n250 injected\r\n")));
            Endpoint endpoint = new Endpoint("127.0.0.1", server.getLocalPort(), SmtpEncryption.STARTTLS_REQUIRED,
                    trusting(LOCALHOST), false);

            assertThatThrownBy(() -> client.connect(endpoint, null)).isInstanceOfSatisfying(SmtpFailure.class,
                    e -> {
                        assertThat(e.stage()).isEqualTo(SmtpFailure.Stage.TLS);
                        assertThat(e.getMessage()).contains("more than its reply to STARTTLS");
                    });
            assertThat(heard.get()).containsExactly("EHLO client.test", "STARTTLS");
        }
    }

    @Test
    void anAddressWithALineBreakIsNeverWritten() throws IOException {
        try (SmtpSink sink = SmtpSink.builder().port(0).build().start()) {
            SmtpConnection connection = client.connect(plain(sink.port()), null);

            assertThatThrownBy(() -> connection.transact("alice@example.com",
                    List.of("bob@example.org>\r\nRCPT TO:<eve@example.net"), "", out -> out.write(TEXT)))
                    .isInstanceOf(IOException.class).hasMessageContaining("line break");
            assertThat(connection.usable()).isFalse();
            assertThat(sink.messages()).isEmpty();
        }
    }

    /** Greets, then answers each line the client sends with the next of {@code answers}; the lines it heard. */
    private static List<String> converse(ServerSocket server, String greeting, List<String> answers) {
        List<String> heard = new ArrayList<>();
        try (Socket client = server.accept()) {
            client.setSoTimeout(5000);
            OutputStream out = client.getOutputStream();
            out.write(greeting.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                heard.add(line);
                if (heard.size() > answers.size()) {
                    break;
                }
                out.write(answers.get(heard.size() - 1).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            heard.add("failed: " + e);
        }
        return heard;
    }
}
