package io.moat.smtp.internal;

import io.moat.tls.ServerTlsContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CountDownLatch;

/**
 * The listening socket subethasmtp accepts from, with two additions.
 *
 * <p>
 * For implicit TLS, each accepted connection is handed out layered with the endpoint's TLS context as it is at that
 * moment (as {@link ServerTlsContext#serverSocketFactory()} does), the handshake left to the session's thread; a
 * connection that cannot be layered is reported and closed here, never thrown to subethasmtp's accept loop (which
 * would log a stack trace and pause for a second).
 *
 * <p>
 * For a graceful stop, {@link #stopAccepting()} closes the port at once while subethasmtp's accept thread is kept
 * waiting in {@link #accept()} until subethasmtp itself closes this socket: subethasmtp 7.1.7 can only stop
 * everything at once, sessions included.
 */
final class ListenerServerSocket extends ServerSocket {

    /** Told about a connection that could not be layered with TLS. */
    @FunctionalInterface
    interface LayerFailure {
        void failed(Socket plain, Exception e);
    }

    private final ServerTlsContext implicitTls;
    private final LayerFailure layerFailure;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean notAccepting;

    /** @param implicitTls the context to layer every connection with, or null for a clear-text endpoint */
    ListenerServerSocket(ServerTlsContext implicitTls, LayerFailure layerFailure) throws IOException {
        this.implicitTls = implicitTls;
        this.layerFailure = layerFailure;
    }

    @Override
    public Socket accept() throws IOException {
        while (true) {
            Socket plain;
            try {
                plain = super.accept();
            } catch (IOException e) {
                if (notAccepting) {
                    awaitClose();
                    throw new SocketException("the SMTP listener has stopped accepting");
                }
                throw e;
            }
            if (implicitTls == null) {
                return plain;
            }
            try {
                return implicitTls.layer(plain, true);
            } catch (IOException | RuntimeException e) {
                layerFailure.failed(plain, e);
                try {
                    plain.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
        }
    }

    /** Closes the port: new connections are refused from now on; {@link #accept()} waits for {@link #close()}. */
    void stopAccepting() throws IOException {
        notAccepting = true;
        super.close();
    }

    @Override
    public void close() throws IOException {
        notAccepting = true;
        try {
            super.close();
        } finally {
            closed.countDown();
        }
    }

    private void awaitClose() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // subethasmtp interrupts its accept thread when it stops
        }
    }
}
