package io.moat.delivery.internal;

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
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommitGroupTest {

    /** A pretend database: a transaction runs its works into a scratch list and appends it only if it commits. */
    private final List<String> committed = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> transactionSizes = Collections.synchronizedList(new ArrayList<>());
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
                committed.clear();
                committed.addAll(before); // rolled back
                throw e;
            }
        };
    }

    @Test
    void aLoneCallerCommitsAtOnceInATransactionOfItsOwn() {
        CommitGroup group = new CommitGroup(database(() -> {
        }), 64);

        group.run(() -> committed.add("a"));
        group.run(() -> committed.add("b"));

        assertThat(committed).containsExactly("a", "b");
        assertThat(transactionSizes).containsExactly(1, 1);
    }

    @Test
    void callersArrivingDuringACommitShareTheNextOne() throws Exception {
        CountDownLatch firstCommitting = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        CommitGroup group = new CommitGroup(database(() -> {
            if (firstCommitting.getCount() > 0) {
                firstCommitting.countDown();
                await(othersQueued);
            }
        }), 64);

        Future<?> first = callers.submit(() -> group.run(() -> committed.add("first")));
        assertThat(firstCommitting.await(5, TimeUnit.SECONDS)).isTrue();
        List<Future<?>> others = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String name = "m" + i;
            others.add(callers.submit(() -> group.run(() -> committed.add(name))));
        }
        awaitQueued(group, 10); // behind the first commit
        assertThat(committed).containsExactly("first");
        othersQueued.countDown();
        first.get(5, TimeUnit.SECONDS);
        for (Future<?> f : others) {
            f.get(5, TimeUnit.SECONDS);
        }

        assertThat(committed).hasSize(11);
        assertThat(transactionSizes).containsExactly(1, 10);
    }

    @Test
    void aTransactionCarriesAtMostMaxBatchWorks() throws Exception {
        CountDownLatch firstCommitting = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        CommitGroup group = new CommitGroup(database(() -> {
            if (firstCommitting.getCount() > 0) {
                firstCommitting.countDown();
                await(othersQueued);
            }
        }), 4);

        Future<?> first = callers.submit(() -> group.run(() -> committed.add("first")));
        assertThat(firstCommitting.await(5, TimeUnit.SECONDS)).isTrue();
        List<Future<?>> others = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String name = "m" + i;
            others.add(callers.submit(() -> group.run(() -> committed.add(name))));
        }
        awaitQueued(group, 10);
        othersQueued.countDown();
        first.get(5, TimeUnit.SECONDS);
        for (Future<?> f : others) {
            f.get(5, TimeUnit.SECONDS);
        }

        assertThat(committed).hasSize(11);
        assertThat(transactionSizes).containsExactly(1, 4, 4, 2);
    }

    @Test
    void aFailingWorkFailsOnlyItsOwnCallerTheOthersAreCommittedAlone() throws Exception {
        CountDownLatch firstCommitting = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        CommitGroup group = new CommitGroup(database(() -> {
            if (firstCommitting.getCount() > 0) {
                firstCommitting.countDown();
                await(othersQueued);
            }
        }), 64);

        Future<?> first = callers.submit(() -> group.run(() -> committed.add("first")));
        assertThat(firstCommitting.await(5, TimeUnit.SECONDS)).isTrue();
        Future<?> good1 = callers.submit(() -> group.run(() -> committed.add("good1")));
        Future<?> bad = callers.submit(() -> group.run(() -> {
            committed.add("bad");
            throw new IllegalStateException("duplicate key");
        }));
        Future<?> good2 = callers.submit(() -> group.run(() -> committed.add("good2")));
        awaitQueued(group, 3);
        othersQueued.countDown();
        first.get(5, TimeUnit.SECONDS);
        good1.get(5, TimeUnit.SECONDS);
        good2.get(5, TimeUnit.SECONDS);

        assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("duplicate key");
        assertThat(committed).containsExactlyInAnyOrder("first", "good1", "good2");
        // the shared attempt of three, then each alone
        assertThat(transactionSizes).containsExactly(1, 3, 1, 1, 1);
    }

    @Test
    void aCommitThatFailsIsReportedToTheCaller() {
        CommitGroup group = new CommitGroup(database(() -> {
            throw new IllegalStateException("disk full");
        }), 64);

        assertThatThrownBy(() -> group.run(() -> committed.add("a"))).isInstanceOf(IllegalStateException.class)
                .hasMessage("disk full");
        assertThat(committed).isEmpty();
    }

    @Test
    void manyConcurrentCallersAllCommitExactlyOnceInFewerTransactions() throws Exception {
        CommitGroup group = new CommitGroup(database(() -> sleep(2)), 64);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String name = "m" + i;
            all.add(callers.submit(() -> group.run(() -> committed.add(name))));
        }
        for (Future<?> f : all) {
            f.get(30, TimeUnit.SECONDS);
        }

        assertThat(committed).hasSize(400).doesNotHaveDuplicates();
        assertThat(transactionSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(400);
        assertThat(transactionSizes.size()).isLessThan(400);
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
