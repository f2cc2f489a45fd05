package io.moat.persistence.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.pattern.ValidatePattern;

/**
 * Brings the database schema up to date with Flyway (ADR 0025): checks that every script recorded in
 * {@code flyway_schema_history} is still the script that was applied (its checksum) and that the database holds no
 * script this build does not know, then applies the missing scripts of {@code db/migration} in version order, each
 * in its own transaction. Anything else stops the start (fail closed) with a message that says what to do. Several
 * nodes starting at once are safe: Flyway locks its history table while it migrates. A database that the
 * hand-written migrator before Flyway kept is taken over first ({@link LegacyHistory}).
 */
public final class SchemaMigrations {

    /** Where the scripts are, named {@code V<n>__<what>.sql}; never edit one that was released, add a new one. */
    static final String LOCATION = "classpath:db/migration";
    /** Flyway's default name, which Flyway's own tools (command line, Maven plugin) find without configuration. */
    static final String HISTORY_TABLE = "flyway_schema_history";

    private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());

    private final DataSource dataSource;
    private final String location;

    public SchemaMigrations(DataSource dataSource) {
        this(dataSource, LOCATION);
    }

    /** With the scripts at {@code location} (a Flyway location), for tests that change a script. */
    SchemaMigrations(DataSource dataSource, String location) {
        this.dataSource = dataSource;
        this.location = location;
    }

    /** Applies what is missing; returns how many scripts were applied now. */
    public int migrate() throws SchemaMigrationException {
        FluentConfiguration configuration = Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(location)
                .table(HISTORY_TABLE)
                .failOnMissingLocations(true)
                .validateMigrationNaming(true)
                // none ignored: an applied script this build lacks means a newer Moat migrated the database
                .ignoreMigrationPatterns(new ValidatePattern[0])
                .cleanDisabled(true);
        try {
            takeOverLegacyHistory(configuration);
            return configuration.load().migrate().migrationsExecuted;
        } catch (FlywayValidateException e) {
            throw fail("the database's schema history does not match this build's migration scripts. If an applied"
                    + " script was edited, restore its original text and put the change in a new script; if a newer"
                    + " Moat migrated this database, run that version or restore a backup taken before it. Do not run"
                    + " Flyway's repair: it would record the edited script as applied. Nothing was changed. Flyway"
                    + " found: " + e.getMessage().strip(), e);
        } catch (FlywayException e) {
            throw fail("a schema migration failed; fix the database or restore a backup, then start again."
                    + " Flyway found: " + e.getMessage().strip(), e);
        } catch (SchemaMigrationException e) {
            LOG.severe(() -> "Moat cannot start: " + e.getMessage());
            throw e;
        } catch (SQLException e) {
            throw fail("the schema history could not be read: " + e.getMessage(), e);
        }
    }

    private void takeOverLegacyHistory(FluentConfiguration configuration)
            throws SQLException, SchemaMigrationException {
        try (Connection connection = dataSource.getConnection()) {
            if (!LegacyHistory.needsTakeOver(connection, HISTORY_TABLE)) {
                return;
            }
            List<MigrationInfo> known = Arrays.stream(configuration.load().info().all())
                    .filter(m -> m.isVersioned() && m.getVersion() != null)
                    .sorted((a, b) -> a.getVersion().compareTo(b.getVersion()))
                    .toList();
            String version = LegacyHistory.baselineVersion(connection, known);
            LOG.info(() -> "taking the schema history over from " + LegacyHistory.TABLE + ": Flyway's history starts at"
                    + " version " + version + ", the last script it records; later scripts are applied now");
            configuration.baselineOnMigrate(true)
                    .baselineVersion(version)
                    .baselineDescription("scripts up to V" + version + " applied before Flyway");
        }
    }

    private static SchemaMigrationException fail(String message, Exception cause) {
        LOG.severe(() -> "Moat cannot start: " + message);
        return new SchemaMigrationException(message, cause);
    }
}
