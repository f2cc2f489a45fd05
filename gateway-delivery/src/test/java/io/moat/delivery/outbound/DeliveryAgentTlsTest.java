package io.moat.delivery.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.delivery.outbound.DeliveryAgent.Outcome;
import io.moat.delivery.outbound.DeliveryAgent.Result;
import io.moat.settings.profiles.ProtocolSocketFactory;
import io.moat.settings.profiles.SmtpTarget;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.testkit.TestTls;
import io.moat.testkit.TlsSmtpServer;
import io.moat.testkit.TlsSmtpServer.Received;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS towards downstream servers, with real handshakes on 127.0.0.1, and trying the servers in order. */
class DeliveryAgentTlsTest {

    private static final byte[] ADDED = "X-Moat-Scan: clean\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final SSLSocketFactory TRUSTS_LOCALHOST = TestTls.trusting(TestTls.LOCALHOST);
    private static final SSLSocketFactory TRUSTS_OTHER_NAME = TestTls.trusting(TestTls.OTHER_NAME);
    private static final SSLSocketFactory TRUSTS_NOTHING_USED = TestTls.trusting(TestTls.UNRELATED);
    /** Optional STARTTLS as the server profiles set it up: it records whether the server verified, and goes on. */
    private static final SSLSocketFactory MAY_LOCALHOST = TestTls.opportunistic(TestTls.LOCALHOST);
    private static final SSLSocketFactory MAY_OTHER_NAME = TestTls.opportunistic(TestTls.OTHER_NAME);
    private static final SSLSocketFactory MAY_NOTHING_USED = TestTls.opportunistic(TestTls.UNRELATED);

    @TempDir
    Path dir;

    private final DeliveryAgent agent = new DeliveryAgent("moat.test", TIMEOUT);
    private Path message;
    private byte[] messageBytes;

    @BeforeEach
    void spool() throws IOException {
        messageBytes = String.join("\r\n",
                "From: Alice <alice@example.com>",
                "To: bob@example.org",
                "Subject: over TLS",
                "",
                "first line",
                ".a line starting with a dot",
                "last line",
                "").getBytes(StandardCharsets.UTF_8);
        message = dir.resolve("spooled.eml");
        Files.write(message, messageBytes);
    }

    private Result deliver(SmtpTarget... servers) {
        return agent.deliver(List.of(servers), message, ADDED, "alice@example.com", List.of("bob@example.org"));
    }

    private static SmtpTarget target(TlsSmtpServer server, SmtpEncryption mode, SSLSocketFactory factory) {
        return new SmtpTarget("127.0.0.1", server.port(), mode, factory, true, null, null);
    }

