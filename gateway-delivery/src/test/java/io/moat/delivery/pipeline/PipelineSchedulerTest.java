package io.moat.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.delivery.outbound.DeliveryAgent;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageState;
import io.moat.settings.GatewaySettings;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PipelineScheduler} on real threads, with the database and the pipeline's work replaced: which messages are
 * claimed, which are handed over by the intake without a claim, and which are given back.
 */
class PipelineSchedulerTest {

    private static final Duration LEASE = Duration.ofMinutes(10);

    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
    private final FakeSteps steps = new FakeSteps();
    private final FakeProcessor processor = new FakeProcessor();
    private final PipelineScheduler pipeline = new PipelineScheduler();

    @BeforeEach
    void wire() {
        pipeline.executor = managed(ManagedExecutorService.class, workers);
        pipeline.scheduler = managed(ManagedScheduledExecutorService.class, ticks);
        pipeline.steps = steps;
        pipeline.processor = processor;
        pipeline.waits = new CoreWaits();
        pipeline.waits.scheduler = managed(ManagedScheduledExecutorService.class, ticks);
        pipeline.settings = new GatewaySettings() {
            @Override
            public int workers() {
                return 1;
            }

            @Override
            public String nodeId() {
                return "node-7";
            }

            @Override
            public Duration pipelineLease() {
                return LEASE;
            }
        };
    }

    @AfterEach
    void shutDown() {
        processor.go.countDown();
        pipeline.stop();
        workers.shutdownNow();
        ticks.shutdownNow();
    }

    @Test
    void aMessageTheIntakeHandsOverRunsWithoutBeingClaimed() throws Exception {
        processor.go.countDown();
        pipeline.start();

        PipelineScheduler.Lease lease = pipeline.reserve("new-1");
        assertThat(lease.owner()).isEqualTo("node-7/intake");
        assertThat(lease.until()).isAfter(Instant.now().plus(LEASE).minusSeconds(60));
        pipeline.handOver(snapshot("new-1"), lease);

        assertThat(processor.awaitRun("new-1")).isTrue();
        assertThat(steps.claimed).doesNotContain("new-1");
        assertThat(steps.released).doesNotContain("new-1");
    }

    @Test
    void theIntakeMayHandOverItsSharePerWorkerAndThenLeavesNewMailToTheClaim() {
        processor.go.countDown();
        pipeline.start();
        List<PipelineScheduler.Lease> leases = new ArrayList<>();
        for (int i = 0; i < PipelineScheduler.HANDED_OVER_PER_WORKER; i++) {
            leases.add(pipeline.reserve("m-" + i));
        }
        assertThat(leases).doesNotContainNull();

        assertThat(pipeline.reserve("one-too-many")).isNull();
        pipeline.cancel("m-0"); // not stored after all
        assertThat(pipeline.reserve("next")).isNotNull();
    }

    @Test
    void dueMessagesAreStillClaimedWhileHandedOverMailFillsTheBacklog() throws Exception {
        pipeline.start();
        int handedOver = PipelineScheduler.HANDED_OVER_PER_WORKER;
        for (int i = 0; i < handedOver; i++) {
            pipeline.handOver(snapshot("new-" + i), pipeline.reserve("new-" + i));
        }
        assertThat(processor.awaitStarted("new-0")).isTrue(); // the only worker is busy with it, the others wait
        steps.due.add("retry-1");

        pipeline.tick();

        assertThat(steps.claimed).containsExactly("retry-1");
        processor.go.countDown();
        assertThat(processor.awaitRun("retry-1")).isTrue();
        // one backlog, first come first served: the claimed retry runs after the mail handed over before it
        assertThat(processor.order.indexOf("retry-1")).isEqualTo(handedOver);
    }

    @Test
    void aMessageWhoseLeaseIsHalfGoneWhenAWorkerIsFreeIsGivenBackInsteadOfRun() throws Exception {
        processor.go.countDown();
        pipeline.start();
        pipeline.reserve("stale");

        pipeline.handOver(snapshot("stale"), new PipelineScheduler.Lease("node-7/intake",
                Instant.now().plus(LEASE.dividedBy(2)).minusSeconds(1)));

        assertThat(steps.awaitReleased("stale")).isTrue();
        assertThat(processor.order).doesNotContain("stale");
    }

    @Test
    void stoppingGivesBackWhatWaitsAndWhatIsHandedOverAfterwards() throws Exception {
        pipeline.start();
        for (int i = 0; i < 3; i++) {
            pipeline.handOver(snapshot("new-" + i), pipeline.reserve("new-" + i));
        }
        assertThat(processor.awaitStarted("new-0")).isTrue();
        PipelineScheduler.Lease late = pipeline.reserve("late");

        pipeline.stop();
        pipeline.handOver(snapshot("late"), late);

        assertThat(steps.released).containsExactlyInAnyOrder("new-1", "new-2", "late");
        processor.go.countDown();
        assertThat(processor.awaitRun("new-0")).isTrue();
        assertThat(processor.order).containsExactly("new-0");
    }

