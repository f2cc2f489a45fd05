package io.moat.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The gateway's one JDBC driver, which hands each connection to H2's or PostgreSQL's driver by the URL
 * ({@code moat.db.url}): a WildFly datasource names its driver without expressions, so one datasource could not
 * follow the configuration otherwise (ADR 0043). A PostgreSQL session is made to count time in UTC, as the schema's
 * {@code TIMESTAMP} columns do (the PostgreSQL driver sends the JVM's zone at start, and SQL's own times, such as a
 * migration's {@code CURRENT_TIMESTAMP}, are converted with it; Hibernate binds in UTC either way), and to commit
 * durably ({@code synchronous_commit}: a message's {@code 250} only after its record is on disk, whatever the
 * server's default).
 */
public final class MoatDriver implements Driver {

    static final String H2 = "jdbc:h2:";
    static final String POSTGRESQL = "jdbc:postgresql:";
    /** Run once on every new PostgreSQL connection. */
    static final String POSTGRESQL_SESSION = "SET TIME ZONE 'UTC'; SET synchronous_commit TO on";

    private volatile Driver h2;
    private volatile Driver postgresql;

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (url == null) {
            throw new SQLException("no database URL: set moat.db.url (MOAT_DB_URL)");
        }
        if (url.startsWith(H2)) {
            return h2().connect(url, info);
        }
        if (url.startsWith(POSTGRESQL)) {
            Connection connection = postgresql().connect(url, info);
            try (Statement statement = connection.createStatement()) {
                statement.execute(POSTGRESQL_SESSION);
            } catch (SQLException e) {
                try {
                    connection.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            return connection;
        }
        // the URL may hold a password: name its scheme only
        throw new SQLException("moat.db.url (MOAT_DB_URL) must start with " + H2 + " or " + POSTGRESQL + "; it starts"
                + " with " + scheme(url));
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && (url.startsWith(H2) || url.startsWith(POSTGRESQL));
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        if (url != null && url.startsWith(H2)) {
            return h2().getPropertyInfo(url, info);
        }
        if (url != null && url.startsWith(POSTGRESQL)) {
            return postgresql().getPropertyInfo(url, info);
        }
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false; // H2 does not claim it
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("MoatDriver logs through the driver it chose");
    }

    /** The URL's scheme ({@code jdbc:<name>:}), or "something else" when it has none. */
    static String scheme(String url) {
        int first = url.indexOf(':');
        int second = first < 0 ? -1 : url.indexOf(':', first + 1);
        if (!url.startsWith("jdbc:") || second < 0 || second > 40) {
            return "something else than jdbc:";
        }
        return url.substring(0, second + 1);
    }

    private Driver h2() {
        Driver driver = h2;
        if (driver == null) {
            driver = new org.h2.Driver();
            h2 = driver;
        }
        return driver;
    }

    private Driver postgresql() {
        Driver driver = postgresql;
        if (driver == null) {
            driver = new org.postgresql.Driver();
            postgresql = driver;
        }
        return driver;
    }
}
