package io.moat.smtp.internal;

import io.moat.tls.ServerTlsContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

    private static final Duration ACCEPT_EXIT_WAIT = Duration.ofSeconds(2);

    private final ServerTlsContext implicitTls;
    private final LayerFailure layerFailure;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean notAccepting;
    private final AtomicInteger acceptsInProgress = new AtomicInteger();

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
                plain = acceptPlain();
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

    private Socket acceptPlain() throws IOException {
        acceptsInProgress.incrementAndGet();
        try {
            return super.accept();
        } finally {
            synchronized (acceptsInProgress) {
                acceptsInProgress.decrementAndGet();
                acceptsInProgress.notifyAll();
            }
        }
    }

    /** Threads inside the kernel's accept() now (or about to enter it). */
    int acceptsInProgress() {
        return acceptsInProgress.get();
    }

    /** Closes the port: new connections are refused from now on; {@link #accept()} waits for {@link #close()}. */
    void stopAccepting() throws IOException {
        notAccepting = true;
        super.close();
        awaitAcceptsLeft();
    }

    /**
     * Java's close() of a socket another thread is blocked accepting on only marks it and signals that thread: the
     * kernel keeps the port listening (and completes handshakes into its backlog) until the thread has left accept().
     * Waiting for that makes "refused from now on" true when stopAccepting() returns.
     */
    private void awaitAcceptsLeft() {
        long deadline = System.nanoTime() + ACCEPT_EXIT_WAIT.toNanos();
        synchronized (acceptsInProgress) {
            while (acceptsInProgress.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return; // a thread that is not woken by the close is not ours to wait for
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(acceptsInProgress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
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
