package io.moat.delivery.internal;

import io.moat.persistence.DatabaseFlush;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import javax.sql.DataSource;

/**
 * The application's {@link CommitGroup}: intake records and the pipeline's results share commits, and one write of
 * the database file ({@link DatabaseFlush}). Callers must not have a transaction of their own open, as their work
 * runs in the group's.
 */
@ApplicationScoped
public class GroupCommit {

    /** Enough to carry every SMTP session and worker of a busy node in one commit, small enough to stay short. */
    private static final int MAX_BATCH = 64;

    @Inject
    SharedTransaction transaction;

    @Resource(lookup = "java:jboss/datasources/MoatDS")
    DataSource dataSource;

    private CommitGroup group;

    @PostConstruct
    void init() {
        group = new CommitGroup(transaction::run, new DatabaseFlush(dataSource)::flush, MAX_BATCH);
    }

    /**
     * Runs {@code work} in a transaction and returns once it committed and was written; see
     * {@link CommitGroup#run(Runnable)}.
     */
    public void run(Runnable work) {
        group.run(work);
    }
}
