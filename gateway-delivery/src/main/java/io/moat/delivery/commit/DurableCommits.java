package io.moat.delivery.commit;

import io.moat.persistence.DatabaseFlush;
import io.moat.persistence.MessageSpool;
import io.moat.settings.GatewaySettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The application's {@link CommitGroup}: intake records and the pipeline's results share commits, and one sync of
 * the spool's directory ({@link MessageSpool#syncDirectory()}), which makes the names of the message files stored
 * before it durable, comes before the records that name them are: on H2 before the group's write of the database file
 * forced to the device ({@link DatabaseFlush}), on PostgreSQL, whose commit is on the disk when it returns, before the
 * commit. A client hears {@code 250} only once both its file and its record would survive a power cut, and a record
 * never survives one without its file's name. Callers must not have a transaction of their own open, as their work
 * runs in the group's.
 */
@ApplicationScoped
public class DurableCommits {

    @Inject
    SharedTransaction transaction;

    /** {@code moat.commit.max-batch}: 64 carries every SMTP session and worker of a busy node in one commit. */
    @Inject
    GatewaySettings settings;

    @Inject
    Spool spool;

    @Resource(lookup = "java:jboss/datasources/MoatDS")
    DataSource dataSource;

    private CommitGroup group;

    @PostConstruct
    void init() {
        DatabaseFlush database = new DatabaseFlush(dataSource);
        group = group(transaction::run, this::syncSpool, database::flush, database::durableAtCommit,
                settings.commitMaxBatch());
    }

    /** The group commit, with the spool's sync before the records become durable (see the class). */
    static CommitGroup group(Consumer<List<Runnable>> transaction, Runnable syncSpool, Runnable flush,
            BooleanSupplier durableAtCommit, int maxBatch) {
        return new CommitGroup(works -> {
            if (durableAtCommit.getAsBoolean()) {
                syncSpool.run();
            }
            transaction.accept(works);
        }, () -> {
            if (!durableAtCommit.getAsBoolean()) {
                syncSpool.run();
                flush.run();
            }
        }, maxBatch);
    }

    private void syncSpool() {
        try {
            spool.get().syncDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("the spool's directory could not be synced to the disk", e);
        }
    }

    /**
     * Runs {@code work} in a transaction and returns once it committed and was written; see
     * {@link CommitGroup#run(Runnable)}.
     */
    public void run(Runnable work) {
        group.run(work);
    }
}
