package io.moat.tls;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
public final class WriteDeadlines {

    /** The one the gateway uses: a look every 200 ms. */
    public static final WriteDeadlines SHARED = new WriteDeadlines(TimeUnit.MILLISECONDS.toNanos(200));

    /** How many empty looks at the watched sockets before the thread ends. */
    private static final int IDLE_ROUNDS = 25;

    private final long periodNanos;
    private final Set<Watch> watched = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private Thread looking;

    /** With its own thread, looking every {@code periodNanos}; the gateway uses {@link #SHARED}. */
    public WriteDeadlines(long periodNanos) {
        this.periodNanos = periodNanos;
    }

    /**
     * Watches {@code socket} until the watch is closed: if it is still open at {@code deadline}
     * ({@link System#nanoTime()}), the socket is closed. Close the socket under a TLS layer, not the layer: closing
     * a TLS socket from another thread waits for the write under way to send its alert.
     */
    public Watch watch(Socket socket, long deadline) {
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

    /**
     * {@code out}, with each write and flush given {@code perWrite} to end: past it, {@code tcp} is closed and the
     * write fails with a {@link SocketTimeoutException} saying {@code whenSlow}. {@code tcp} is the TCP socket the
     * stream ends in, under a TLS layer if there is one (see {@link #watch}).
     */
    public OutputStream timed(OutputStream out, Socket tcp, Duration perWrite, String whenSlow) {
        long limit = perWrite.toNanos();
        if (limit <= 0) {
            throw new IllegalArgumentException("a write needs a positive time, not " + perWrite);
        }
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try (Watch watch = watch(tcp, System.nanoTime() + limit)) {
                    try {
                        out.write(b, off, len);
                    } catch (IOException e) {
                        throw watch.timedOut(e, whenSlow);
                    }
                }
            }

            @Override
            public void flush() throws IOException {
                try (Watch watch = watch(tcp, System.nanoTime() + limit)) {
                    try {
                        out.flush();
                    } catch (IOException e) {
                        throw watch.timedOut(e, whenSlow);
                    }
                }
            }
        };
    }

    /** How many sockets are watched now; for tests. */
    public int watched() {
        return watched.size();
    }

    /** One socket watched while its caller writes. */
    public final class Watch implements AutoCloseable {

        private final Socket socket;
        private final long deadline;
        private volatile boolean fired;

        private Watch(Socket socket, long deadline) {
            this.socket = socket;
            this.deadline = deadline;
        }

        /**
         * What a write that failed with {@code e} while watched should throw: a {@link SocketTimeoutException} saying
         * {@code whenSlow} if it failed because the deadline passed and the socket was closed, {@code e} otherwise.
         */
        public IOException timedOut(IOException e, String whenSlow) {
            if (!fired) {
                return e;
            }
            SocketTimeoutException slow = new SocketTimeoutException(whenSlow);
            slow.initCause(e);
            return slow;
        }

        private void fire() {
            if (!watched.remove(this)) {
                return; // the write ended meanwhile
            }
            fired = true;
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
