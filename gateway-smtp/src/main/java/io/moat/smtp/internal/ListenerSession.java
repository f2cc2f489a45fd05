package io.moat.smtp.internal;

import io.moat.smtp.api.MessageTooLargeException;
import io.moat.smtp.api.SmtpClientInfo;
import io.moat.smtp.api.SmtpEnvelope;
import io.moat.smtp.api.SmtpReply;
import jakarta.resource.ResourceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

/**
 * The state of one mail transaction in one SMTP session (subethasmtp creates one per transaction). Relay control
 * at RCPT and the DATA hand-off both go to the MDB; every failure becomes an SMTP reply with an enhanced status,
 * never a dropped message.
 */
final class ListenerSession implements MessageHandler {

    private static final Logger LOG = Logger.getLogger(ListenerSession.class.getName());

    private final MessageContext context;
    private final ListenerConfig config;
    private final EndpointInvoker invoker;
    private final List<String> recipients = new ArrayList<>();
    private String mailFrom = "";

    ListenerSession(MessageContext context, ListenerConfig config, EndpointInvoker invoker) {
        this.context = context;
        this.config = config;
        this.invoker = invoker;
    }

    @Override
    public void from(String from) {
        this.mailFrom = from == null ? "" : from;
    }

    @Override
    public void recipient(String recipient) throws RejectException {
        SmtpReply rejection;
        try {
            rejection = invoker.checkRecipient(client(), recipient);
        } catch (ResourceException | RuntimeException e) {
            LOG.log(Level.WARNING, "recipient check failed for <" + recipient + "> from " + remoteAddress()
                    + "; answering 451", e);
            throw reject(new SmtpReply(451, "4.3.0", "Temporary failure, try again later"));
        }
        if (rejection != null) {
            LOG.info(() -> "rejected RCPT <" + recipient + "> from " + remoteAddress() + ": " + rejection.line());
            throw reject(rejection);
        }
        recipients.add(recipient);
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        SmtpEnvelope envelope = new SmtpEnvelope(client(), sessionId(), mailFrom, recipients, Instant.now());
        try {
            String queueId = invoker.deliver(envelope, new SizeLimitedInputStream(data, config.maxMessageSize()));
            return "2.0.0 Ok: queued as " + queueId;
        } catch (MessageTooLargeException e) {
            discardRest(data);
            throw reject(new SmtpReply(552, "5.3.4", "Message size exceeds fixed limit of " + e.limit() + " bytes"));
        } catch (IOException | ResourceException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not store message from <" + mailFrom + "> (" + remoteAddress()
                    + "); answering 451 so that the client retries", e);
            discardRest(data);
            throw reject(new SmtpReply(451, "4.3.0", "Message not stored, try again later"));
        }
    }

    @Override
    public void done() {
        // nothing held between transactions
    }

    /** Reads the rest of DATA so that the message's lines are never taken for commands. */
    private static void discardRest(InputStream data) throws IOException {
        data.transferTo(OutputStream.nullOutputStream());
    }

    private static RejectException reject(SmtpReply reply) {
        return new RejectException(reply.code(), reply.enhancedStatus() + " " + reply.text());
    }

    private SmtpClientInfo client() {
        SSLSession tls = tlsSession();
        return new SmtpClientInfo(config.endpointName(), remoteAddress(), context.getHelo().orElse(null),
                tls == null ? null : tls.getProtocol(), tls == null ? null : tls.getCipherSuite());
    }

    /** The TLS session after STARTTLS (subethasmtp's session context carries the socket), else null. */
    private SSLSession tlsSession() {
        if (context instanceof Session session && session.getSocket() instanceof SSLSocket ssl) {
            return ssl.getSession();
        }
        return null;
    }

    private String sessionId() {
        try {
            return context.getSessionId();
        } catch (UnsupportedOperationException e) {
            return Integer.toHexString(System.identityHashCode(context));
        }
    }

    private String remoteAddress() {
        SocketAddress address = context.getRemoteAddress();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
