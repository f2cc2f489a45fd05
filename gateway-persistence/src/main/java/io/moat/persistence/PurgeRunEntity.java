package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** What one run of the retention purge removed: quarantined messages, spool files of handled mail, records. */
@Entity
@Table(name = "moat_purge_run")
public class PurgeRunEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "started_at")
    private Instant startedAt;

    private int quarantined;

    @Column(name = "spool_files")
    private int spoolFiles;

    private int records;

    protected PurgeRunEntity() {
        // for JPA
    }

    public PurgeRunEntity(Instant startedAt, int quarantined, int spoolFiles, int records) {
        this.startedAt = startedAt;
        this.quarantined = quarantined;
        this.spoolFiles = spoolFiles;
        this.records = records;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public int getQuarantined() {
        return quarantined;
    }

    public int getSpoolFiles() {
        return spoolFiles;
    }

    public int getRecords() {
        return records;
    }
}
