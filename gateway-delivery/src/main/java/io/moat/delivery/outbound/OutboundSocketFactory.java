package io.moat.delivery.outbound;

import io.moat.settings.profiles.DelegatingSocketFactory;
import io.moat.tls.OpportunisticTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The caller's {@link SSLSocketFactory}, unchanged, except that its sockets have Nagle's algorithm off (see
 * {@link PlainSockets}) and that it shows the TLS sockets it makes to the delivery that asked for them: Angus Mail
 * keeps its socket to itself, and we want to know what the connection that carried a message negotiated. One
 * factory serves every delivery made with a cached Jakarta Mail session, on many threads at once; each delivery
 * watches the sockets made on its own thread with a {@link Recording}.
 */
final class OutboundSocketFactory extends DelegatingSocketFactory {

    private static final Logger LOG = Logger.getLogger(OutboundSocketFactory.class.getName());
    /** What {@link SSLSocket#getSession()} reports when no handshake completed. */
    private static final String NO_CIPHER_SUITE = "SSL_NULL_WITH_NULL_NULL";

    /**
     * The protocol version and cipher suite a TLS connection negotiated, and, for opportunistic TLS, why the server's
     * certificate did not verify ({@code null} when it did, and always for a verifying factory, whose handshakes
     * fail instead).
     */
    record TlsFacts(String protocol, String cipherSuite, String unverified) {
    }

    private final ThreadLocal<Recording> recordings = new ThreadLocal<>();
    private final boolean opportunistic;

    /**
     * @param opportunistic whether {@code delegate}'s context trusts through an {@link OpportunisticTrustManager}
     *            (optional STARTTLS): the facts then say whether each connection's server verified
     */
    OutboundSocketFactory(SSLSocketFactory delegate, boolean opportunistic) {
        super(delegate);
        this.opportunistic = opportunistic;
    }

    /** From now until the recording is closed, TLS sockets this thread makes go to it. */
    Recording record() {
        Recording recording = new Recording();
        recordings.set(recording);
        return recording;
    }

    /** The TLS socket made last on one thread while it was recording. */
    final class Recording implements AutoCloseable {

        private SSLSocket socket;

        private Recording() {
        }

        /**
         * What the recorded socket negotiated, or {@code null} if there is none or its handshake did not complete.
         * Call while the connection is open (or after it failed): on an open socket whose handshake has not started
         * it would start one.
         */
        TlsFacts facts() {
            if (socket == null) {
                return null;
            }
            SSLSession session = socket.getSession();
            if (NO_CIPHER_SUITE.equals(session.getCipherSuite())) {
                return null;
            }
            String unverified = opportunistic ? OpportunisticTrustManager.unverified(session).orElse(null) : null;
            return new TlsFacts(session.getProtocol(), session.getCipherSuite(), unverified);
        }

        /** Whether a TLS socket was made and its handshake did not complete; closes that socket. */
        boolean handshakeFailed() {
            if (socket == null) {
                return false;
            }
            try {
                socket.close(); // normally closed already; an open one would start a handshake in getSession()
            } catch (IOException e) {
                LOG.log(Level.FINE, "cannot close a TLS socket after a failed connection", e);
            }
            return facts() == null;
        }

        @Override
        public void close() {
            if (recordings.get() == this) {
                recordings.remove();
            }
        }
    }

    /** TLS over {@code plain}, which the delivery on this thread learns of (to cut off a write that hangs). */
    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        OutboundTransport.tlsLayeredOver(plain);
        return super.createSocket(plain, host, port, autoClose);
    }

    @Override
    protected Socket configure(Socket socket) throws SocketException {
        PlainSockets.noDelay(socket);
        OutboundTransport.socketMade(socket);
        Recording recording = recordings.get();
        if (recording != null && socket instanceof SSLSocket tls) {
            recording.socket = tls;
        }
        return socket;
    }
}
