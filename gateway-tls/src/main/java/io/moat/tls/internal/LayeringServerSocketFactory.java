package io.moat.tls.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Supplier;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;

/**
 * Server sockets that accept plain TCP connections and hand each one out layered with TLS, by a function asked at
 * every accept: so that each connection gets the TLS settings and certificate current at that moment, which an
 * {@code SSLServerSocket} (configured once, when created) would not give. The sockets are plain
 * {@link ServerSocket}s whose {@link ServerSocket#accept()} returns {@link SSLSocket}s in server mode, handshake not
 * yet started.
 */
public final class LayeringServerSocketFactory extends SSLServerSocketFactory {

    /** Layers TLS over an accepted plain socket. */
    @FunctionalInterface
    public interface Layer {
        SSLSocket over(Socket plain) throws IOException;
    }

    private final Layer layer;
    private final Supplier<String[]> defaultCipherSuites;
    private final Supplier<String[]> supportedCipherSuites;

    public LayeringServerSocketFactory(Layer layer, Supplier<String[]> defaultCipherSuites,
            Supplier<String[]> supportedCipherSuites) {
        this.layer = layer;
        this.defaultCipherSuites = defaultCipherSuites;
        this.supportedCipherSuites = supportedCipherSuites;
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
        return new LayeringServerSocket(layer);
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return createServerSocket(port, 50, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return createServerSocket(port, backlog, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
        ServerSocket socket = new LayeringServerSocket(layer);
        try {
            socket.bind(new InetSocketAddress(address, port), backlog);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return defaultCipherSuites.get();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return supportedCipherSuites.get();
    }

    private static final class LayeringServerSocket extends ServerSocket {

        private final Layer layer;

        LayeringServerSocket(Layer layer) throws IOException {
            this.layer = layer;
        }

        @Override
        public Socket accept() throws IOException {
            Socket plain = super.accept();
            try {
                return layer.over(plain);
            } catch (IOException | RuntimeException e) {
                plain.close();
                throw e;
            }
        }
    }
}
