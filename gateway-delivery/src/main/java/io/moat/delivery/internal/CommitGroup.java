package io.moat.delivery.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Group commit: the database work of concurrent callers runs in one transaction, and each caller returns once
 * that transaction committed its work. The first caller to find no commit under way runs one for everything
 * queued so far; the others wait and are carried along, or lead the next one. With one caller nothing waits; with
 * twenty SMTP sessions and the pipeline's workers, one commit (and one write of H2's changed pages) serves many
 * messages.
 *
 * <p>If a shared transaction fails, each work of it is run again in a transaction of its own, so that one bad
 * record fails only its own caller. A work must therefore be repeatable: it builds what it stores, it does not
 * reuse objects a rolled-back transaction touched.
 *
 * <p>After the transactions of a batch, the group writes what they committed to the database file once for all of
 * them ({@code written}; H2 keeps commits in memory for up to its write delay otherwise), and only then do the
 * callers return: their work survives the process once they do. If that write fails, the callers whose work
 * committed get the failure; their works are not run again, as they did commit.
 */
public final class CommitGroup {

    private final Consumer<List<Runnable>> transaction;
    private final Runnable written;
    private final int maxBatch;
    private final Object lock = new Object();
    private List<Entry> queue = new ArrayList<>();
    private boolean committing;

    /**
     * @param transaction runs the works in order in one new transaction and returns once it committed; throws if
     *        it did not
     * @param written writes what the transactions committed so far to the database file and returns once it is
     *        there; throws if it could not
     * @param maxBatch the most works one transaction carries
     */
    public CommitGroup(Consumer<List<Runnable>> transaction, Runnable written, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.transaction = transaction;
        this.written = written;
        this.maxBatch = maxBatch;
    }

    /**
     * Runs {@code work} in a transaction, perhaps shared with other callers' work, and returns once it committed
     * and was written to the database file.
     *
     * @throws RuntimeException what the work threw, or why its transaction did not commit or was not written
     */
    public void run(Runnable work) {
        Entry mine = new Entry(work);
        boolean interrupted = false;
        try {
            synchronized (lock) {
                queue.add(mine);
            }
            while (true) {
                List<Entry> batch;
                synchronized (lock) {
                    while (committing && !mine.done) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            interrupted = true; // the work is queued and may be running: wait for its outcome
                        }
                    }
                    if (mine.done) {
                        break;
                    }
                    committing = true;
                    batch = take();
                }
                try {
                    commit(batch);
                } finally {
                    synchronized (lock) {
                        committing = false;
                        lock.notifyAll();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
    }

    /** How many works wait for a commit (not counting the one under way). */
    int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    private List<Entry> take() {
        if (queue.size() <= maxBatch) {
            List<Entry> all = queue;
            queue = new ArrayList<>();
            return all;
        }
        List<Entry> first = new ArrayList<>(queue.subList(0, maxBatch));
        queue = new ArrayList<>(queue.subList(maxBatch, queue.size()));
        return first;
    }

    private void commit(List<Entry> batch) {
        boolean settled = false;
        try {
            try {
                transaction.accept(batch.stream().map(e -> e.work).toList());
            } catch (RuntimeException shared) {
                if (batch.size() == 1) {
                    batch.get(0).failure = shared;
                } else {
                    for (Entry e : batch) {
                        try {
                            transaction.accept(List.of(e.work));
                        } catch (RuntimeException own) {
                            e.failure = own;
                        }
                    }
                }
            }
            if (batch.stream().anyMatch(e -> e.failure == null)) {
                try {
                    written.run();
                } catch (RuntimeException unwritten) {
                    batch.stream().filter(e -> e.failure == null).forEach(e -> e.failure = unwritten);
                }
            }
            settled = true;
        } finally {
            for (Entry e : batch) {
                if (!settled && e.failure == null) { // an Error: nobody may wait for an outcome that will not come
                    e.failure = new IllegalStateException("the group commit was aborted");
                }
                e.done = true;
            }
        }
    }

    private static final class Entry {
        final Runnable work;
        /** Set before {@link #done}, read after it. */
        RuntimeException failure;
        volatile boolean done;

        Entry(Runnable work) {
            this.work = work;
        }
    }
}
