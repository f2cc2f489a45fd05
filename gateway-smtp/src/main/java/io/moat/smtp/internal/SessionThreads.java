package io.moat.smtp.internal;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one endpoint: its {@link AcceptLoop} and a thread per session, as many as the endpoint takes
 * connections, kept for a minute when idle (ADR 0021). Not the container's {@code WorkManager}, whose one pool (50
 * threads and 50 queued, WildFly's default) served every endpoint and refused the rest without a word.
 *
 * <p>
 * The accept loop admits at most {@code maxConnections + RESERVE} sessions at once and runs each on this executor. A
 * thread takes the next session when it is idle; a new one is made otherwise. The bound of twice that many threads
 * (and the loop's own) is never reached: it leaves room for the threads that have just let their session go and are
 * on their way back to the pool, so that a session admitted in that instant is never refused.
 */
final class SessionThreads extends ThreadPoolExecutor {

    /**
     * Sessions admitted beyond {@code maxConnections}, to answer them {@code 421 4.7.0} rather than leave them in the
     * kernel's backlog without a word; beyond these, clients wait there until one of them has gone (milliseconds).
     */
    static final int RESERVE = 10;

    SessionThreads(String endpoint, int maxConnections) {
        super(0, 2 * admitted(maxConnections) + 1, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), threads(endpoint));
    }

    /** How many sessions an endpoint of {@code maxConnections} runs at once, at most. */
    static int admitted(int maxConnections) {
        return maxConnections + RESERVE;
    }

    private static ThreadFactory threads(String endpoint) {
        AtomicInteger count = new AtomicInteger();
        // the adapter's class loader, whichever thread made the thread (an application thread applying endpoints)
        ClassLoader adapter = SessionThreads.class.getClassLoader();
        return task -> {
            Thread thread = new Thread(task, "moat-smtp-" + endpoint + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            thread.setContextClassLoader(adapter);
            return thread;
        };
    }
}
