package io.moat.delivery.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.testkit.TestTls;
import io.moat.testkit.TlsSmtpServer;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/**
 * Which stream carries a message's text: ours, on the socket the connection runs on, only when our factories made
 * that socket; otherwise Angus's, which writes through whatever socket Angus made. Writing to the wrong one would
 * put the text in clear text under a TLS connection.
 */
class OutboundTransportTest {

    private static final SSLSocketFactory TRUSTS_LOCALHOST = TestTls.trusting(TestTls.LOCALHOST);
    private static final byte[] TEXT = "Subject: which stream\r\n\r\n.a dot\r\nlast line\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private static Properties props(String protocol) {
        return props(protocol, PlainSockets.NO_DELAY);
    }

    private static Properties props(String protocol, PlainSockets sockets) {
        Properties props = new Properties();
        props.setProperty("mail." + protocol + ".timeout", "20000");
        props.setProperty("mail." + protocol + ".connectiontimeout", "20000");
        props.put("mail." + protocol + ".socketFactory", sockets);
        props.setProperty("mail." + protocol + ".socketFactory.fallback", "false");
        return props;
    }

    /** Sends {@link #TEXT} and returns the transport, still connected. */
    private static OutboundTransport send(Properties props, boolean implicitTls, TlsSmtpServer server)
            throws MessagingException, IOException {
        Session session = Session.getInstance(props);
        OutboundTransport transport = new OutboundTransport(session, implicitTls, Duration.ofSeconds(20));
        transport.connect("127.0.0.1", server.port(), null, null);
        MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(TEXT));
        transport.sendMessage(message, new Address[]{new InternetAddress("bob@example.org")});
        return transport;
    }

    /** STARTTLS required, with {@code factory} for the TLS socket. */
    private static Properties startTls(SSLSocketFactory factory) {
        Properties props = props("smtp");
        props.setProperty("mail.smtp.starttls.enable", "true");
        props.setProperty("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.socketFactory", factory);
        return props;
    }

    private static void assertDeliveredOverTls(TlsSmtpServer server) {
        assertThat(server.messages()).singleElement().satisfies(m -> {
            assertThat(m.tlsProtocol()).isNotNull();
            assertThat(m.data()).isEqualTo(TEXT);
        });
    }

    @Test
    void inClearTextOurStreamWritesToThePlainSocketOurFactoryMade() throws Exception {
        try (TlsSmtpServer server = TlsSmtpServer.plain()) {
            OutboundTransport transport = send(props("smtp"), false, server);

            assertThat(transport.dataSocket()).isNotNull().isNotInstanceOf(SSLSocket.class);
            assertThat(server.messages()).singleElement().satisfies(m -> assertThat(m.data()).isEqualTo(TEXT));
            transport.close();
        }
    }

    @Test
    void afterStartTlsOurStreamWritesToTheTlsSocketOurFactoryMade() throws Exception {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST))) {
            Properties props = startTls(new OutboundSocketFactory(TRUSTS_LOCALHOST, false));
            OutboundTransport transport = send(props, false, server);

            assertThat(transport.dataSocket()).isInstanceOf(SSLSocket.class);
            assertDeliveredOverTls(server);
            transport.close();
        }
    }

    @Test
    void whenAnotherFactoryMadeTheStartTlsSocketAngusStreamIsUsed() throws Exception {
        try (TlsSmtpServer server = TlsSmtpServer.startTls(TestTls.server(TestTls.LOCALHOST))) {
            Properties props = startTls(TRUSTS_LOCALHOST); // not ours: its socket is not seen
            OutboundTransport transport = send(props, false, server);

            assertThat(transport.dataSocket()).isNull();
            assertDeliveredOverTls(server);
            transport.close();
        }
    }

    @Test
    void withImplicitTlsOverAPlainSocketOfOursAngusStreamIsUsed() throws Exception {
        try (TlsSmtpServer server = TlsSmtpServer.implicitTls(TestTls.server(TestTls.LOCALHOST))) {
            // no TLS factory of ours: Angus puts TLS of its own over the plain socket our factory made
            RecordingSockets sockets = new RecordingSockets();
            Properties props = props("smtps", sockets);
            props.setProperty("mail.smtps.ssl.trust", "*");
            props.setProperty("mail.smtps.ssl.checkserveridentity", "false");
            OutboundTransport transport = send(props, true, server);

            assertThat(sockets.made).hasSize(1);
            assertThat(transport.dataSocket()).isNull();
            assertDeliveredOverTls(server);
            transport.close();
        }
    }
}
