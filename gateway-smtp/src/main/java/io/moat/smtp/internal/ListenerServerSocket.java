package io.moat.smtp.internal;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The listening socket subethasmtp accepts from, with a graceful stop: {@link #stopAccepting()} closes the port at
 * once while subethasmtp's accept thread is kept waiting in {@link #accept()} until subethasmtp itself closes this
 * socket: subethasmtp 7.1.7 can only stop everything at once, sessions included.
 *
 * <p>
 * Connections are handed out as TCP sockets, for every TLS mode: the session layers implicit TLS itself, on its own
 * thread, and so knows the TCP socket under the layer (its write deadline closes that one).
 */
final class ListenerServerSocket extends ServerSocket {

    private static final Duration ACCEPT_EXIT_WAIT = Duration.ofSeconds(2);

    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean notAccepting;
    private final AtomicInteger acceptsInProgress = new AtomicInteger();

    ListenerServerSocket() throws IOException {
        // unbound; subethasmtp binds it
    }

    @Override
    public Socket accept() throws IOException {
        try {
            return acceptPlain();
        } catch (IOException e) {
            if (notAccepting) {
                awaitClose();
                throw new SocketException("the SMTP listener has stopped accepting");
            }
            throw e;
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
