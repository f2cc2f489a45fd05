package io.moat.persistence.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flyway on a real H2 file database, closed between starts as the server closes it: a new database gets every
 * script, one the hand-written migrator kept is taken over without running a script twice, and a history that does
 * not match the scripts stops the start before anything runs.
 */
class SchemaMigrationsTest {

    @TempDir
    Path dir;

    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger log = Logger.getLogger(SchemaMigrations.class.getName());
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void recordLog() {
        log.addHandler(recorder);
    }

    @AfterEach
    void stopRecording() {
        log.removeHandler(recorder);
    }

    @Test
    void aNewDatabaseGetsEveryScriptInVersionOrderOnceAndFlywayRecordsEach() throws Exception {
        JdbcDataSource ds = fileDatabase();
        List<String> scripts = scripts();

        assertThat(new SchemaMigrations(ds).migrate()).isEqualTo(scripts.size());
        assertThat(new SchemaMigrations(ds).migrate()).isZero();

        assertThat(history(ds)).containsExactlyElementsOf(
                scripts.stream().map(s -> "SQL " + version(s) + " " + s + " true").toList());
        assertThat(tableExists(ds, "MOAT_SCHEMA_VERSION")).isFalse();
    }

    @ParameterizedTest(name = "{0} scripts behind")
    @ValueSource(ints = {0, 2})
    void aDatabaseTheOldMigratorKeptIsTakenOverWithItsDataAndNoScriptRunsTwice(int behind) throws Exception {
        JdbcDataSource ds = fileDatabase();
        List<String> scripts = scripts();
        List<String> old = scripts.subList(0, scripts.size() - behind);
        migrateAsTheOldMigratorDid(ds, old, old);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO moat_certificate (id, name, sealed_key, certificate_pem, created_at, updated_at,"
                    + " version) VALUES ('kept', 'from before', 'sealed', 'pem', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0)");
        }

        // a script that ran again would fail: every one of them creates or alters what it finds absent
        assertThat(new SchemaMigrations(ds).migrate()).isEqualTo(behind);
        assertThat(new SchemaMigrations(ds).migrate()).isZero();

