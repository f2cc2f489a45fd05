package io.moat.delivery.internal;

import io.moat.tls.WriteDeadlines;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP transport ({@code smtp}, or {@code smtps} for implicit TLS), telling afterwards how STARTTLS went:
 * whether the server offered it and why it failed. Angus reports both only as a {@link MessagingException} from
 * {@code connect}, indistinguishable from other connection failures.
 * <p>
 * The text of a message goes out through a {@link SmtpDataStream} of our own, written to the connection's socket
 * (Angus keeps its stream to itself; our socket factories show us the sockets they make while this transport
 * connects, see {@link #socketMade}). Where the socket the connection runs on is not known for sure, Angus's own
 * stream is used. Each write of the text must end within the write timeout, or the TCP socket under the connection
 * is closed ({@link WriteDeadlines}); Angus's commands are short and each waits for a reply, which is timed. One per
 * connection, used on one thread.
 */
final class OutboundTransport extends SMTPTransport {

    /** The transport that is connecting on this thread. */
    private static final ThreadLocal<OutboundTransport> CONNECTING = new ThreadLocal<>();

    private Boolean startTlsOffered;
    private MessagingException startTlsFailure;
    /** The socket the connection runs on, as our factories made it; {@code null} if unsure. */
    private Socket socket;
    /** The last socket our factories made while connecting, TLS or not. */
    private Socket lastMade;
    /** The TCP socket under {@link #socket} (the same one in clear text); {@code null} if unsure. */
    private Socket tcp;
    /** The last plain socket made, or put under TLS, while connecting. */
    private Socket lastTcp;
    /** How long each write of a message's text may take (the server must keep reading). */
    private final Duration writeTimeout;
    /** STARTTLS was begun: the socket was replaced. */
    private boolean tlsStarted;
    /** The stream for this connection's transactions, made with the first. */
    private SmtpDataStream dataStream;
    /** The stream the current transaction writes to, or {@code null} when it writes to Angus's own. */
    private SmtpDataStream sending;

    /**
     * @param implicitTls {@code smtps}: the session's properties are then read under {@code mail.smtps.*}
     * @param writeTimeout how long each write of a message's text may take before the connection is closed
     */
    OutboundTransport(Session session, boolean implicitTls, Duration writeTimeout) {
        super(session, null, implicitTls ? "smtps" : "smtp", implicitTls);
        this.writeTimeout = writeTimeout;
    }

    /**
     * Our socket factories call this for every socket they make: the last one made on a thread while a transport
     * connects there is, once a step of the connection is done, the one it runs on.
     */
    static void socketMade(Socket made) {
        OutboundTransport connecting = CONNECTING.get();
        if (connecting != null) {
            connecting.lastMade = made;
            if (!(made instanceof SSLSocket)) {
                connecting.lastTcp = made;
            }
        }
    }

    /**
     * Our TLS socket factory calls this with each socket it puts TLS over (Angus's own plain socket for implicit TLS,
     * ours for STARTTLS): the socket to close when a write must be cut off.
     */
    static void tlsLayeredOver(Socket plain) {
        OutboundTransport connecting = CONNECTING.get();
        if (connecting != null) {
            connecting.lastTcp = plain;
        }
    }

    /**
     * Connects, and keeps the socket our factories made for it: with implicit TLS it must be a TLS socket (Angus puts
     * TLS over a plain socket with the JDK's default factory when ours made none), after STARTTLS the TLS socket made
     * for it (see {@link #startTLS}), else a plain one.
     */
    @Override
    protected synchronized boolean protocolConnect(String host, int port, String user, String password)
            throws MessagingException {
        CONNECTING.set(this);
        socket = null;
        lastMade = null;
        tcp = null;
        lastTcp = null;
        tlsStarted = false;
        dataStream = null;
        try {
            boolean connected = super.protocolConnect(host, port, user, password);
            if (!tlsStarted && lastMade != null && isSSL() == lastMade instanceof SSLSocket) {
                socket = lastMade;
                tcp = lastTcp;
            }
            return connected;
        } finally {
            CONNECTING.remove();
            lastMade = null;
            lastTcp = null;
        }
    }

    @Override
    protected OutputStream data() throws MessagingException {
        OutputStream angus = super.data(); // DATA, answered 354; Angus's stream is empty (it flushes each command)
        sending = null;
        if (socket == null) {
            return angus;
        }
        try {
            if (dataStream == null) {
                // a write is not timed by the socket: a server that stops reading would hold this thread for ever.
                // Without the TCP socket, Angus's stream: closing a TLS layer under a blocked write would block the
                // thread that closes it
                if (tcp == null) {
                    return angus;
                }
                dataStream = new SmtpDataStream(WriteDeadlines.SHARED.timed(socket.getOutputStream(), tcp,
                        writeTimeout, "the server did not take the message's text in time (" + writeTimeout.toSeconds()
                                + " s a write)"));
            }
        } catch (IOException e) {
            return angus;
        }
        sending = dataStream.reset();
        return sending;
    }

    /** Sends the rest of the text; Angus then finds its own stream at the start of a line and sends the end. */
    @Override
    protected void finishData() throws IOException, MessagingException {
        if (sending != null) {
            sending.finish();
            sending = null;
        }
        super.finishData();
    }

    /** The socket our stream writes a message's text to, or {@code null} when Angus's stream does. */
    Socket dataSocket() {
        return socket;
    }

    /** The server answered this transaction's {@code MAIL FROM} with 250. */
    private boolean mailAccepted;

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
        mailAccepted = false;
        super.sendMessage(message, addresses);
    }

    @Override
    protected void mailFrom() throws MessagingException {
        super.mailFrom();
        mailAccepted = true;
    }

    /**
     * Whether the last {@link #sendMessage} got as far as an accepted {@code MAIL FROM}: before that, the server has
     * taken nothing of the transaction, and a failure says only that the connection is no longer usable.
     */
    boolean mailAccepted() {
        return mailAccepted;
    }

    /** Angus asks once, after EHLO, when STARTTLS is enabled and the connection is not TLS yet. */
    @Override
    public boolean supportsExtension(String extension) {
        boolean supported = super.supportsExtension(extension);
        if ("STARTTLS".equalsIgnoreCase(extension) && !isSSL()) {
            startTlsOffered = supported;
        }
        return supported;
    }

    /** On success the connection runs on the TLS socket our factory made meanwhile, or on one we do not know. */
    @Override
    protected void startTLS() throws MessagingException {
        tlsStarted = true;
        lastMade = null;
        try {
            super.startTLS();
            if (lastMade instanceof SSLSocket) {
                socket = lastMade;
                tcp = lastTcp;
            }
        } catch (MessagingException e) {
            startTlsFailure = e;
            throw e;
        }
    }

    /** {@code false} if the server's EHLO reply had no STARTTLS; {@code null} if that was not looked at. */
    Boolean startTlsOffered() {
        return startTlsOffered;
    }

    /** Why STARTTLS failed (refused, or the handshake or certificate check failed), or {@code null}. */
    MessagingException startTlsFailure() {
        return startTlsFailure;
    }
}
