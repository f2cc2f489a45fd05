package io.moat.delivery.outbound;

import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.SocketFactory;

/** Plain sockets as the delivery agent's client gets them (unconnected: it connects them itself), kept to look at. */
final class RecordingSockets extends SocketFactory {

    final List<Socket> made = new CopyOnWriteArrayList<>();

    @Override
    public Socket createSocket() {
        Socket socket = new Socket();
        made.add(socket);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) {
        return unconnectedOnly();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        return unconnectedOnly();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
        return unconnectedOnly();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
        return unconnectedOnly();
    }

    private static Socket unconnectedOnly() {
        throw new UnsupportedOperationException("the client connects the sockets it asks for itself");
    }
}
