package io.moat.smtp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The listening port of one endpoint and the loop that accepts from it (ADR 0027): it binds the port, accepts on one
 * thread of the endpoint's own pool, and runs each connection's session on another; {@link #stopAccepting()} closes
 * the port. Nothing else binds, accepts or closes the port.
 *
 * <p>
 * At most {@code admitted} sessions run at once: beyond them the loop waits before accepting, and further clients
 * wait in the kernel's backlog (a matter of milliseconds: the admitted sessions over the endpoint's limit are turned
 * away with {@code 421} at once, see {@link SessionThreads#RESERVE}). A connection that a client reset before or
 * right after it was accepted is the session's to find out; a failed accept that is not the stop (the process is out
 * of file descriptors, say) is logged and tried again after a pause, so that the port is never left unserved.
 *
 * <p>
 * Connections are handed out as TCP sockets, for every TLS mode: the session layers implicit TLS itself, on its own
 * thread, and so knows the TCP socket under the layer (its write deadline closes that one).
 */
final class AcceptLoop {

    private static final Logger LOG = Logger.getLogger(AcceptLoop.class.getName());

    /** Connections the kernel completes and keeps for the loop while it does not accept: Java's default. */
    static final int BACKLOG = 50;

    /** How long {@link #stopAccepting()} waits for the loop to leave {@code accept()}. */
    private static final Duration ACCEPT_EXIT_WAIT = Duration.ofSeconds(2);

    /** The pause after a failed accept, so that a lasting failure (no file descriptors left) does not spin. */
    private static final Duration ACCEPT_FAILURE_PAUSE = Duration.ofSeconds(1);

    /** How often a loop waiting for a session to end (every admission taken) checks whether it should stop. */
    private static final Duration ADMISSION_POLL = Duration.ofMillis(100);

    private final String endpoint;
    private final ServerSocket port;
    private final ExecutorService threads;
    private final Semaphore admissions;
    private final Consumer<Socket> sessions;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean accepting;

    private AcceptLoop(String endpoint, ServerSocket port, ExecutorService threads, int admitted,
            Consumer<Socket> sessions) {
        this.endpoint = endpoint;
        this.port = port;
        this.threads = threads;
        this.admissions = new Semaphore(admitted);
        this.sessions = sessions;
    }

    /**
     * Binds {@code address} and starts accepting on one of {@code threads}; each connection's session runs on
     * another, {@code sessions} being its work.
     *
     * @param admitted how many sessions may run at once
     * @throws IOException the port cannot be bound (e.g. "Address already in use"); nothing is left open
     */
    static AcceptLoop start(String endpoint, InetSocketAddress address, int admitted, ExecutorService threads,
            Consumer<Socket> sessions) throws IOException {
        ServerSocket port = new ServerSocket();
        try {
            // a port whose former connections linger in TIME_WAIT can be bound again at once (Linux: the JDK's default)
            port.setReuseAddress(true);
            port.bind(address, BACKLOG);
            AcceptLoop loop = new AcceptLoop(endpoint, port, threads, admitted, sessions);
            threads.execute(loop::run);
            return loop;
        } catch (IOException | RuntimeException e) {
            port.close();
            throw e;
        }
    }

    /** The port bound (the one allocated when 0 was asked for). */
    int port() {
        return port.getLocalPort();
    }

    /** Whether the loop is inside the kernel's {@code accept()} now (or about to enter it). */
    boolean accepting() {
        return accepting;
    }

    private void run() {
        Thread thread = Thread.currentThread();
        String poolName = thread.getName();
        thread.setName("moat-smtp-accept-" + endpoint);
        try {
            while (admitted()) {
                Socket connection = accept();
                if (connection != null) {
                    handOver(connection);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the pool is shut down: stopped
        } finally {
            thread.setName(poolName);
            ended.countDown();
        }
    }

    /**
     * Waits for a session to be admitted; false when the loop stops meanwhile. Polled rather than interrupted, so that
     * the stop never interrupts a thread of the pool that has gone on to run a session.
     */
    private boolean admitted() throws InterruptedException {
        while (!stopping) {
            if (admissions.tryAcquire(ADMISSION_POLL.toNanos(), TimeUnit.NANOSECONDS)) {
                return true;
            }
        }
        return false;
    }

    /** The next connection; null when there is none (stopped, or failed and paused), its admission given back. */
    private Socket accept() throws InterruptedException {
        IOException failure;
        accepting = true;
        try {
            return port.accept();
        } catch (IOException e) {
            failure = e;
        } finally {
            synchronized (ended) {
                accepting = false;
                ended.notifyAll();
            }
        }
        admissions.release();
        if (!stopping) {
            LOG.log(Level.WARNING, "SMTP endpoint '" + endpoint + "': accepting a connection failed; trying again in "
                    + ACCEPT_FAILURE_PAUSE.toMillis() + " ms", failure);
            TimeUnit.NANOSECONDS.sleep(ACCEPT_FAILURE_PAUSE.toNanos());
        }
        return null;
    }

    private void handOver(Socket connection) {
        try {
            threads.execute(() -> {
                try {
                    sessions.accept(connection);
                } finally {
                    admissions.release();
                }
            });
        } catch (RejectedExecutionException e) {
            // the pool is stopping, or (never seen: it is sized for every admission) full
            admissions.release();
            LOG.log(Level.FINE, "SMTP endpoint '" + endpoint + "': no thread for a connection; closing it", e);
            closeQuietly(connection);
        }
    }

    /**
     * Closes the port: new connections are refused from now on, also by the kernel (see below), and the loop ends.
     * Sessions under way are not touched.
     */
    void stopAccepting() {
        stopping = true;
        try {
            port.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "SMTP endpoint '" + endpoint + "': closing the port failed", e);
        }
        awaitAcceptLeft();
    }

    /**
     * Java's close() of a socket another thread is blocked accepting on only marks it and signals that thread: the
     * kernel keeps the port listening (and completes handshakes into its backlog) until the thread has left accept().
     * Waiting for that makes "refused from now on" true when stopAccepting() returns.
     */
    private void awaitAcceptLeft() {
        long deadline = System.nanoTime() + ACCEPT_EXIT_WAIT.toNanos();
        synchronized (ended) {
            while (accepting && ended.getCount() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warning(() -> "SMTP endpoint '" + endpoint + "': the accepting thread did not leave accept()"
                            + " within " + ACCEPT_EXIT_WAIT.toMillis() + " ms of the port's close");
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(ended, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Whether the loop has ended, waiting for it up to {@code timeout}. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void closeQuietly(Socket connection) {
        try {
            connection.close();
        } catch (IOException e) {
            LOG.log(Level.FINEST, "closing a connection without a session failed", e);
        }
    }
}
