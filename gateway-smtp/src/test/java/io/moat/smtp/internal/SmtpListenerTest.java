package io.moat.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.smtp.api.SmtpClientInfo;
import io.moat.smtp.api.SmtpEnvelope;
import io.moat.smtp.api.SmtpMessageListener;
import io.moat.smtp.api.SmtpReply;
import io.moat.tls.DigitalId;
import io.moat.tls.KeyStores;
import io.moat.tls.SelfSigned;
import io.moat.tls.ServerTlsContext;
import io.moat.tls.TlsSettings;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scripted SMTP conversations on 127.0.0.1 port 0 against the listener with a fake container. */
class SmtpListenerTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final FakeEndpointFactory factory = new FakeEndpointFactory();
    private SmtpListener listener;

    @BeforeEach
    void start() throws ResourceException {
        ListenerConfig config = new ListenerConfig("test", "127.0.0.1", 0, "mx.test", 1000, 3, 10, 30);
        listener = new SmtpListener(config, factory, new ThreadWorkManager(threads));
        listener.start();
    }

    @AfterEach
    void stop() {
        listener.stop();
        threads.shutdownNow();
    }

    @Test
    void answers250OnlyAfterTheTransactionCommitted() throws IOException {
        try (Client client = new Client(listener.port())) {
            client.expect("220");
            client.send("EHLO client.test").expectLast("250");
            client.send("MAIL FROM:<alice@sender.test>").expect("250");
            client.send("RCPT TO:<bob@example.com>").expect("250");
            client.send("DATA").expect("354");
            String reply = client.send("Subject: hi\r\n\r\n..dot line\r\nbody\r\n.").readLine();

            assertThat(reply).startsWith("250 2.0.0 Ok: queued as q-1");
            assertThat(factory.calls).containsExactly("checkRecipient", "release", "before", "deliver", "after",
                    "release");
            SmtpEnvelope envelope = factory.envelopes.get(0);
            assertThat(envelope.mailFrom()).isEqualTo("alice@sender.test");
            assertThat(envelope.recipients()).containsExactly("bob@example.com");
            assertThat(envelope.client().remoteAddress()).isEqualTo("127.0.0.1");
            assertThat(envelope.client().helo()).isEqualTo("client.test");
            assertThat(factory.contents.get(0)).isEqualTo("Subject: hi\r\n\r\n.dot line\r\nbody\r\n");
        }
    }

    @Test
    void starttlsPresentsTheApplicationsCertificateAndTheMessageRecordsTheTlsFacts() throws Exception {
        DigitalId id = SelfSigned.generate("mx.test", Instant.now(), Duration.ofDays(1));
        factory.tls = new ServerTlsContext(id, TlsSettings.defaults());
        try (Client client = new Client(listener.port())) {
            client.expect("220");
            assertThat(client.send("EHLO client.test").readUntilLast()).contains("250-STARTTLS");
            client.send("STARTTLS").expect("220");
            SSLSocket tls = client.startTls(trusting(id));
            assertThat(tls.getSession().getPeerCertificates()[0]).isEqualTo(id.certificate());
            // RFC 3207 wants STARTTLS no longer advertised now; subethasmtp still does (issue #5's protocol work)
            client.send("EHLO client.test").expectLast("250");
            client.send("MAIL FROM:<alice@sender.test>").expect("250");
            client.send("RCPT TO:<bob@example.com>").expect("250");
            client.send("DATA").expect("354");
            client.send("Subject: secret\r\n\r\nbody\r\n.").expect("250");

            assertThat(factory.calls).contains("serverTls");
            SmtpClientInfo info = factory.envelopes.get(0).client();
            assertThat(info.tlsProtocol()).isEqualTo(tls.getSession().getProtocol());
            assertThat(info.tlsCipher()).isEqualTo(tls.getSession().getCipherSuite());
        }
    }

    @Test
    void withoutTlsTheMessageRecordsNoTlsFacts() throws IOException {
        try (Client client = new Client(listener.port())) {
            client.expect("220");
            client.send("EHLO client.test").expectLast("250");
            client.send("MAIL FROM:<alice@sender.test>").expect("250");
            client.send("RCPT TO:<bob@example.com>").expect("250");
            client.send("DATA").expect("354");
            client.send("Subject: plain\r\n\r\nbody\r\n.").expect("250");
            assertThat(factory.envelopes.get(0).client().tlsProtocol()).isNull();
            assertThat(factory.envelopes.get(0).client().tlsCipher()).isNull();
        }
    }

    private static SSLContext trusting(DigitalId id) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStores.trustStore(List.of(id.certificate())));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    @Test
    void failedCommitIsATemporaryFailureNeverA250() throws IOException {
        factory.failCommit = true;
        try (Client client = new Client(listener.port())) {
            client.expect("220");
            client.send("HELO client.test").expect("250");
            client.send("MAIL FROM:<alice@sender.test>").expect("250");
            client.send("RCPT TO:<bob@example.com>").expect("250");
            client.send("DATA").expect("354");
            assertThat(client.send("Subject: x\r\n\r\nbody\r\n.").readLine()).startsWith("451 4.3.0");
            // the session is still in step: the next command gets its own answer
            assertThat(client.send("NOOP").readLine()).startsWith("250");
        }
    }

    @Test
    void relayRefusalFromTheListenerIsSentAsItsReply() throws IOException {
        factory.recipientReply = new SmtpReply(550, "5.7.1", "Relaying denied");
        try (Client client = new Client(listener.port())) {
            client.expect("220");
            client.send("HELO client.test").expect("250");
            client.send("MAIL FROM:<alice@sender.test>").expect("250");
            assertThat(client.send("RCPT TO:<eve@elsewhere.test>").readLine())
                    .isEqualTo("550 5.7.1 Relaying denied");
        }
        assertThat(factory.calls).doesNotContain("deliver");
    }

    @Test
    void oversizedMessageGets552AndTheRestOfDataIsNotTakenForCommands() throws IOException {
        try (Client client = new Client(listener.port())) {
            client.expect("220");
            client.send("HELO client.test").expect("250");
            client.send("MAIL FROM:<alice@sender.test>").expect("250");
            client.send("RCPT TO:<bob@example.com>").expect("250");
            client.send("DATA").expect("354");
            StringBuilder big = new StringBuilder("Subject: big\r\n\r\n");
            for (int i = 0; i < 100; i++) {
                big.append("QUIT this line must not be read as a command\r\n");
            }
            assertThat(client.send(big + ".").readLine()).startsWith("552 5.3.4");
            assertThat(client.send("NOOP").readLine()).startsWith("250");
        }
        assertThat(factory.calls).contains("after", "release");
    }

    @Test
    void tooManyRecipientsIsRefused() throws IOException {
        try (Client client = new Client(listener.port())) {
            client.expect("220");
            client.send("HELO client.test").expect("250");
            client.send("MAIL FROM:<alice@sender.test>").expect("250");
            for (int i = 0; i < 3; i++) {
                client.send("RCPT TO:<u" + i + "@example.com>").expect("250");
            }
            assertThat(client.send("RCPT TO:<u4@example.com>").readLine()).startsWith("452");
        }
    }

    /** A line-oriented SMTP client over a plain socket. */
    private static final class Client implements AutoCloseable {
        private Socket socket;
        private BufferedReader in;
        private OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = socket.getOutputStream();
        }

        Client send(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return this;
        }

        String readLine() throws IOException {
            return in.readLine();
        }

        void expect(String code) throws IOException {
            String line = readLine();
            assertThat(line).startsWith(code);
        }

        /** Reads a multi-line reply whole. */
        String readUntilLast() throws IOException {
            StringBuilder reply = new StringBuilder();
            String line = readLine();
            while (line != null && line.length() > 3 && line.charAt(3) == '-') {
                reply.append(line).append('\n');
                line = readLine();
            }
            return reply.append(line).toString();
        }

        /** After the server's 220 to STARTTLS: the TLS handshake over the same connection. */
        SSLSocket startTls(SSLContext context) throws IOException {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(),
                    true);
            tls.setUseClientMode(true);
            tls.startHandshake();
            socket = tls;
            in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
            out = tls.getOutputStream();
            return tls;
        }

        /** Reads a multi-line reply and checks its last line. */
        void expectLast(String code) throws IOException {
            String line = readLine();
            while (line != null && line.length() > 3 && line.charAt(3) == '-') {
                line = readLine();
            }
            assertThat(line).startsWith(code);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Runs work on plain threads, as WildFly's work manager runs it on its pool. */
    private record ThreadWorkManager(ExecutorService threads) implements WorkManager {
        @Override
        public void doWork(Work work) {
            work.run();
        }

        @Override
        public void doWork(Work work, long timeout, ExecutionContext context, WorkListener listener) {
            work.run();
        }

        @Override
        public long startWork(Work work) {
            threads.execute(work);
            return 0;
        }

        @Override
        public long startWork(Work work, long timeout, ExecutionContext context, WorkListener listener) {
            return startWork(work);
        }

        @Override
        public void scheduleWork(Work work) {
            threads.execute(work);
        }

        @Override
        public void scheduleWork(Work work, long timeout, ExecutionContext context, WorkListener listener) {
            scheduleWork(work);
        }
    }

    /** Records the container protocol: create, before, call, after, release. */
    private static final class FakeEndpointFactory implements MessageEndpointFactory {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<SmtpEnvelope> envelopes = new CopyOnWriteArrayList<>();
        final List<String> contents = new CopyOnWriteArrayList<>();
        volatile SmtpReply recipientReply;
        volatile boolean failCommit;
        volatile ServerTlsContext tls;

        @Override
        public MessageEndpoint createEndpoint(XAResource resource) {
            return new Endpoint();
        }

        @Override
        public MessageEndpoint createEndpoint(XAResource resource, long timeout) throws UnavailableException {
            return new Endpoint();
        }

        @Override
        public boolean isDeliveryTransacted(Method method) {
            return method.getName().equals("deliver");
        }

        @Override
        public String getActivationName() {
            return "test";
        }

        @Override
        public Class<?> getEndpointClass() {
            return Endpoint.class;
        }

        private final class Endpoint implements MessageEndpoint, SmtpMessageListener {
            @Override
            public SmtpReply checkRecipient(SmtpClientInfo client, String recipient) {
                calls.add("checkRecipient");
                return recipientReply;
            }

            @Override
            public String deliver(SmtpEnvelope envelope, InputStream content) throws IOException {
                calls.add("deliver");
                String text = new String(content.readAllBytes(), StandardCharsets.US_ASCII);
                envelopes.add(envelope);
                contents.add(text);
                return "q-" + envelopes.size();
            }

            @Override
            public ServerTlsContext serverTls(String endpoint) {
                calls.add("serverTls");
                return tls;
            }

            @Override
            public void beforeDelivery(Method method) {
                calls.add("before");
            }

            @Override
            public void afterDelivery() throws ResourceException {
                calls.add("after");
                if (failCommit) {
                    throw new ResourceException("commit failed");
                }
            }

            @Override
            public void release() {
                calls.add("release");
            }
        }
    }
}
