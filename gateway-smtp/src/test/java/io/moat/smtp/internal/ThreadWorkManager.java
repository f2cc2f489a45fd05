package io.moat.smtp.internal;

import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Runs work on plain threads, as WildFly's work manager runs it on its pool. */
final class ThreadWorkManager implements WorkManager, AutoCloseable {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @Override
    public void doWork(Work work) {
        work.run();
    }

    @Override
    public void doWork(Work work, long timeout, ExecutionContext context, WorkListener listener) {
        work.run();
    }

    @Override
    public long startWork(Work work) {
        threads.execute(work);
        return 0;
    }

    @Override
    public long startWork(Work work, long timeout, ExecutionContext context, WorkListener listener) {
        return startWork(work);
    }

    @Override
    public void scheduleWork(Work work) {
        threads.execute(work);
    }

    @Override
    public void scheduleWork(Work work, long timeout, ExecutionContext context, WorkListener listener) {
        scheduleWork(work);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
