package io.moat.delivery.quarantine;

import io.moat.delivery.commit.Spool;
import io.moat.persistence.PurgeRunEntity;
import io.moat.persistence.QuarantineRepository.Candidate;
import io.moat.settings.RetentionSettings;
import io.moat.settings.RetentionSettingsService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removes what the retention settings no longer keep, in batches of {@value #BATCH} (one transaction each): quarantined
 * messages (DELETED, files removed), the spool files of FAILED messages, and the records of handled mail. Files are
 * removed after the commit that records it; one that cannot be removed is logged and left.
 */
@ApplicationScoped
public class RetentionPurge {

    private static final Logger LOG = Logger.getLogger(RetentionPurge.class.getName());
    static final int BATCH = 500;

    @Inject
    QuarantineLedger ledger;

    @Inject
    RetentionSettingsService retention;

    @Inject
    Spool spool;

    /** What a run removed. */
    public record Report(int quarantined, int spoolFiles, int records) {
    }

    /** One run: everything past its time, as the settings are now. */
    public synchronized Report run() {
        Instant now = Instant.now();
        RetentionSettings times = retention.get();
        int quarantined = 0;
        for (List<Candidate> batch = ledger.quarantinedBefore(now.minus(times.quarantine()), BATCH); !batch
                .isEmpty(); batch = ledger.quarantinedBefore(now.minus(times.quarantine()), BATCH)) {
            List<Candidate> purged = ledger.purged(batch, "kept " + times.quarantine() + " (Settings › Retention)",
                    now);
            purged.forEach(this::removeFiles);
            quarantined += purged.size();
            if (purged.isEmpty()) {
                break; // all acted on meanwhile
            }
        }
        int files = 0;
        for (List<Candidate> batch = ledger.keptFilesBefore(now.minus(times.spoolFiles()), BATCH); !batch
                .isEmpty(); batch = ledger.keptFilesBefore(now.minus(times.spoolFiles()), BATCH)) {
            batch.forEach(this::removeFiles);
            ledger.filesRemoved(batch.stream().map(Candidate::id).toList(), now);
            files += batch.size();
        }
        int records = 0;
        for (List<Candidate> batch = ledger.handledBefore(now.minus(times.records()), BATCH); !batch
                .isEmpty(); batch = ledger.handledBefore(now.minus(times.records()), BATCH)) {
            records += ledger.deleteRecords(batch.stream().map(Candidate::id).toList());
            batch.forEach(this::removeFiles); // a failed message's files, if kept longer than its record
        }
        Report report = new Report(quarantined, files, records);
        ledger.recordRun(new PurgeRunEntity(now, quarantined, files, records));
        if (quarantined + files + records > 0) {
            LOG.info(() -> "retention purge: " + report.quarantined() + " quarantined messages purged (kept "
                    + times.quarantine() + "), spool files of " + report.spoolFiles() + " failed messages removed"
                    + " (kept " + times.spoolFiles() + "), " + report.records() + " records of handled mail deleted"
                    + " (kept " + times.records() + ")");
        }
        return report;
    }

    /** A scheduled run: a failure is logged, and the next run tries again. */
    public void runScheduled() {
        try {
            run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the retention purge failed; it runs again at its next interval"
                    + " (moat.retention.interval)", e);
        }
    }

    private void removeFiles(Candidate c) {
        try {
            spool.get().delete(c.spoolName());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove the spool files of message " + c.id() + " (" + c.spoolName()
                    + "); remove them by hand", e);
        }
    }
}
