package io.moat.delivery.internal;

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

    /** The protocol version and cipher suite a TLS connection negotiated. */
    record TlsFacts(String protocol, String cipherSuite) {
    }

    private final ThreadLocal<Recording> recordings = new ThreadLocal<>();

    OutboundSocketFactory(SSLSocketFactory delegate) {
        super(delegate);
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
            return NO_CIPHER_SUITE.equals(session.getCipherSuite())
                    ? null
                    : new TlsFacts(session.getProtocol(), session.getCipherSuite());
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
    Socket configure(Socket socket) throws SocketException {
        PlainSockets.noDelay(socket);
        OutboundTransport.socketMade(socket);
        Recording recording = recordings.get();
        if (recording != null && socket instanceof SSLSocket tls) {
            recording.socket = tls;
        }
        return socket;
    }
}
