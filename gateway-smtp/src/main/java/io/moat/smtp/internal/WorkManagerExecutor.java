package io.moat.smtp.internal;

import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * An {@code ExecutorService} view of the container's {@link WorkManager}, so that subethasmtp's sessions run on
 * container-managed threads. subethasmtp shuts the executor down when its server stops and waits for the
 * sessions; this class counts running work to answer that wait.
 */
final class WorkManagerExecutor extends AbstractExecutorService {

    private final WorkManager workManager;
    private final Object lock = new Object();
    private int running;
    private boolean shutdown;

    WorkManagerExecutor(WorkManager workManager) {
        this.workManager = workManager;
    }

    @Override
    public void execute(Runnable command) {
        synchronized (lock) {
            if (shutdown) {
                throw new RejectedExecutionException("SMTP listener is stopping");
            }
            running++;
        }
        try {
            workManager.scheduleWork(new RunnableWork(command));
        } catch (WorkException e) {
            finished();
            throw new RejectedExecutionException("the container refused SMTP session work", e);
        }
    }

    private void finished() {
        synchronized (lock) {
            running--;
            lock.notifyAll();
        }
    }

    @Override
    public void shutdown() {
        synchronized (lock) {
            shutdown = true;
            lock.notifyAll();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        synchronized (lock) {
            return shutdown;
        }
    }

    @Override
    public boolean isTerminated() {
        synchronized (lock) {
            return shutdown && running == 0;
        }
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + Math.min(unit.toNanos(timeout), TimeUnit.SECONDS.toNanos(30));
        synchronized (lock) {
            while (!(shutdown && running == 0)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    private final class RunnableWork implements Work {
        private final Runnable command;

        RunnableWork(Runnable command) {
            this.command = command;
        }

        @Override
        public void run() {
            try {
                command.run();
            } finally {
                finished();
            }
        }

        @Override
        public void release() {
            // sessions end when their socket closes; subethasmtp closes them on stop
        }
    }
}