        List<String> expected = new ArrayList<>();
        String baseline = version(old.get(old.size() - 1));
        expected.add("BASELINE " + baseline + " scripts up to V" + baseline + " applied before Flyway true");
        scripts.subList(old.size(), scripts.size()).forEach(s -> expected.add("SQL " + version(s) + " " + s + " true"));
        assertThat(history(ds)).containsExactlyElementsOf(expected);
        try (Connection c = ds.getConnection();
                ResultSet rows = c.createStatement().executeQuery("SELECT name FROM moat_certificate")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("from before");
        }
        assertThat(tableExists(ds, "MOAT_SCHEMA_VERSION")).isTrue();
        assertThat(logged).extracting(LogRecord::getMessage)
                .anyMatch(m -> m.contains("taking the schema history over") && m.contains("version " + baseline));
    }

    @Test
    void anOldHistoryWithAGapStopsTheStartAndChangesNothing() throws Exception {
        JdbcDataSource ds = fileDatabase();
        List<String> scripts = scripts();
        migrateAsTheOldMigratorDid(ds, scripts.subList(0, 2), List.of(scripts.get(0), scripts.get(1), scripts.get(3)));

        assertThatThrownBy(() -> new SchemaMigrations(ds).migrate()).isInstanceOf(SchemaMigrationException.class)
                .hasMessageContaining("not the first 3 migration scripts of this build")
                .hasMessageContaining("start the Moat version that migrated this database");
        assertThat(tableExists(ds, "flyway_schema_history")).isFalse();
        assertThat(tableExists(ds, "MOAT_CERTIFICATE")).isFalse();
        assertThat(severe()).anyMatch(m -> m.startsWith("Moat cannot start: the old schema history"));
    }

    @Test
    void anEditedScriptStopsTheStartWithWhatToDoBeforeAnyNewScriptRuns() throws Exception {
        JdbcDataSource ds = fileDatabase();
        Path copy = copyOfTheScripts();
        new SchemaMigrations(ds, "filesystem:" + copy).migrate();
        Path edited = copy.resolve(scripts().get(2));
        Files.writeString(edited, Files.readString(edited).replace("DROP INDEX", "DROP INDEX IF EXISTS"));
        Files.writeString(copy.resolve("V" + (latestVersion() + 1) + "__later.sql"),
                "CREATE TABLE moat_later (id INT);");

        assertThatThrownBy(() -> new SchemaMigrations(ds, "filesystem:" + copy).migrate())
                .isInstanceOf(SchemaMigrationException.class)
                .hasMessageContaining("checksum mismatch for migration version 3")
                .hasMessageContaining("restore its original text and put the change in a new script");
        assertThat(tableExists(ds, "MOAT_LATER")).isFalse();
        assertThat(severe()).anyMatch(m -> m.startsWith("Moat cannot start: the database's schema history does not"
                + " match this build's migration scripts"));
    }

    @Test
    void aDatabaseANewerBuildMigratedStopsTheStart() throws Exception {
        JdbcDataSource ds = fileDatabase();
        Path copy = copyOfTheScripts();
        Files.writeString(copy.resolve("V" + (latestVersion() + 1) + "__later.sql"),
                "CREATE TABLE moat_later (id INT);");
        new SchemaMigrations(ds, "filesystem:" + copy).migrate();

        assertThatThrownBy(() -> new SchemaMigrations(ds).migrate()).isInstanceOf(SchemaMigrationException.class)
                .hasMessageContaining("not resolved locally")
                .hasMessageContaining("if a newer Moat migrated this database, run that version");
    }

    @Test
    void theDefaultRuleUsesSanitizedFilesFromV19OnAndARuleThatAlreadySaysKeepsItsWord() throws Exception {
        JdbcDataSource ds = fileDatabase();
        new SchemaMigrations(ds).migrate();

        assertThat(defaultRule(ds)).isEqualTo("{\"cdr\":{\"useSanitized\":true,\"onFailure\":\"BLOCK\"},"
                + "\"filter\":{\"direction\":\"INBOUND\"},\"scanBody\":true,\"actions\":{\"blocked\":\"QUARANTINE\","
                + "\"encrypted\":\"QUARANTINE\",\"scanError\":\"RETRY\"}}");

        JdbcDataSource other = new JdbcDataSource();
        other.setURL("jdbc:h2:file:" + dir.resolve("db2").resolve("moat"));
        other.setUser("sa");
        other.setPassword("sa");
        Path before = copyOfTheScripts();
        for (String later : scripts().stream().filter(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))) >= 19)
                .toList()) {
            Files.delete(before.resolve(later)); // the database as a build before V19 left it
        }
        new SchemaMigrations(other, "filesystem:" + before).migrate();
        String chosen = "{\"cdr\":{\"useSanitized\":false,\"onFailure\":\"BLOCK\"},\"scanBody\":false}";
        try (Connection c = other.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE moat_security_rule SET definition = '" + chosen + "'");
        }
        new SchemaMigrations(other).migrate();
        assertThat(defaultRule(other)).isEqualTo(chosen);
    }

    private static String defaultRule(JdbcDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                ResultSet r = c.createStatement().executeQuery(
                        "SELECT definition FROM moat_security_rule WHERE id = '00000000-0000-0000-0000-00000000d3fa'")) {
            assertThat(r.next()).isTrue();
            return r.getString(1);
        }
    }

    private JdbcDataSource fileDatabase() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("db").resolve("moat"));
        ds.setUser("sa");
        ds.setPassword("sa");
        return ds;
    }

    /**
     * What the hand-written migrator left: each script run, and its own history table recording {@code recorded}.
     */
    private static void migrateAsTheOldMigratorDid(JdbcDataSource ds, List<String> run, List<String> recorded)
            throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS moat_schema_version (script VARCHAR(255) NOT NULL PRIMARY KEY,"
                    + " applied_at TIMESTAMP NOT NULL)");
            for (String script : run) {
                s.execute("RUNSCRIPT FROM 'classpath:/db/migration/" + script + "'");
            }
            try (PreparedStatement record = c.prepareStatement(
                    "INSERT INTO moat_schema_version (script, applied_at) VALUES (?, CURRENT_TIMESTAMP)")) {
                for (String script : recorded) {
                    record.setString(1, script);
                    record.executeUpdate();
                }
            }
        }
    }

    /** The build's scripts, in version order. */
    private static List<String> scripts() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(migrationDirectory())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.+\\.sql"))
                    .sorted(Comparator.comparingInt(n -> Integer.parseInt(version(n)))).toList();
        }
    }

    private Path copyOfTheScripts() throws IOException, URISyntaxException {
        Path copy = Files.createDirectories(dir.resolve("scripts"));
        for (String script : scripts()) {
            Files.copy(migrationDirectory().resolve(script), copy.resolve(script));
        }
        return copy;
    }

    private static Path migrationDirectory() throws URISyntaxException {
        return Path.of(SchemaMigrationsTest.class.getClassLoader().getResource("db/migration").toURI());
    }

    /** The highest version of this build's scripts: a later script's is above it (numbers may have gaps). */
    private static int latestVersion() throws IOException, URISyntaxException {
        List<String> scripts = scripts();
        return Integer.parseInt(version(scripts.get(scripts.size() - 1)));
    }

    private static String version(String script) {
        return script.substring(1, script.indexOf("__"));
    }

    /**
     * Flyway's history of versions: type, version, script and success of each row, in the order they were written
     * (without the row that records the history table's creation).
     */
    private static List<String> history(JdbcDataSource ds) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = ds.getConnection();
                ResultSet r = c.createStatement().executeQuery("SELECT \"type\", \"version\", \"script\", \"success\""
                        + " FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (r.next()) {
                rows.add(r.getString(1) + " " + r.getString(2) + " " + r.getString(3) + " " + r.getBoolean(4));
            }
        }
        return rows;
    }

    private static boolean tableExists(JdbcDataSource ds, String name) throws SQLException {
        try (Connection c = ds.getConnection();
                ResultSet r = c.getMetaData().getTables(null, null, name, null)) {
            return r.next();
        }
    }

    private List<String> severe() {
        return logged.stream().filter(r -> r.getLevel() == Level.SEVERE).map(LogRecord::getMessage).toList();
    }
}
