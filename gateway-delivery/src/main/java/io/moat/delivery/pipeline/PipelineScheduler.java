package io.moat.delivery.pipeline;

import io.moat.settings.GatewaySettings;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the pipeline on this node's managed executor, a bounded number of messages at a time, from a backlog fed in
 * two ways. Messages this node's intake stores while there is room are handed over at once: they are stored with
 * this node's lease ({@link #reserve}) and need no claim. Everything else (retries, notifications, mail stored
 * while the backlog was full, messages of a node that stopped) is claimed from the database when due: a lease per
 * message, so that several nodes can share one database. It looks for due work every 250 ms, at once when a
 * message has just been stored unleased or called back into the database ({@link #wakeUp}), and when the backlog
 * runs low unless the last look found nothing.
 */
@ApplicationScoped
public class PipelineScheduler {

    private static final Logger LOG = Logger.getLogger(PipelineScheduler.class.getName());
    private static final long TICK_MILLIS = 250;
    /** Claimed messages per worker that may wait or run at once. */
    private static final int CLAIMED_PER_WORKER = 4;
    /**
     * Messages per worker the intake may hand over to wait or run at once, before new mail is left to the claim.
     * Small, so that mail arriving faster than it is run waits in the database in the order it came, rather than
     * behind a long queue in memory (ADR 0015).
     */
    static final int HANDED_OVER_PER_WORKER = 8;

    @Resource(lookup = "java:jboss/ee/concurrency/scheduler/default")
    ManagedScheduledExecutorService scheduler;

    @Resource(lookup = "java:jboss/ee/concurrency/executor/moat-pipeline")
    ManagedExecutorService executor;

    @Inject
    MessageSteps steps;

    @Inject
    MessageProcessor processor;

    @Inject
    CoreWaits waits;

    @Inject
    GatewaySettings settings;

    /** This node's id and how long it leases a message ({@link GatewaySettings}), from {@link #start}. */
    private volatile String nodeId;
    private volatile Duration lease;

    /** Leased by this node and not yet finished: reserved for the intake, waiting in {@link #backlog} or running. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /**
     * Waiting for a free worker, each with what is known of the message: read in the claim's transaction, or taken
     * from the record the intake stored. A queue that counts its elements: each finished message asks its size,
     * which a {@code ConcurrentLinkedQueue} finds by walking all of them (hundreds while mail comes in faster than it
     * is run; 1.6 % of the gateway's samples).
     */
    private final Queue<Work> backlog = new LinkedBlockingQueue<>();
    /** How many of {@link #inFlight} were claimed from the database: the claim's room is counted against these. */
    private final AtomicInteger claimed = new AtomicInteger();
    /** How many of {@link #inFlight} the intake reserved. */
    private final AtomicInteger handedOver = new AtomicInteger();
    private final AtomicBoolean ticking = new AtomicBoolean();
    /**
     * Whether the last look for due work found none: a worker that finishes then does not look again, since nothing
     * new became due but by time (the tick looks every {@value #TICK_MILLIS} ms) or by a message stored without a
     * lease or called back into the database ({@link #wakeUp}, which looks at once and clears this). With messages
     * waiting in memory for Core, every message is run twice and each look walks the due index past all the messages
     * held: looking after each run (even at most every 20 ms) took 6 % of the gateway's samples with a 1 s Core.
     */
    private volatile boolean foundNone;
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile Semaphore slots;
    private volatile ScheduledFuture<?> task;

    /** The lease a message is stored with when the intake hands it over ({@link #reserve}). */
    public record Lease(String owner, Instant until) {
    }

    /**
     * A message in the backlog, and until when this node's lease on it runs; {@code resumed}: what its runs learned
     * while it waited in memory for Core (null for a claimed or handed-over message).
     */
    private record Work(MessageSnapshot message, boolean claimed, Instant leaseUntil, Waiting resumed) {
    }

    /** Starts running messages; leases this node held before a restart are given up first. */
    public synchronized void start() {
        if (task != null) {
            return;
        }
        nodeId = settings.nodeId();
        lease = settings.pipelineLease();
        slots = new Semaphore(settings.workers());
        int released = steps.releaseLeases(nodeId);
        if (released > 0) {
            LOG.info(() -> "resumed " + released + " messages that were in progress before the restart");
        }
        waits.start(this::resume);
        task = scheduler.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info(() -> "pipeline started on " + nodeId + " with " + settings.workers() + " workers");
    }

    /** Stops claiming; what waits in the backlog is given back, so that another node (or a restart) may take it. */
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        // what waited in memory for Core is given back too: its files are submitted again by whoever runs it next
        List<String> unstarted = new ArrayList<>(waits.stop());
        for (Work w = backlog.poll(); w != null; w = backlog.poll()) {
            finished(w);
            unstarted.add(w.message().id());
        }
        steps.release(unstarted);
    }

    /**
     * Room in the backlog for a message the intake is about to store, and the lease to store it with: this node
     * then runs it once it is stored ({@link #handOver}), without the claim's update, read and commit. Null when
     * the pipeline is stopped or as many handed-over messages as it may hold are in flight: the message is then
     * stored without a lease and claimed when due, by whichever node has room. Call {@link #cancel} if the message
     * is not stored after all.
     */
    public Lease reserve(String id) {
        if (task == null) {
            return null;
        }
        if (handedOver.incrementAndGet() > HANDED_OVER_PER_WORKER * settings.workers()) {
            handedOver.decrementAndGet();
            return null;
        }
        inFlight.add(id);
        return new Lease(nodeId + "/intake", Instant.now().plus(lease));
    }

    /**
     * The reserved message is stored, with its lease: it waits for a free worker. If the pipeline stopped
     * meanwhile, the lease is given up instead (the message is due, for whoever runs next).
     */
    public void handOver(MessageSnapshot message, Lease lease) {
        Work work = new Work(message, false, lease.until(), null);
        if (task == null) {
            finished(work);
            steps.release(List.of(message.id()));
            return;
        }
        backlog.add(work);
        dispatch();
    }

    /** The reserved message was not stored: its room is free again. */
    public void cancel(String id) {
        if (inFlight.remove(id)) {
            handedOver.decrementAndGet();
        }
    }

    /**
     * A message that waited in memory for Core is due (its callbacks came, or its time): it waits for a free worker
     * with the rest of the backlog, counted against no room (it is held already; ADR 0041). If the pipeline stopped
     * meanwhile, its lease is given up.
     */
    void resume(Waiting waiting) {
        if (task == null) {
            steps.release(List.of(waiting.message.id()));
            return;
        }
        backlog.add(new Work(waiting.message, false, waiting.leaseUntil, waiting));
        dispatch();
    }

    /**
     * A message was stored without a lease, or called back into the database (CoreCallbacks): look for work now
     * rather than at the next tick.
     */
    public void wakeUp() {
        if (task != null) {
            foundNone = false;
            executor.execute(this::tick);
        }
    }

    void tick() {
        if (task == null) {
            return; // stopped: a worker that finished must not claim more
        }
        do {
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
            // a tick asked for between the last look and the release above: look once more, unless another does
        } while (again.get());
    }

    /**
     * Claims, in one statement, as many due messages as fit in a backlog of four claimed per worker, so that
     * workers rarely wait for the database and the claim's commit is shared by a whole batch. It claims only once
     * there is room for at least a worker's count: looking for due work reads past the messages in flight, so
     * claiming one message whenever one finished would cost a read of the whole backlog per message. Handed-over
     * messages do not count against that room: retries and mail stored while the backlog was full keep their
     * share of the workers while new mail arrives faster than it is run.
     */
    private void claimAndRun() {
        int workers = settings.workers();
        int room = CLAIMED_PER_WORKER * workers - claimed.get();
        if (room >= workers) {
            Instant now = Instant.now();
            Instant until = now.plus(lease);
            List<String> due = steps.due(now, room + inFlight.size()).stream().filter(id -> !inFlight.contains(id))
                    .limit(room).toList();
            foundNone = due.isEmpty() && !again.get(); // a wake-up during the look: something may be due now
            for (MessageSnapshot m : steps.claim(due, nodeId, now, until)) {
                inFlight.add(m.id());
                claimed.incrementAndGet();
                backlog.add(new Work(m, true, until, null));
            }
        }
        dispatch();
    }

    /** Hands backlog to free workers. */
    private void dispatch() {
        while (!backlog.isEmpty() && slots.tryAcquire()) {
            Work w = backlog.poll();
            if (w == null) {
                slots.release();
                return;
            }
            try {
                executor.execute(() -> run(w));
            } catch (RuntimeException e) {
                slots.release();
                backlog.add(w);
                throw e;
            }
        }
    }

    private void run(Work w) {
        try {
            if (w.resumed() != null) {
                processor.resume(w.resumed()); // parked no later than half its lease before it runs out
            } else if (w.leaseUntil().isBefore(Instant.now().plus(lease.dividedBy(2)))) {
                // it waited so long that the lease could run out while it runs, and another node claim it too
                LOG.info(() -> "message " + w.message().id() + " waited in the backlog for more than half its lease;"
                        + " it is given back, to be claimed again");
                steps.release(List.of(w.message().id()));
            } else {
                processor.process(w.message(), w.leaseUntil());
            }
        } finally {
            finished(w);
            slots.release();
        }
        // a worker is free: give it the backlog, and claim more before the backlog runs dry
        dispatch();
        if (backlog.size() < settings.workers() && !foundNone) {
            tick();
        }
    }

    private void finished(Work w) {
        if (w.resumed() == null && inFlight.remove(w.message().id())) {
            (w.claimed() ? claimed : handedOver).decrementAndGet();
        }
    }
}
