package io.moat.delivery.outbound;

import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Plain sockets as the delivery agent gets them, kept to look at. */
final class RecordingSockets extends PlainSockets {

    final List<Socket> made = new CopyOnWriteArrayList<>();

    @Override
    Socket newSocket() {
        Socket socket = super.newSocket();
        made.add(socket);
        return socket;
    }
}
