package io.moat.settings;

import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.function.Supplier;

/**
 * Settings read from the database once and kept for the hot paths (every RCPT, every claim) until a transaction that
 * changes them ends. A reader that loaded before a change committed must not put its stale copy back after the change
 * cleared it: every clear starts a new generation, and a loaded value is kept only if no clear came while it loaded
 * (it is still returned to its reader, as a read a moment earlier would have been).
 */
public final class SnapshotCache<T> {

    private final Supplier<T> loader;
    private volatile T value;
    private long generation;

    public SnapshotCache(Supplier<T> loader) {
        this.loader = loader;
    }

    /** The kept value, or a fresh one from the database. */
    public T get() {
        T kept = value;
        if (kept != null) {
            return kept;
        }
        long before;
        synchronized (this) {
            before = generation;
        }
        T loaded = loader.get();
        synchronized (this) {
            if (generation == before) {
                value = loaded;
            }
        }
        return loaded;
    }

    /** Forgets the value now and again once the current transaction has ended (committed or rolled back). */
    public void invalidate(TransactionSynchronizationRegistry transactions) {
        clear();
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                // nothing: only the end matters
            }

            @Override
            public void afterCompletion(int status) {
                clear();
            }
        });
    }

    /** Forgets the value; a load under way when this runs is not kept. */
    public synchronized void clear() {
        generation++;
        value = null;
    }
}
