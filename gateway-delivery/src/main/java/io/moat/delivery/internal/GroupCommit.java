package io.moat.delivery.internal;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The application's {@link CommitGroup}: intake records and the pipeline's results share commits. Callers must not
 * have a transaction of their own open, as their work runs in the group's.
 */
@ApplicationScoped
public class GroupCommit {

    /** Enough to carry every SMTP session and worker of a busy node in one commit, small enough to stay short. */
    private static final int MAX_BATCH = 64;

    @Inject
    SharedTransaction transaction;

    private CommitGroup group;

    @PostConstruct
    void init() {
        group = new CommitGroup(transaction::run, MAX_BATCH);
    }

    /** Runs {@code work} in a transaction and returns once it committed; see {@link CommitGroup#run(Runnable)}. */
    public void run(Runnable work) {
        group.run(work);
    }
}
