package io.moat.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Writes what committed transactions changed to the database file, for callers that must not answer before their
 * commit survives the process: the intake before SMTP's {@code 250}, the pipeline before it forgets a delivery.
 *
 * <p>H2, the embedded database, keeps commits in memory for up to its write delay ({@code WRITE_DELAY=500} in the
 * datasource's URL) and then writes them together from a background thread, which also compacts its file. With
 * {@code WRITE_DELAY=0} it would write a chunk of the file for every commit instead, from the committing thread,
 * and never compact the file (H2 compacts only in that background thread): the chunks' index grows with every
 * commit, and so does the file (ADR 0016). Here H2's {@code CHECKPOINT SYNC} writes everything committed so far
 * and forces it to the device (fsync), once for a whole group of commits (the delivery module's group commit): a
 * plain {@code CHECKPOINT} leaves the write in the operating system's cache, which survives the process but not a
 * power cut, and the client has heard {@code 250} by then. Other databases: a commit is durable when it returns,
 * and there is nothing to do.
 */
public final class DatabaseFlush {

    private final DataSource dataSource;
    private volatile Boolean h2;

    public DatabaseFlush(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Returns once every transaction committed before the call is in the database file.
     *
     * @throws IllegalStateException if the database could not write it
     */
    public void flush() {
        if (durableAtCommit()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            throw new IllegalStateException("the database did not write committed transactions to its file: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Whether a commit is on the disk when it returns (PostgreSQL), rather than at the next {@link #flush} (H2).
     *
     * @throws IllegalStateException if the database could not be asked
     */
    public boolean durableAtCommit() {
        Boolean known = h2;
        if (known == null) {
            try (Connection connection = dataSource.getConnection()) {
                known = "H2".equals(connection.getMetaData().getDatabaseProductName());
            } catch (SQLException e) {
                throw new IllegalStateException("the database could not be asked what it is: " + e.getMessage(), e);
            }
            h2 = known;
        }
        return !known;
    }
}
