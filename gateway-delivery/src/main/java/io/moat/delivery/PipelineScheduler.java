package io.moat.delivery;

import io.moat.delivery.internal.MessageProcessor;
import io.moat.delivery.internal.MessageSteps;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Claims due messages from the database (a lease per message, so several nodes can share one database) and runs
 * them on the container's managed executor, a bounded number at a time. It looks for work every 250 ms and at
 * once when a message has just been stored.
 */
@ApplicationScoped
public class PipelineScheduler {

    private static final Logger LOG = Logger.getLogger(PipelineScheduler.class.getName());
    private static final Duration LEASE = Duration.ofMinutes(10);
    private static final long TICK_MILLIS = 250;

    @Resource(lookup = "java:jboss/ee/concurrency/scheduler/default")
    ManagedScheduledExecutorService scheduler;

    @Resource(lookup = "java:jboss/ee/concurrency/executor/default")
    ManagedExecutorService executor;

    @Inject
    MessageSteps steps;

    @Inject
    MessageProcessor processor;

    @Inject
    GatewaySettings settings;

    @Inject
    @ConfigProperty(name = "moat.node-id", defaultValue = "node-1")
    String nodeId;

    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean ticking = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile Semaphore slots;
    private volatile ScheduledFuture<?> task;

    /** Starts claiming work; leases this node held before a restart are given up first. */
    public synchronized void start() {
        if (task != null) {
            return;
        }
        slots = new Semaphore(settings.workers());
        int released = steps.releaseLeases(nodeId);
        if (released > 0) {
            LOG.info(() -> "resumed " + released + " messages that were in progress before the restart");
        }
        task = scheduler.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info(() -> "pipeline started on " + nodeId + " with " + settings.workers() + " workers");
    }

    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /** A message was stored: look for work now rather than at the next tick. */
    public void wakeUp() {
        if (task != null) {
            executor.execute(this::tick);
        }
    }

    void tick() {
        if (!ticking.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        try {
            do {
                again.set(false);
                claimAndRun();
            } while (again.get());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "looking for due messages failed; trying again shortly", e);
        } finally {
            ticking.set(false);
        }
    }

    private void claimAndRun() {
        Instant now = Instant.now();
        List<String> due = steps.due(now, 4 * settings.workers());
        for (String id : due) {
            if (inFlight.contains(id)) {
                continue;
            }
            if (!slots.tryAcquire()) {
                return;
            }
            if (!steps.claim(id, nodeId, now, now.plus(LEASE))) {
                slots.release();
                continue;
            }
            inFlight.add(id);
            try {
                executor.execute(() -> run(id));
            } catch (RuntimeException e) {
                inFlight.remove(id);
                slots.release();
                steps.release(id);
                throw e;
            }
        }
    }

    private void run(String id) {
        try {
            processor.process(id);
        } finally {
            inFlight.remove(id);
            slots.release();
            again.set(true);
        }
    }
}
