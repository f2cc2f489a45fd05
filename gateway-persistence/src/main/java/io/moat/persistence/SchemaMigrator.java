package io.moat.persistence;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Brings the database schema up to date: applies, in order and each in its own transaction, the scripts listed in
 * {@code db/migration/index.txt} that the {@code moat_schema_version} table does not record yet. Several nodes
 * starting at once are safe: the primary key on the version makes the second applier fail and retry the check.
 */
public final class SchemaMigrator {

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class.getName());
    private static final String BASE = "db/migration/";

    private final DataSource dataSource;

    public SchemaMigrator(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Applies what is missing; returns how many scripts were applied. */
    public int migrate() throws SQLException, IOException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            try {
                connection.setAutoCommit(true);
                createVersionTable(connection);
                Set<String> applied = applied(connection);
                int count = 0;
                for (String script : scripts()) {
                    if (!applied.contains(script)) {
                        apply(connection, script);
                        count++;
                    }
                }
                return count;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private static void createVersionTable(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement
                    .execute("CREATE TABLE IF NOT EXISTS moat_schema_version (script VARCHAR(255) NOT NULL PRIMARY KEY,"
                            + " applied_at TIMESTAMP NOT NULL)");
        }
    }

    private static Set<String> applied(Connection connection) throws SQLException {
        Set<String> applied = new HashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT script FROM moat_schema_version")) {
            while (rows.next()) {
                applied.add(rows.getString(1));
            }
        }
        return applied;
    }

    private static void apply(Connection connection, String script) throws SQLException, IOException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement();
                PreparedStatement record = connection
                        .prepareStatement(
                                "INSERT INTO moat_schema_version (script, applied_at) VALUES (?, CURRENT_TIMESTAMP)")) {
            for (String sql : statements(read(BASE + script))) {
                statement.execute(sql);
            }
            record.setString(1, script);
            record.executeUpdate();
            connection.commit();
            LOG.info(() -> "applied schema migration " + script);
        } catch (SQLException e) {
            connection.rollback();
            throw new SQLException("schema migration " + script + " failed: " + e.getMessage(), e);
        } finally {
            connection.setAutoCommit(true);
        }
    }

    static List<String> scripts() throws IOException {
        List<String> scripts = new ArrayList<>();
        for (String line : read(BASE + "index.txt").split("\n")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                scripts.add(name);
            }
        }
        return scripts;
    }

    /** Splits a script at semicolons that end a line; comments starting with {@code --} are dropped. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    private static String read(String resource) throws IOException {
        InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("missing schema resource " + resource);
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            StringBuilder text = new StringBuilder();
            reader.lines().forEach(l -> text.append(l).append('\n'));
            return text.toString();
        }
    }
}
