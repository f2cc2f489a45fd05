package io.moat.tls;

import io.moat.tls.internal.LayeringServerSocketFactory;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;

/**
 * The server side of TLS for one listener, whose certificate and settings can be changed while the listener runs:
 * the certificate comes from a {@link SwappableKeyManager}, and each connection is configured with the settings
 * current when it is layered or accepted. No client certificates are asked for.
 */
public final class ServerTlsContext {

    private final SwappableKeyManager keyManager;
    private volatile SSLContext context;
    private volatile TlsSettings settings;

    /** {@code settings} should be {@link TlsSettings#validated() validated}: unknown names fail each connection. */
    public ServerTlsContext(DigitalId id, TlsSettings settings) {
        this.keyManager = new SwappableKeyManager(id);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.context = newContext(keyManager);
    }

    /**
     * From the next handshake on, {@code id} is presented. Clients must not resume sessions made with the previous
     * ID, in which they would go on seeing the old certificate: the stateful ones are invalidated, and since the
     * JDK's stateless TLS 1.3 session tickets cannot be, connections made from now on get a new {@code SSLContext}
     * (new session cache, new ticket keys) around the same key manager.
     */
    public synchronized void swap(DigitalId id) {
        keyManager.swap(id);
        SSLContext previous = context;
        context = newContext(keyManager);
        SSLSessionContext sessions = previous.getServerSessionContext();
        for (byte[] sessionId : Collections.list(sessions.getIds())) {
            SSLSession session = sessions.getSession(sessionId);
            if (session != null) {
                session.invalidate();
            }
        }
    }

    /** From the next connection on, these settings apply. */
    public void settings(TlsSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public DigitalId digitalId() {
        return keyManager.current();
    }

    public TlsSettings settings() {
        return settings;
    }

    /**
     * The current context, for code that configures its sockets or engines with {@link #settings()} itself. Ask
     * again after a {@link #swap}: a context kept from before presents the new ID in full handshakes too, but still
     * resumes sessions made with the old one.
     */
    public SSLContext context() {
        return context;
    }

    /**
     * For STARTTLS: layers TLS over an accepted plain socket, in server mode, with the current protocols and cipher
     * suites. The handshake starts with the first read or write, or {@link SSLSocket#startHandshake()}.
     */
    public SSLSocket layer(Socket plain, boolean autoClose) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, null, autoClose);
        try {
            socket.setUseClientMode(false);
            SSLParameters parameters = socket.getSSLParameters();
            settings.applyTo(parameters);
            socket.setSSLParameters(parameters);
        } catch (RuntimeException e) {
            if (autoClose) {
                socket.close();
            }
            throw e;
        }
        return socket;
    }

    /**
     * For implicit TLS listeners: server sockets whose {@code accept()} returns an {@link SSLSocket} layered with
     * the certificate and settings current at that moment, as {@link #layer} does. They are plain
     * {@code ServerSocket}s, not {@code SSLServerSocket}s: that is what lets each connection see the latest settings.
     */
    public SSLServerSocketFactory serverSocketFactory() {
        return new LayeringServerSocketFactory(plain -> layer(plain, true), this::defaultCipherSuites,
                () -> context().getSupportedSSLParameters().getCipherSuites());
    }

    private static SSLContext newContext(SwappableKeyManager keyManager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[]{keyManager}, null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime offers no TLS", e);
        }
    }

    private String[] defaultCipherSuites() {
        SSLParameters parameters = context.getDefaultSSLParameters();
        settings.applyTo(parameters);
        return parameters.getCipherSuites();
    }
}
