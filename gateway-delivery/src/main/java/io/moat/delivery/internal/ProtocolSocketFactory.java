package io.moat.delivery.internal;

import java.net.Socket;
import java.util.List;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** Client TLS sockets with a server's chosen protocol versions enabled (the JVM's defaults otherwise). */
public final class ProtocolSocketFactory extends DelegatingSocketFactory {

    private final String[] protocols;

    public ProtocolSocketFactory(SSLSocketFactory delegate, List<String> protocols) {
        super(delegate);
        this.protocols = protocols.isEmpty() ? null : protocols.toArray(String[]::new);
    }

    @Override
    Socket configure(Socket socket) {
        if (protocols != null && socket instanceof SSLSocket ssl) {
            ssl.setEnabledProtocols(protocols);
        }
        return socket;
    }
}
