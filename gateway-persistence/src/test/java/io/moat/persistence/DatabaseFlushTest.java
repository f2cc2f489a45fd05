package io.moat.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseFlushTest {

    @TempDir
    Path dir;

    /** H2 in a file that writes commits on its own only after a minute, far later than this test runs. */
    private JdbcDataSource h2File() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=60000");
        ds.setUser("sa");
        ds.setPassword("sa");
        return ds;
    }

    @Test
    void aFlushedCommitSurvivesTheProcessWhileOneCommittedAfterTheFlushIsLost() throws SQLException {
        JdbcDataSource ds = h2File();
        DatabaseFlush flush = new DatabaseFlush(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v INT)");
        }
        // closing the last connection closed the database, which wrote everything; from here one stays open
        try (Connection open = ds.getConnection(); Statement s = open.createStatement()) {
            s.execute("INSERT INTO t VALUES (1)");
            flush.flush();
            s.execute("INSERT INTO t VALUES (2)"); // committed (auto-commit), not flushed
            s.execute("SHUTDOWN IMMEDIATELY"); // as kill -9: the files closed, nothing more written
        } catch (SQLException closedByShutdown) {
            // the connection is gone after SHUTDOWN IMMEDIATELY
        }

        assertThat(values(ds)).containsExactly(1);
    }

    private static List<Integer> values(DataSource ds) throws SQLException {
        List<Integer> values = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT v FROM t ORDER BY v")) {
            while (rs.next()) {
                values.add(rs.getInt(1));
            }
        }
        return values;
    }

    @Test
    void anotherDatabaseIsAskedOnceWhatItIsAndGivenNoStatement() {
        AtomicInteger connections = new AtomicInteger();
        DatabaseMetaData postgres = proxy(DatabaseMetaData.class, (name, args) -> switch (name) {
            case "getDatabaseProductName" -> "PostgreSQL";
            default -> throw new AssertionError("unexpected " + name);
        });
        Connection connection = proxy(Connection.class, (name, args) -> switch (name) {
            case "getMetaData" -> postgres;
            case "close" -> null;
            default -> throw new AssertionError("unexpected " + name);
        });
        DataSource ds = proxy(DataSource.class, (name, args) -> switch (name) {
            case "getConnection" -> {
                connections.incrementAndGet();
                yield connection;
            }
            default -> throw new AssertionError("unexpected " + name);
        });
        DatabaseFlush flush = new DatabaseFlush(ds);

        flush.flush();
        flush.flush();

        assertThat(connections).hasValue(1);
    }

    private interface Answer {
        Object answer(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type},
                (p, method, args) -> answer.answer(method.getName(), args)));
    }
}
