package io.moat.delivery;

import io.moat.delivery.internal.MessageProcessor;
import io.moat.delivery.internal.MessageSnapshot;
import io.moat.delivery.internal.MessageSteps;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Claims due messages from the database (a lease per message, so several nodes can share one database) and runs
 * them on its own managed executor, a bounded number at a time, from a small backlog of claimed messages. It
 * looks for work every 250 ms, at once when a message has just been stored, and when the backlog runs low.
 */
@ApplicationScoped
public class PipelineScheduler {

    private static final Logger LOG = Logger.getLogger(PipelineScheduler.class.getName());
    private static final Duration LEASE = Duration.ofMinutes(10);
    private static final long TICK_MILLIS = 250;

    @Resource(lookup = "java:jboss/ee/concurrency/scheduler/default")
    ManagedScheduledExecutorService scheduler;

    @Resource(lookup = "java:jboss/ee/concurrency/executor/moat-pipeline")
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

    /** Claimed by this node and not yet finished: waiting in {@link #backlog} or running. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Claimed (with what was read of each in the claim's transaction), waiting for a free worker. */
    private final Queue<MessageSnapshot> backlog = new ConcurrentLinkedQueue<>();
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

    /** Stops claiming; what was claimed but not started is given back, so that another node may take it. */
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        List<String> unstarted = new ArrayList<>();
        for (MessageSnapshot m = backlog.poll(); m != null; m = backlog.poll()) {
            unstarted.add(m.id());
        }
        inFlight.removeAll(unstarted);
        steps.release(unstarted);
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

    /**
     * Claims, in one statement, as many due messages as fit in a backlog of four per worker, so that workers
     * rarely wait for the database and the claim's commit is shared by a whole batch. It claims only once there is
     * room for at least a worker's count: looking for due work reads past the messages in flight, so claiming one
     * message whenever one finished would cost a read of the whole backlog per message.
     */
    private void claimAndRun() {
        int room = 4 * settings.workers() - inFlight.size();
        if (room >= settings.workers()) {
            Instant now = Instant.now();
            List<String> due = steps.due(now, room + inFlight.size()).stream().filter(id -> !inFlight.contains(id))
                    .limit(room).toList();
            List<MessageSnapshot> claimed = steps.claim(due, nodeId, now, now.plus(LEASE));
            claimed.forEach(m -> inFlight.add(m.id()));
            backlog.addAll(claimed);
        }
        dispatch();
    }

    /** Hands backlog to free workers. */
    private void dispatch() {
        while (!backlog.isEmpty() && slots.tryAcquire()) {
            MessageSnapshot m = backlog.poll();
            if (m == null) {
                slots.release();
                return;
            }
            try {
                executor.execute(() -> run(m));
            } catch (RuntimeException e) {
                slots.release();
                backlog.add(m);
                throw e;
            }
        }
    }

    private void run(MessageSnapshot m) {
        try {
            processor.process(m);
        } finally {
            inFlight.remove(m.id());
            slots.release();
        }
        // a worker is free: give it the backlog, and claim more before the backlog runs dry
        dispatch();
        if (backlog.size() < settings.workers()) {
            tick();
        }
    }
}
