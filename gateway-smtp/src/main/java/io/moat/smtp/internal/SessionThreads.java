package io.moat.smtp.internal;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one endpoint's sessions: a thread per connection, as many as the endpoint takes connections, kept
 * for a minute when idle (ADR 0021). Not the container's {@code WorkManager}, whose one pool (50 threads and 50
 * queued, WildFly's default) served every endpoint and refused the rest without a word.
 *
 * <p>
 * subethasmtp admits at most {@code maxConnections + 10} sessions at once (it keeps ten for the {@code 421} that
 * turns away connections over the limit) and runs each on this executor. A thread takes the next session when it
 * is idle; a new one is made otherwise. The bound of twice that many threads is never reached: it leaves room for
 * the threads that have just let their session go and are on their way back to the pool, so that a session
 * admitted in that instant is never refused.
 */
final class SessionThreads extends ThreadPoolExecutor {

    /** Sessions subethasmtp admits beyond {@code maxConnections}, to answer them {@code 421}. */
    static final int SUBETHASMTP_RESERVE = 10;

    /** How long {@link #awaitTermination} waits at most; subethasmtp asks it to wait forever when it stops. */
    private static final long TERMINATION_WAIT_SECONDS = 30;

    SessionThreads(String endpoint, int maxConnections) {
        super(0, 2 * (maxConnections + SUBETHASMTP_RESERVE), 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                threads(endpoint));
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

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return super.awaitTermination(Math.min(unit.toSeconds(timeout), TERMINATION_WAIT_SECONDS), TimeUnit.SECONDS);
    }
}
