package io.moat.delivery.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommitGroupTest {

    /** A pretend database: a transaction runs its works into a scratch list and appends it only if it commits. */
    private final List<String> committed = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> transactionSizes = Collections.synchronizedList(new ArrayList<>());
    /** What the pretend database wrote to its file: what was committed when it was last asked to write. */
    private final List<String> written = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger writes = new AtomicInteger();
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    private Consumer<List<Runnable>> database(Runnable duringCommit) {
        return works -> {
            transactionSizes.add(works.size());
            List<String> before = new ArrayList<>(committed);
            try {
                works.forEach(Runnable::run);
                duringCommit.run();
            } catch (RuntimeException e) {
                synchronized (committed) { // a write meanwhile sees the rollback whole
                    committed.clear();
                    committed.addAll(before); // rolled back
                }
                throw e;
            }
        };
    }

    private void write() {
        synchronized (committed) {
            synchronized (written) { // a caller checking what was written sees all of it or none
                written.clear();
                written.addAll(committed);
            }
        }
        writes.incrementAndGet();
    }

    @Test
    void aLoneCallerCommitsAtOnceInATransactionOfItsOwn() {
        CommitGroup group = new CommitGroup(database(() -> {
        }), this::write, 64);

        group.run(() -> committed.add("a"));
        assertThat(written).as("written before the caller returns").containsExactly("a");
        group.run(() -> committed.add("b"));

        assertThat(committed).containsExactly("a", "b");
        assertThat(written).containsExactly("a", "b");
        assertThat(transactionSizes).containsExactly(1, 1);
        assertThat(writes).hasValue(2);
    }

    @Test
    void aWriteEndedByAnErrorReachesItsCallerAndTheGroupGoesOn() {
        AtomicInteger attempts = new AtomicInteger();
        CommitGroup group = new CommitGroup(database(() -> {
        }), () -> {
            if (attempts.getAndIncrement() == 0) {
                throw new StackOverflowError("pretend");
            }
            write();
        }, 64);

        assertThatThrownBy(() -> group.run(() -> committed.add("a"))).isInstanceOf(StackOverflowError.class);
        group.run(() -> committed.add("b"));

        assertThat(written).containsExactly("a", "b");
    }

    /** A group whose first commit is held open until {@link #release}, so that callers queue up behind it. */
    private final class HeldFirstCommit {
        private final CountDownLatch committing = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final CommitGroup group;
        private final Future<?> first;

        HeldFirstCommit(int maxBatch) throws InterruptedException {
            this(maxBatch, CommitGroupTest.this::write);
        }

        HeldFirstCommit(int maxBatch, Runnable write) throws InterruptedException {
            group = new CommitGroup(database(() -> {
                if (committing.getCount() > 0) {
                    committing.countDown();
                    await(released);
                }
            }), write, maxBatch);
            first = callers.submit(() -> group.run(() -> committed.add("first")));
            assertThat(committing.await(5, TimeUnit.SECONDS)).isTrue();
        }

        Future<?> queue(Runnable work) {
            return callers.submit(() -> group.run(work));
        }

        List<Future<?>> queueNamed(int count) {
            List<Future<?>> queued = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "m" + i;
                queued.add(queue(() -> committed.add(name)));
            }
            return queued;
        }

        /** Lets the first commit finish once {@code queued} works wait behind it. */
        void release(int queued) throws Exception {
            awaitQueued(group, queued);
            assertThat(committed).containsExactly("first");
            released.countDown();
            first.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void callersArrivingDuringACommitShareTheNextOne() throws Exception {
        HeldFirstCommit held = new HeldFirstCommit(64);
        List<Future<?>> others = held.queueNamed(10);
        held.release(10);
        awaitAll(others);

        assertThat(committed).hasSize(11);
        assertThat(transactionSizes).containsExactly(1, 10);
        assertThat(writes.get()).as("at most one write of the file per transaction").isBetween(1, 2);
        assertThat(written).containsExactlyElementsOf(committed);
    }

    @Test
    void aTransactionCarriesAtMostMaxBatchWorks() throws Exception {
        HeldFirstCommit held = new HeldFirstCommit(4);
        List<Future<?>> others = held.queueNamed(10);
        held.release(10);
        awaitAll(others);

        assertThat(committed).hasSize(11);
        assertThat(transactionSizes).containsExactly(1, 4, 4, 2);
    }

    @Test
    void aFailingWorkFailsOnlyItsOwnCallerTheOthersAreCommittedAlone() throws Exception {
        HeldFirstCommit held = new HeldFirstCommit(64);
        Future<?> good1 = held.queue(() -> committed.add("good1"));
        Future<?> bad = held.queue(() -> {
            committed.add("bad");
            throw new IllegalStateException("duplicate key");
        });
        Future<?> good2 = held.queue(() -> committed.add("good2"));
        held.release(3);
        awaitAll(List.of(good1, good2));

        assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("duplicate key");
        assertThat(committed).containsExactlyInAnyOrder("first", "good1", "good2");
        // the shared attempt of three, then each alone
        assertThat(transactionSizes).containsExactly(1, 3, 1, 1, 1);
        assertThat(writes.get()).as("for the first, and after the three were tried alone").isBetween(1, 2);
        assertThat(written).containsExactlyInAnyOrder("first", "good1", "good2");
    }

    @Test
    void aWriteThatFailsFailsTheCallerWhoseWorkCommittedWithoutRunningItAgain() {
        CommitGroup group = new CommitGroup(database(() -> {
        }), () -> {
            throw new IllegalStateException("no space left on device");
        }, 64);

        // the caller learns that its work committed but was not written: nothing may be recorded over it
        assertThatThrownBy(() -> group.run(() -> committed.add("a"))).isInstanceOf(CommitGroup.NotWritten.class)
                .hasRootCauseMessage("no space left on device");
        assertThat(transactionSizes).as("run once, not again").containsExactly(1);
        assertThat(committed).containsExactly("a");
        assertThat(written).isEmpty();
    }

    @Test
    void transactionsGoOnDuringAWriteAndTheNextWriteTakesAllTheyCommitted() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        CommitGroup group = new CommitGroup(database(() -> {
        }), () -> {
            if (writing.getCount() > 0) {
                writing.countDown();
                await(released);
            }
            write();
        }, 64);
        Future<?> first = callers.submit(() -> group.run(() -> committed.add("first")));
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
        Future<?> second = callers.submit(() -> group.run(() -> committed.add("second")));
        Future<?> third = callers.submit(() -> group.run(() -> committed.add("third")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (committed.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        assertThat(committed).as("committed while the first write is held").hasSize(3);
        assertThat(second.isDone() || third.isDone()).as("no caller returns before its write").isFalse();
        released.countDown();
        awaitAll(List.of(first, second, third));
        assertThat(written).containsExactlyInAnyOrder("first", "second", "third");
        assertThat(writes).as("the held write, then one for both").hasValue(2);
    }

    @Test
    void nothingIsWrittenWhenNoWorkCommitted() {
        CommitGroup group = new CommitGroup(database(() -> {
        }), this::write, 64);

        assertThatThrownBy(() -> group.run(() -> {
            throw new IllegalStateException("duplicate key");
        })).hasMessage("duplicate key");
        assertThat(writes).hasValue(0);
    }

    @Test
    void aCommitThatFailsIsReportedToTheCaller() {
        CommitGroup group = new CommitGroup(database(() -> {
            throw new IllegalStateException("disk full");
        }), this::write, 64);

        assertThatThrownBy(() -> group.run(() -> committed.add("a"))).isInstanceOf(IllegalStateException.class)
                .hasMessage("disk full");
        assertThat(committed).isEmpty();
        assertThat(writes).hasValue(0);
    }

    @Test
    void manyConcurrentCallersAllCommitExactlyOnceInFewerTransactions() throws Exception {
        CommitGroup group = new CommitGroup(database(() -> sleep(2)), this::write, 64);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String name = "m" + i;
            all.add(callers.submit(() -> group.run(() -> committed.add(name))));
        }
        awaitAll(all);

        assertThat(committed).hasSize(400).doesNotHaveDuplicates();
        assertThat(written).containsExactlyInAnyOrderElementsOf(committed);
        assertThat(writes.get()).isBetween(1, transactionSizes.size());
        assertThat(transactionSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(400);
        assertThat(transactionSizes.size()).isLessThan(400);
    }

    /**
     * Callers are woken one by one rather than all at once: a wake-up lost on some path would leave a caller parked
     * for good. Many callers, small batches, failing works and failing writes, some callers interrupted: every call
     * returns, with its own outcome, and one that returns normally finds its work written.
     */
    @Test
    void underContentionEveryCallerReturnsWithItsOwnOutcome() throws Exception {
        AtomicInteger writeCount = new AtomicInteger();
        CommitGroup group = new CommitGroup(database(() -> {
            if (transactionSizes.size() % 7 == 0) {
                Thread.yield();
            }
        }), () -> {
            if (writeCount.incrementAndGet() % 11 == 0) {
                throw new IllegalStateException("write failed");
            }
            write();
        }, 3);
        int threads = 48;
        int callsEach = 150;
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger returned = new AtomicInteger();
        AtomicInteger writeFailures = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            all.add(callers.submit(() -> {
                for (int i = 0; i < callsEach; i++) {
                    String name = thread + "/" + i;
                    boolean bad = (thread + i) % 13 == 0;
                    boolean interrupt = (thread * 7 + i) % 17 == 0;
                    if (interrupt) {
                        Thread.currentThread().interrupt();
                    }
                    try {
                        group.run(() -> {
                            committed.add(name);
                            if (bad) {
                                throw new IllegalArgumentException("bad " + name);
                            }
                        });
                        if (bad) {
                            wrong.add(name + " returned although its work threw");
                        } else if (!written.contains(name)) {
                            wrong.add(name + " returned before it was written");
                        }
                        returned.incrementAndGet();
                    } catch (IllegalArgumentException e) {
                        if (!e.getMessage().equals("bad " + name)) {
                            wrong.add(name + " got another caller's failure: " + e.getMessage());
                        }
                    } catch (IllegalStateException e) {
                        if (bad || !(e instanceof CommitGroup.NotWritten)
                                || !e.getCause().getMessage().equals("write failed")) {
                            wrong.add(name + " failed with " + e.getMessage());
                        }
                        writeFailures.incrementAndGet();
                    }
                    if (Thread.interrupted() != interrupt) {
                        wrong.add(name + " did not keep its interrupt status");
                    }
                }
            }));
        }
        for (Future<?> f : all) {
            f.get(60, TimeUnit.SECONDS);
        }

        assertThat(wrong).isEmpty();
        assertThat(committed).doesNotHaveDuplicates().allMatch(name -> {
            String[] parts = name.split("/");
            return (Integer.parseInt(parts[0]) + Integer.parseInt(parts[1])) % 13 != 0;
        });
        assertThat(returned.get() + writeFailures.get()).as("every good work committed once")
                .isEqualTo(committed.size());
        assertThat(writeFailures).as("some writes failed").hasPositiveValue();
        assertThat(transactionSizes.stream().filter(size -> size > 1)).as("callers shared transactions").isNotEmpty();
    }

    private static void awaitAll(List<Future<?>> futures) throws Exception {
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitQueued(CommitGroup group, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (group.queued() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(group.queued()).isEqualTo(count);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
