package io.moat.core.internal;

import java.io.IOException;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Deadlines for blocking writes, which a socket cannot time out by itself: a server that stops reading an upload
 * would hold the writing thread until the connection breaks, which may be never. A caller watches its socket for
 * as long as it writes; a daemon thread looks at the watched sockets a few times a second and closes those whose
 * deadline has passed, which makes the blocked write fail.
 *
 * <p>Watching costs a caller two operations on a concurrent set, with no hand-off between threads (a scheduled task
 * per write would wake the timer thread whenever one is cancelled). The thread runs only while something is
 * watched, and ends after a few idle seconds, so that an undeployed application leaves no thread behind.
 */
final class WriteDeadlines {

    static final WriteDeadlines SHARED = new WriteDeadlines(TimeUnit.MILLISECONDS.toNanos(200));

    private static final Logger LOG = Logger.getLogger(WriteDeadlines.class.getName());
    /** How many empty looks at the watched sockets before the thread ends. */
    private static final int IDLE_ROUNDS = 25;

    private final long periodNanos;
    private final Set<Watch> watched = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private Thread looking;

    WriteDeadlines(long periodNanos) {
        this.periodNanos = periodNanos;
    }

    /**
     * Watches {@code socket} until the watch is closed: if it is still open at {@code deadline}
     * ({@link System#nanoTime()}), the socket is closed. Close the socket under a TLS layer, not the layer: closing
     * a TLS socket from another thread waits for the write under way to send its alert.
     */
    Watch watch(Socket socket, long deadline) {
        Watch w = new Watch(socket, deadline);
        watched.add(w);
        synchronized (lock) {
            if (looking == null) {
                looking = new Thread(this::look, "moat-write-deadlines");
                looking.setDaemon(true);
                looking.start();
            }
        }
        return w;
    }

    private void look() {
        int idle = 0;
        while (true) {
            try {
                TimeUnit.NANOSECONDS.sleep(periodNanos);
            } catch (InterruptedException e) {
                // nobody interrupts this thread but to stop it; the next watch starts another
                synchronized (lock) {
                    looking = null;
                }
                return;
            }
            long now = System.nanoTime();
            for (Watch w : watched) {
                if (now - w.deadline >= 0) {
                    w.fire();
                }
            }
            idle = watched.isEmpty() ? idle + 1 : 0;
            if (idle >= IDLE_ROUNDS) {
                synchronized (lock) {
                    if (watched.isEmpty()) { // a watch added after this look starts a thread of its own
                        looking = null;
                        return;
                    }
                }
                idle = 0;
            }
        }
    }

    /** How many sockets are watched now; for tests. */
    int watched() {
        return watched.size();
    }

    /** One socket watched while its caller writes. */
    final class Watch implements AutoCloseable {

        private final Socket socket;
        private final long deadline;
        private volatile boolean fired;

        private Watch(Socket socket, long deadline) {
            this.socket = socket;
            this.deadline = deadline;
        }

        /** Whether the deadline passed and the socket was closed: a failed write then means "too slow". */
        boolean fired() {
            return fired;
        }

        private void fire() {
            if (!watched.remove(this)) {
                return; // the write ended meanwhile
            }
            fired = true;
            LOG.fine(() -> "closing the connection to " + socket.getRemoteSocketAddress()
                    + ": the server did not take the request before the deadline");
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed is what it is meant to be
            }
        }

        /** The write ended: the socket is no longer watched. */
        @Override
        public void close() {
            watched.remove(this);
        }
    }
}
