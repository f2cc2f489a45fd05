package io.moat.settings.profiles;

import java.net.Socket;
import java.util.List;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Client TLS sockets with a server's chosen protocol versions (the JVM's defaults when none are chosen) and the
 * cipher suites given, e.g. {@code TlsSettings.FORWARD_SECRET_AEAD} (ADR 0022).
 */
public final class ProtocolSocketFactory extends DelegatingSocketFactory {

    private final String[] protocols;
    private final String[] cipherSuites;

    /** @param cipherSuites at least one, each supported by this Java runtime */
    public ProtocolSocketFactory(SSLSocketFactory delegate, List<String> protocols, List<String> cipherSuites) {
        super(delegate);
        if (cipherSuites.isEmpty()) {
            throw new IllegalArgumentException("no cipher suite for outbound TLS");
        }
        this.protocols = protocols.isEmpty() ? null : protocols.toArray(String[]::new);
        this.cipherSuites = cipherSuites.toArray(String[]::new);
    }

    @Override
    protected Socket configure(Socket socket) {
        if (socket instanceof SSLSocket ssl) {
            if (protocols != null) {
                ssl.setEnabledProtocols(protocols);
            }
            ssl.setEnabledCipherSuites(cipherSuites);
        }
        return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return cipherSuites.clone();
    }
}