    @Test
    void afterALookFoundNothingFinishedRunsLeaveTheLookingToTheTickAndToWakeUps() throws Exception {
        processor.go.countDown();
        pipeline.start(); // its first tick looks at once, and finds nothing due
        long end = System.currentTimeMillis() + 5_000;
        while (steps.looks.get() == 0 && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
        int looks = steps.looks.get();
        assertThat(looks).isPositive();

        // five runs, 30 ms apart: none of them looks at the due index again (each look walks past all the messages
        // held; they used to look after every run, at most every 20 ms); only the tick does, every 250 ms
        long started = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            pipeline.handOver(snapshot("new-" + i), pipeline.reserve("new-" + i));
            assertThat(processor.awaitRun("new-" + i)).isTrue();
            Thread.sleep(30);
        }
        long ticks = 1 + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) / 250;
        assertThat(steps.looks.get()).as("looks beyond the tick's").isLessThanOrEqualTo(looks + (int) ticks);

        // a message stored without a lease is looked for at once, though the last look found nothing
        steps.due.add("stored-1");
        pipeline.wakeUp();
        assertThat(processor.awaitRun("stored-1")).isTrue();
        assertThat(steps.claimed).containsExactly("stored-1");
    }

    @Test
    void nothingIsReservedWhileThePipelineIsStopped() {
        assertThat(pipeline.reserve("early")).isNull();
    }

    private static MessageSnapshot snapshot(String id) {
        Instant received = Instant.now().minusSeconds(1);
        return new MessageSnapshot(id, MessageKind.INBOUND, MessageState.RECEIVED, "a@sender.test",
                List.of("x@example.com"), id, received, received, 0, null, 0, 0, List.of(),
                DeliveryAgent.MailOptions.NONE, new MessageSnapshot.Rule(null, null, null), null, null, null);
    }

    /** A managed executor interface answered by a plain executor with the same methods. */
    private static <T> T managed(Class<T> type, ExecutorService delegate) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            try {
                Class<?> api = delegate instanceof ScheduledExecutorService
                        ? ScheduledExecutorService.class
                        : ExecutorService.class;
                return api.getMethod(method.getName(), method.getParameterTypes()).invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    /** The database side: what is due, and records of what was claimed and given back. */
    static final class FakeSteps extends MessageSteps {
        final List<String> due = new CopyOnWriteArrayList<>();
        final List<String> claimed = new CopyOnWriteArrayList<>();
        final List<String> released = new CopyOnWriteArrayList<>();
        /** How often the due index was looked at. */
        final AtomicInteger looks = new AtomicInteger();

        @Override
        public List<String> due(Instant now, int limit) {
            looks.incrementAndGet();
            return due.stream().filter(id -> !claimed.contains(id)).limit(limit).toList();
        }

        @Override
        public List<MessageSnapshot> claim(List<String> ids, String owner, Instant now, Instant until) {
            claimed.addAll(ids);
            return ids.stream().map(PipelineSchedulerTest::snapshot).toList();
        }

        @Override
        public int release(List<String> ids) {
            released.addAll(ids);
            synchronized (this) {
                notifyAll();
            }
            return ids.size();
        }

        @Override
        public int releaseLeases(String owner) {
            return 0;
        }

        synchronized boolean awaitReleased(String id) throws InterruptedException {
            long end = System.currentTimeMillis() + 5_000;
            while (!released.contains(id) && System.currentTimeMillis() < end) {
                wait(100);
            }
            return released.contains(id);
        }
    }

    /** The pipeline's work: records the order in which messages started, and holds them until {@link #go}. */
    static final class FakeProcessor extends MessageProcessor {
        final CountDownLatch go = new CountDownLatch(1);
        final List<String> order = Collections.synchronizedList(new ArrayList<>());
        final List<String> done = new CopyOnWriteArrayList<>();

        @Override
        public void process(MessageSnapshot m, Instant leaseUntil) {
            order.add(m.id());
            try {
                go.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.add(m.id());
        }

        boolean awaitStarted(String id) throws InterruptedException {
            return await(order, id);
        }

        boolean awaitRun(String id) throws InterruptedException {
            return await(done, id);
        }

        private static boolean await(List<String> list, String id) throws InterruptedException {
            long end = System.currentTimeMillis() + 5_000;
            while (!list.contains(id) && System.currentTimeMillis() < end) {
                Thread.sleep(10);
            }
            return list.contains(id);
        }
    }
}