    private byte[] sent() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ADDED);
        out.writeBytes(messageBytes);
        return out.toByteArray();
    }

    private static boolean sawMail(TlsSmtpServer server) {
        return server.commands().stream().anyMatch(c -> c.toUpperCase().startsWith("MAIL"));
    }

    private static void assertOverTls(Result result, TlsSmtpServer server) {
        Received received = server.messages().get(0);
        assertThat(received.tlsProtocol()).isNotNull();
        assertThat(result.tlsProtocol()).isEqualTo(received.tlsProtocol());
        assertThat(result.tlsCipher()).isEqualTo(received.tlsCipher());
    }

    @Test
    void startTlsBeginsOnAPlainSocketWithNagleOffAndImplicitTlsSocketsHaveItOffToo() throws IOException {
        RecordingSockets sockets = new RecordingSockets();
        DeliveryAgent withSockets = new DeliveryAgent("moat.test", TIMEOUT, sockets);
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST))) {
            Result result = withSockets.deliver(
                    List.of(target(server, SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_LOCALHOST)),
                    message, ADDED, "alice@example.com", List.of("bob@example.org"));

            assertThat(result.tlsProtocol()).isNotNull();
            assertThat(sockets.made).singleElement().satisfies(s -> assertThat(s.getTcpNoDelay()).isTrue());
        } finally {
            withSockets.closeIdle();
        }
        RecordingSockets implicitSockets = new RecordingSockets();
        DeliveryAgent implicit = new DeliveryAgent("moat.test", TIMEOUT, implicitSockets);
        try (TlsSmtpServer server = TlsSmtpServer.implicitTls(TestTls.server(TestTls.LOCALHOST))) {
            Result result = implicit.deliver(List.of(target(server, SmtpEncryption.IMPLICIT_TLS, TRUSTS_LOCALHOST)),
                    message, ADDED,
                    "alice@example.com", List.of("bob@example.org"));

            assertThat(result.tlsProtocol()).isNotNull();
            // the TLS layer runs over this socket: its segments go out without waiting
            assertThat(implicitSockets.made).singleElement().satisfies(s -> assertThat(s.getTcpNoDelay()).isTrue());
        } finally {
            implicit.closeIdle();
        }
    }

    @Test
    void optionalStartTlsToATlsServerDeliversOverTls() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST))) {
            Result result = deliver(target(server, SmtpEncryption.STARTTLS_OPTIONAL, MAY_LOCALHOST));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(result.server()).isEqualTo(server.uri());
            assertThat(result.note()).isNull();
            assertThat(server.messages()).singleElement().satisfies(m -> assertThat(m.data()).isEqualTo(sent()));
            assertOverTls(result, server);
            assertThat(result.tlsProtocol()).startsWith("TLSv1.");
            assertThat(server.connections()).isEqualTo(1);
            // the connection that carried the text is the TLS one, kept for the next message
            assertThat(agent.idleConnectionList()).singleElement()
                    .satisfies(c -> assertThat(c.tls().getProtocol()).isEqualTo(result.tlsProtocol()));
        }
    }

    @Test
    void optionalStartTlsToAServerWithoutItDeliversInClearWithANote() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.plain()) {
            Result result = deliver(target(server, SmtpEncryption.STARTTLS_OPTIONAL, MAY_LOCALHOST));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(result.note()).isEqualTo("clear text: the server offered no STARTTLS");
            assertThat(result.tlsProtocol()).isNull();
            assertThat(result.tlsCipher()).isNull();
            assertThat(server.messages()).singleElement().satisfies(m -> {
                assertThat(m.tlsProtocol()).isNull();
                assertThat(m.data()).isEqualTo(sent());
            });
        }
    }

    @Test
    void optionalStartTlsWithAnUntrustedCertificateStaysEncryptedUnverifiedAndNeverGoesClear() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST))) {
            Result result = deliver(target(server, SmtpEncryption.STARTTLS_OPTIONAL, MAY_NOTHING_USED));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(result.note()).startsWith("TLS without verification: ").contains("PKIX path building failed");
            assertOverTls(result, server);
            assertThat(result.tlsCipher()).isIn(io.moat.tls.TlsSettings.FORWARD_SECRET_AEAD);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(server.handshakeFailures()).isEmpty();
            assertThat(server.messages()).singleElement().satisfies(m -> {
                assertThat(m.tlsProtocol()).isNotNull();
                assertThat(m.data()).isEqualTo(sent());
            });
            // nothing of the transaction went before the handshake
            assertThat(server.commands().subList(0, server.commands().indexOf("STARTTLS")))
                    .noneMatch(c -> c.toUpperCase().startsWith("MAIL") || c.toUpperCase().startsWith("RCPT"));
        }
    }

    @Test
    void optionalStartTlsToACertificateForAnotherNameStaysEncryptedAndSaysWhy() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.OTHER_NAME))) {
            Result result = deliver(target(server, SmtpEncryption.STARTTLS_OPTIONAL, MAY_OTHER_NAME));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(result.note()).startsWith("TLS without verification: ").contains("127.0.0.1");
            assertOverTls(result, server);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void aKeptUnverifiedConnectionStillSaysSoForTheNextMessage() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST))) {
            deliver(target(server, SmtpEncryption.STARTTLS_OPTIONAL, MAY_NOTHING_USED));
            Result second = deliver(target(server, SmtpEncryption.STARTTLS_OPTIONAL, MAY_NOTHING_USED));

            assertThat(server.connections()).isEqualTo(1);
            assertThat(second.note()).startsWith("TLS without verification: ");
            assertThat(second.tlsProtocol()).isNotNull();
        }
        // a new connection resumes the TLS session: it is no more verified than the first
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST))) {
            SmtpTarget target = target(server, SmtpEncryption.STARTTLS_OPTIONAL, MAY_NOTHING_USED);
            deliver(target);
            agent.closeIdle();
            Result again = deliver(target);

            assertThat(server.connections()).isEqualTo(2);
            assertThat(again.note()).startsWith("TLS without verification: ").contains("PKIX path building failed");
        }
    }

    @Test
    void optionalStartTlsWhoseHandshakeFailsDeliversInClearOnASecondConnection() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST, "TLSv1.3"))) {
            SSLSocketFactory tls12Only = new ProtocolSocketFactory(MAY_LOCALHOST, List.of("TLSv1.2"),
                    io.moat.tls.TlsSettings.FORWARD_SECRET_AEAD);
            Result result = deliver(target(server, SmtpEncryption.STARTTLS_OPTIONAL, tls12Only));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(result.note()).startsWith("clear text after STARTTLS failed: ");
            assertThat(result.tlsProtocol()).isNull();
            assertThat(server.connections()).isEqualTo(2);
            assertThat(server.handshakeFailures()).hasSize(1);
            assertThat(server.commands()).filteredOn(c -> c.equalsIgnoreCase("STARTTLS")).hasSize(1);
            assertThat(server.messages()).singleElement().satisfies(m -> {
                assertThat(m.tlsProtocol()).isNull();
                assertThat(m.data()).isEqualTo(sent());
            });
        }
    }

    @Test
    void requiredStartTlsToAServerWithoutItIsTemporaryAndSendsNothing() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.plain()) {
            Result result = deliver(target(server, SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_LOCALHOST));

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
            assertThat(result.reply()).isEqualTo("TLS required but " + server.uri() + " offered no STARTTLS");
            assertThat(result.temporarilyRefused()).containsExactly("bob@example.org");
            assertThat(result.server()).isEqualTo(server.uri());
            assertThat(sawMail(server)).isFalse();
            assertThat(server.messages()).isEmpty();
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void requiredStartTlsWithAnUntrustedCertificateIsTemporaryWithTheReason() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST))) {
            Result result = deliver(target(server, SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_NOTHING_USED));

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
            assertThat(result.reply()).startsWith("TLS handshake with " + server.uri() + " failed: ")
                    .contains("PKIX path building failed");
            assertThat(result.note()).isNull();
            assertThat(sawMail(server)).isFalse();
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void requiredStartTlsWithTheCertificateTrustedDelivers() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST))) {
            Result result = deliver(target(server, SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_LOCALHOST));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(result.note()).isNull();
            assertOverTls(result, server);
            assertThat(server.messages().get(0).data()).isEqualTo(sent());
        }
    }

    @Test
    void hostnameVerificationRefusesACertificateForAnotherName() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.OTHER_NAME))) {
            Result result = deliver(
                    new SmtpTarget("127.0.0.1", server.port(), SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_OTHER_NAME,
                            true, null,
                            null));

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
            assertThat(result.reply()).startsWith("TLS handshake with " + server.uri() + " failed: ")
                    .contains("127.0.0.1");
            assertThat(sawMail(server)).isFalse();
        }
    }

    @Test
    void withoutHostnameVerificationACertificateForAnotherNameIsAccepted() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.OTHER_NAME))) {
            Result result = deliver(
                    new SmtpTarget("127.0.0.1", server.port(), SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_OTHER_NAME,
                            false,
                            null, null));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertOverTls(result, server);
        }
    }

    @Test
    void withoutHostnameVerificationTheCertificateMustStillBeTrusted() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.OTHER_NAME))) {
            Result result = deliver(
                    new SmtpTarget("127.0.0.1", server.port(), SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_NOTHING_USED,
                            false,
                            null, null));

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
            assertThat(result.reply()).contains("PKIX path building failed");
            assertThat(sawMail(server)).isFalse();
        }
    }

    @Test
    void smtpsToAnImplicitTlsServerDeliversOverTls() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.implicitTls(TestTls.server(TestTls.LOCALHOST))) {
            Result result = deliver(target(server, SmtpEncryption.IMPLICIT_TLS, TRUSTS_LOCALHOST));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(result.server()).isEqualTo("smtps://127.0.0.1:" + server.port());
            assertThat(result.note()).isNull();
            assertOverTls(result, server);
            assertThat(server.messages().get(0).data()).isEqualTo(sent());
            assertThat(server.commands()).noneMatch(c -> c.equalsIgnoreCase("STARTTLS"));
            // the connection that carried the text is the TLS one, kept for the next message
            assertThat(agent.idleConnectionList()).singleElement()
                    .satisfies(c -> assertThat(c.tls().getProtocol()).isEqualTo(result.tlsProtocol()));
        }
    }

    @Test
    void smtpsWithAnUntrustedCertificateIsTemporaryWithTheReason() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.implicitTls(TestTls.server(TestTls.LOCALHOST))) {
            Result result = deliver(target(server, SmtpEncryption.IMPLICIT_TLS, TRUSTS_NOTHING_USED));

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
            assertThat(result.reply()).startsWith("TLS handshake with smtps://127.0.0.1:" + server.port() + " failed: ")
                    .contains("PKIX path building failed");
            assertThat(server.commands()).isEmpty();
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void smtpsToAServerThatDoesNotSpeakTlsIsTemporary() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.plain()) {
            Result result = deliver(
                    new SmtpTarget("127.0.0.1", server.port(), SmtpEncryption.IMPLICIT_TLS, TRUSTS_LOCALHOST, true,
                            null, null));

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
            assertThat(result.reply()).startsWith("TLS handshake with smtps://127.0.0.1:" + server.port()
                    + " failed: ");
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void theSocketFactoryDecidesTheProtocolVersion() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST))) {
            Result result = deliver(target(server, SmtpEncryption.STARTTLS_REQUIRED,
                    TestTls.trusting("TLSv1.2", TestTls.LOCALHOST)));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(result.tlsProtocol()).isEqualTo("TLSv1.2");
            assertOverTls(result, server);
        }
    }

    @Test
    void concurrentDeliveriesEachRecordTheirOwnConnection() throws Exception {
        try (TlsSmtpServer tls12 = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST, "TLSv1.2"));
                TlsSmtpServer tls13 = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST, "TLSv1.3"))) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Result>> to12 = new ArrayList<>();
                List<Future<Result>> to13 = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    to12.add(pool
                            .submit(() -> deliver(target(tls12, SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_LOCALHOST))));
                    to13.add(pool
                            .submit(() -> deliver(target(tls13, SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_LOCALHOST))));
                }
                for (Future<Result> result : to12) {
                    assertThat(result.get().outcome()).isEqualTo(Outcome.DELIVERED);
                    assertThat(result.get().tlsProtocol()).isEqualTo("TLSv1.2");
                }
                for (Future<Result> result : to13) {
                    assertThat(result.get().outcome()).isEqualTo(Outcome.DELIVERED);
                    assertThat(result.get().tlsProtocol()).isEqualTo("TLSv1.3");
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(tls12.messages()).hasSize(6);
            assertThat(tls13.messages()).hasSize(6);
        }
    }

    @Test
    void oneConnectionPerConfigurationNotPerMessage() throws IOException {
        try (TlsSmtpServer tls = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST));
                TlsSmtpServer plain = TlsSmtpServer.plain()) {
            for (int i = 0; i < 3; i++) {
                assertThat(deliver(target(tls, SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_LOCALHOST)).outcome())
                        .isEqualTo(Outcome.DELIVERED);
                assertThat(deliver(target(plain, SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_LOCALHOST)).outcome())
                        .isEqualTo(Outcome.TEMPORARY);
            }
            assertThat(tls.connections()).isEqualTo(1);
            assertThat(plain.connections()).isEqualTo(3);
            assertThat(agent.idleConnections()).isEqualTo(1);

            // another configuration of the same server never takes the kept connection, made with other trust:
            // optional STARTTLS whose handshake fails, then clear text, each on a connection of its own
            deliver(target(tls, SmtpEncryption.STARTTLS_OPTIONAL, TRUSTS_NOTHING_USED));
            assertThat(tls.connections()).isEqualTo(3);
            assertThat(agent.idleConnections()).isEqualTo(2);
        }
    }

    @Test
    void credentialsGoOverTlsAndNeverIntoTheResult() throws IOException {
        char[] password = "s3cret-Pa55".toCharArray();
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST)).offerAuth()) {
            SmtpTarget target = new SmtpTarget("127.0.0.1", server.port(), SmtpEncryption.STARTTLS_REQUIRED,
                    TRUSTS_LOCALHOST,
                    true, "relay-user", password);
            Result result = deliver(target);

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(server.logins()).containsExactly(new TlsSmtpServer.Login("relay-user", "s3cret-Pa55", true));
            assertThat(result.toString()).doesNotContain("s3cret");
            assertThat(target.toString()).doesNotContain("s3cret").contains("relay-user");
        }
    }

    @Test
    void requiredStartTlsNeverSendsCredentialsInClearText() throws IOException {
        try (TlsSmtpServer server = TlsSmtpServer.plain().offerAuth()) {
            Result result = deliver(new SmtpTarget("127.0.0.1", server.port(), SmtpEncryption.STARTTLS_REQUIRED,
                    TRUSTS_LOCALHOST, true, "relay-user", "s3cret-Pa55".toCharArray()));

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
            assertThat(server.logins()).isEmpty();
            assertThat(server.commands()).noneMatch(c -> c.toUpperCase().startsWith("AUTH"));
        }
    }

    @Test
    void aServerWithCredentialsIsGivenThemOnlyOverVerifiedTlsWhateverItsEncryptionSays() throws IOException {
        for (String stored : List.of("NONE", "STARTTLS_OPTIONAL")) {
            SmtpEncryption mode = SmtpTarget.encryption(false, stored, true);
            assertThat(mode).as(stored).isEqualTo(SmtpEncryption.STARTTLS_REQUIRED);
            try (TlsSmtpServer plain = TlsSmtpServer.plain().offerAuth();
                    TlsSmtpServer untrusted = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST))
                            .offerAuth()) {
                Result noTls = deliver(new SmtpTarget("127.0.0.1", plain.port(), mode, TRUSTS_LOCALHOST, true,
                        "relay-user", "s3cret-Pa55".toCharArray()));
                Result unverified = deliver(new SmtpTarget("127.0.0.1", untrusted.port(), mode, TRUSTS_NOTHING_USED,
                        true, "relay-user", "s3cret-Pa55".toCharArray()));

                assertThat(noTls.outcome()).isEqualTo(Outcome.TEMPORARY);
                assertThat(noTls.reply()).contains("STARTTLS");
                assertThat(unverified.outcome()).isEqualTo(Outcome.TEMPORARY);
                assertThat(unverified.reply()).contains("PKIX path building failed");
                for (TlsSmtpServer server : List.of(plain, untrusted)) {
                    assertThat(server.logins()).isEmpty();
                    assertThat(server.commands()).noneMatch(c -> c.toUpperCase().startsWith("AUTH"))
                            .noneMatch(c -> c.toUpperCase().startsWith("MAIL"));
                }
            }
        }
        assertThat(SmtpTarget.encryption(false, "NONE", false)).isEqualTo(SmtpEncryption.NONE);
        assertThat(SmtpTarget.encryption(false, "STARTTLS_OPTIONAL", false))
                .isEqualTo(SmtpEncryption.STARTTLS_OPTIONAL);
        assertThat(SmtpTarget.encryption(true, null, true)).isEqualTo(SmtpEncryption.IMPLICIT_TLS);
    }

    @Test
    void unreachableFirstServerFailsOverToTheNext() throws IOException {
        int closedPort = closedPort();
        try (TlsSmtpServer second = TlsSmtpServer.plain()) {
            Result result = deliver(
                    new SmtpTarget("127.0.0.1", closedPort, SmtpEncryption.NONE, null, false, null, null),
                    target(second, SmtpEncryption.NONE, null));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(result.server()).isEqualTo(second.uri());
            assertThat(second.messages()).hasSize(1);
        }
    }

    @Test
    void aTlsFailureFailsOverToTheNextServer() throws IOException {
        try (TlsSmtpServer first = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST));
                TlsSmtpServer second = TlsSmtpServer.implicitTls(TestTls.server(TestTls.LOCALHOST))) {
            Result result = deliver(target(first, SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_NOTHING_USED),
                    target(second, SmtpEncryption.IMPLICIT_TLS, TRUSTS_LOCALHOST));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(result.server()).isEqualTo(second.uri());
            assertThat(first.messages()).isEmpty();
            assertOverTls(result, second);
        }
    }

    @Test
    void aRefusedGreetingFailsOverToTheNextServer() throws IOException {
        try (TlsSmtpServer first = TlsSmtpServer.plain().greeting("421 4.3.2 too busy");
                TlsSmtpServer second = TlsSmtpServer.plain()) {
            Result result = deliver(target(first, SmtpEncryption.NONE, null),
                    target(second, SmtpEncryption.NONE, null));

            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(result.server()).isEqualTo(second.uri());
            assertThat(first.connections()).isEqualTo(1);
        }
    }

    @Test
    void whenNoServerCanBeReachedTheLastOneIsNamed() throws IOException {
        int closedPort = closedPort();
        try (TlsSmtpServer plain = TlsSmtpServer.plain()) {
            Result result = deliver(target(plain, SmtpEncryption.STARTTLS_REQUIRED, TRUSTS_LOCALHOST),
                    new SmtpTarget("127.0.0.1", closedPort, SmtpEncryption.NONE, null, false, null, null));

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
            assertThat(result.server()).isEqualTo("smtp://127.0.0.1:" + closedPort);
            assertThat(result.reply()).startsWith("connection to smtp://127.0.0.1:" + closedPort + " failed");
            assertThat(plain.connections()).isEqualTo(1);
        }
    }

    @Test
    void anAnswerToRcptIsFinalAndTheNextServerIsNeverContacted() throws IOException {
        try (TlsSmtpServer first = TlsSmtpServer.plain().refuse("bob@example.org", "550 5.1.1 no such user");
                TlsSmtpServer second = TlsSmtpServer.plain()) {
            Result result = deliver(target(first, SmtpEncryption.NONE, null),
                    target(second, SmtpEncryption.NONE, null));

            assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
            assertThat(result.server()).isEqualTo(first.uri());
            assertThat(result.reply()).startsWith("550").contains("5.1.1 no such user");
            assertThat(second.connections()).isZero();
        }
    }

    @Test
    void aTemporaryAnswerToRcptIsFinalToo() throws IOException {
        try (TlsSmtpServer first = TlsSmtpServer.plain().refuse("bob@example.org", "450 4.2.1 mailbox busy");
                TlsSmtpServer second = TlsSmtpServer.plain()) {
            Result result = deliver(target(first, SmtpEncryption.NONE, null),
                    target(second, SmtpEncryption.NONE, null));

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY);
            assertThat(result.server()).isEqualTo(first.uri());
            assertThat(second.connections()).isZero();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
