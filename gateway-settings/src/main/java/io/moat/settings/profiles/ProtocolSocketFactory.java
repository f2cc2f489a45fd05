package io.moat.settings.profiles;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Client TLS sockets with a server's chosen protocol versions (the JVM's defaults when none are chosen) and the
 * cipher suites given, e.g. {@code TlsSettings.FORWARD_SECRET_AEAD} (ADR 0022).
 */
public final class ProtocolSocketFactory extends SSLSocketFactory {

    private final SSLSocketFactory delegate;
    private final String[] protocols;
    private final String[] cipherSuites;

    /** @param cipherSuites at least one, each supported by this Java runtime */
    public ProtocolSocketFactory(SSLSocketFactory delegate, List<String> protocols, List<String> cipherSuites) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        if (cipherSuites.isEmpty()) {
            throw new IllegalArgumentException("no cipher suite for outbound TLS");
        }
        this.protocols = protocols.isEmpty() ? null : protocols.toArray(String[]::new);
        this.cipherSuites = cipherSuites.toArray(String[]::new);
    }

    /** Each socket the delegate makes gets the versions and suites before it is used. */
    private Socket configure(Socket socket) {
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

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public String toString() {
        return "ProtocolSocketFactory[" + delegate + "]";
    }

    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        return configure(delegate.createSocket(plain, host, port, autoClose));
    }

    @Override
    public Socket createSocket(Socket plain, InputStream consumed, boolean autoClose) throws IOException {
        return configure(delegate.createSocket(plain, consumed, autoClose));
    }

    @Override
    public Socket createSocket() throws IOException {
        return configure(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
        return configure(delegate.createSocket(host, port, localAddress, localPort));
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return configure(delegate.createSocket(address, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return configure(delegate.createSocket(address, port, localAddress, localPort));
    }

}
