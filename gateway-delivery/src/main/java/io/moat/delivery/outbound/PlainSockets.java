package io.moat.delivery.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets for outbound SMTP (and the plain start of STARTTLS), with Nagle's algorithm off. A message is
 * written in several segments; with Nagle on, the last, short one waits until the server acknowledges the ones
 * before, and a server that delays its acknowledgement (40 ms on Linux) stalls every message by that much.
 * Postfix turns Nagle off on its SMTP connections for the same reason.
 */
class PlainSockets extends SocketFactory {

    static final PlainSockets NO_DELAY = new PlainSockets();

    /** The socket as made, before it is set up; what {@link #createSocket()} builds on. */
    Socket newSocket() {
        return new Socket();
    }

    /** Every plain socket is made here; a transport connecting on this thread learns of it. */
    @Override
    public Socket createSocket() throws IOException {
        Socket socket = noDelay(newSocket());
        OutboundTransport.socketMade(socket);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localHost, localPort));
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localAddress, localPort));
        socket.connect(new InetSocketAddress(address, port));
        return socket;
    }

    /** Turns Nagle's algorithm off on {@code socket} (TLS sockets pass it on to the connection they run over). */
    static Socket noDelay(Socket socket) throws SocketException {
        socket.setTcpNoDelay(true);
        return socket;
    }
}
