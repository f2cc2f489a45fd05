package io.moat.delivery.commit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Group commit: the database work of concurrent callers runs in one transaction, and each caller returns once
 * that transaction committed its work and the commit was written (below). The first caller to find no commit under
 * way runs one for everything queued so far; the others wait and are carried along, or lead the next one. With one
 * caller nothing waits; with twenty SMTP sessions and the pipeline's workers, one commit (and one write of H2's
 * changed pages) serves many messages.
 *
 * <p>If a shared transaction fails, each work of it is run again in a transaction of its own, so that one bad
 * record fails only its own caller. A work must therefore be repeatable: it builds what it stores, it does not
 * reuse objects a rolled-back transaction touched.
 *
 * <p>Callers return only once what their transaction committed is written to the database file ({@code written};
 * H2 keeps commits in memory for up to its write delay otherwise): their work survives the process once they do.
 * The write is a second stage: while one runs, the next batch's transaction runs, and the next write takes every
 * batch committed meanwhile, so that one write of the file serves more works than one transaction. If a write
 * fails, the callers whose work it was to write get the failure; their works are not run again, as they did
 * commit.
 */
public final class CommitGroup {

    private final Consumer<List<Runnable>> transaction;
    private final Runnable written;
    private final int maxBatch;
    private final Object lock = new Object();
    private List<Entry> queue = new ArrayList<>();
    private boolean committing;
    /** Works whose transaction committed, waiting for a write of the database file. */
    private List<Entry> unwritten = new ArrayList<>();
    private boolean writing;

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
                    // once its transaction is over, a work only waits to be written by its batch's leader
                    while ((committing || !mine.queued) && !mine.done) {
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
                    batch.forEach(e -> e.queued = false);
                }
                commitAndWrite(batch);
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

    /**
     * Runs the batch's transactions, lets the next batch's start, then writes this one (and whatever else committed
     * and waits to be written) unless a write under way already took it.
     */
    private void commitAndWrite(List<Entry> batch) {
        boolean settled = false;
        try {
            commit(batch);
            settled = true;
        } finally {
            synchronized (lock) {
                for (Entry e : batch) {
                    if (!settled && e.failure == null) { // an Error: nobody may wait for an outcome that will not come
                        e.failure = new IllegalStateException("the group commit was aborted");
                    }
                    if (e.failure == null) {
                        unwritten.add(e);
                    } else {
                        e.done = true;
                    }
                }
                committing = false;
                lock.notifyAll();
            }
        }
        write(batch);
    }

    private void commit(List<Entry> batch) {
        try {
            transaction.accept(batch.stream().map(e -> e.work).toList());
        } catch (RuntimeException shared) {
            if (batch.size() == 1) {
                batch.get(0).failure = shared;
                return;
            }
            for (Entry e : batch) {
                try {
                    transaction.accept(List.of(e.work));
                } catch (RuntimeException own) {
                    e.failure = own;
                }
            }
        }
    }

    private void write(List<Entry> batch) {
        boolean interrupted = false;
        while (true) {
            List<Entry> writing;
            synchronized (lock) {
                while (this.writing && !allDone(batch)) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // the works are committed: see them written
                    }
                }
                if (allDone(batch)) {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                this.writing = true;
                writing = unwritten;
                unwritten = new ArrayList<>();
            }
            RuntimeException outcome = null;
            boolean ran = false;
            try {
                written.run();
                ran = true;
            } catch (RuntimeException unwritten) {
                outcome = new NotWritten(unwritten);
                ran = true;
            } finally {
                if (!ran) { // an Error: made here only then, as an exception's stack trace is not cheap
                    outcome = new NotWritten(new IllegalStateException("the write of the group's commits was aborted"));
                }
                synchronized (lock) {
                    for (Entry e : writing) {
                        e.failure = outcome;
                        e.done = true;
                    }
                    this.writing = false;
                    lock.notifyAll();
                }
            }
        }
    }

    private static boolean allDone(List<Entry> batch) {
        return batch.stream().allMatch(e -> e.done);
    }

    /**
     * The work's transaction committed, but the commit could not be written to the database file: the caller must
     * not record anything over it as if it had not (a delivery recorded, then "retried", would go out twice).
     */
    public static final class NotWritten extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public NotWritten(RuntimeException cause) {
            super("committed, but not written to the database file: " + cause.getMessage(), cause);
        }
    }

    private static final class Entry {
        final Runnable work;
        /** Waiting for a transaction; then waiting to be written, or done. Guarded by the group's lock. */
        boolean queued = true;
        /** Set before {@link #done}, read after it. */
        RuntimeException failure;
        volatile boolean done;

        Entry(Runnable work) {
            this.work = work;
        }
    }
}
