package io.moat.persistence.migration;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.flywaydb.core.api.MigrationInfo;

/**
 * The history that the hand-written migrator before Flyway kept: table {@code moat_schema_version}, one row per
 * applied script, by file name. It applied the scripts in version order, so a database it migrated holds the first
 * <i>n</i> scripts of a build; Flyway takes it over with a baseline at the <i>n</i>th version and runs only the
 * scripts after it. The table is left as it is (it is read only here, once).
 */
final class LegacyHistory {

    static final String TABLE = "moat_schema_version";

    private LegacyHistory() {
    }

    /** Whether {@code connection}'s database was migrated by the old migrator and Flyway has not taken it over. */
    static boolean needsTakeOver(Connection connection, String flywayTable) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        return tableExists(meta, TABLE) && !tableExists(meta, flywayTable);
    }

    /**
     * The version at which Flyway's history starts for a database with the old history: that of the last script
     * recorded ({@code "0"} if none was).
     *
     * @param known this build's versioned migrations, in version order
     * @throws SchemaMigrationException if the recorded scripts are not the first scripts of this build, in which case
     *         no baseline is safe: a script would run twice or never
     */
    static String baselineVersion(Connection connection, List<MigrationInfo> known)
            throws SQLException, SchemaMigrationException {
        Set<String> applied = new HashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT script FROM " + TABLE)) {
            while (rows.next()) {
                applied.add(rows.getString(1));
            }
        }
        int count = applied.size();
        Set<String> first = new HashSet<>();
        known.stream().limit(count).forEach(m -> first.add(m.getScript()));
        if (count > known.size() || !first.equals(applied)) {
            throw new SchemaMigrationException("the old schema history (" + TABLE + ") records "
                    + new TreeSet<>(applied)
                    + ", which are not the first " + count + " migration scripts of this build; start the Moat version"
                    + " that migrated this database, or restore a backup taken with it. Nothing was changed.");
        }
        return count == 0 ? "0" : known.get(count - 1).getVersion().getVersion();
    }

    /** Looks the name up as written and in the case the database folds unquoted names to (H2 upper, PostgreSQL lower). */
    private static boolean tableExists(DatabaseMetaData meta, String name) throws SQLException {
        String escape = meta.getSearchStringEscape();
        for (String candidate : new LinkedHashSet<>(
                List.of(name, name.toUpperCase(Locale.ROOT), name.toLowerCase(Locale.ROOT)))) {
            String pattern = escape == null ? candidate : candidate.replace("_", escape + "_");
            try (ResultSet tables = meta.getTables(null, null, pattern, new String[]{"TABLE"})) {
                if (tables.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
