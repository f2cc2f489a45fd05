package io.moat.persistence;

import io.moat.jdbc.MoatDriver;
import io.moat.persistence.migration.SchemaMigrationException;
import io.moat.persistence.migration.SchemaMigrations;
import io.moat.testkit.PostgresCluster;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Databases with the persistence unit on them, and repositories wired as the container would. In-memory H2 by default;
 * with {@code -Dmoat.test.db=postgresql} (the module's second test run) a database on a PostgreSQL cluster of the
 * tests' own, through the gateway's own driver ({@link MoatDriver}, which sets the session as the server would).
 */
final class TestDatabases {

    /** Whether this run's databases are PostgreSQL's. */
    static final boolean POSTGRESQL = "postgresql".equals(System.getProperty("moat.test.db"));

    private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();

    private TestDatabases() {
    }

    /** The database {@code name} of this run's kind: the same database for the same name. */
    static DataSource dataSource(String name) {
        return POSTGRESQL ? postgresql(name) : h2(name);
    }

    /** An in-memory H2 database, for tests of what only H2 has (its plans, its file). */
    static JdbcDataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    /** A database on the tests' PostgreSQL cluster, made at the first call for {@code name}. */
    static DataSource postgresql(String name) {
        PostgresCluster cluster = PostgresCluster.shared();
        String database = "t_" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (database.length() > 63) {
            database = database.substring(0, 40) + "_" + Integer.toHexString(name.hashCode());
        }
        if (CREATED.add(database)) {
            cluster.createDatabase(database);
        }
        return new DriverDataSource(cluster.jdbcUrl(database), PostgresCluster.USER);
    }

    /** The persistence unit on {@code ds}, with {@code extra} Hibernate properties. */
    static EntityManagerFactory factory(DataSource ds, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(extra);
        properties.put("jakarta.persistence.transactionType", "RESOURCE_LOCAL");
        properties.put("jakarta.persistence.jtaDataSource", ds);
        properties.put("jakarta.persistence.nonJtaDataSource", ds);
        return Persistence.createEntityManagerFactory("moat", properties);
    }

    /** A new in-memory database with the migrations applied, and a factory on it. */
    static EntityManagerFactory migrated(String name) throws SchemaMigrationException {
        DataSource ds = dataSource(name);
        new SchemaMigrations(ds).migrate();
        return factory(ds, Map.of());
    }

    /** The repository as the container would inject it, on {@code em}. */
    static MessageRepository repositoryOn(EntityManager em) throws ReflectiveOperationException {
        return injected(new MessageRepository(), em);
    }

    /** {@code repository} with {@code em} in its field {@code em}, as the container would inject it. */
    static <T> T injected(T repository, EntityManager em) throws ReflectiveOperationException {
        Field field = repository.getClass().getDeclaredField("em");
        field.setAccessible(true);
        field.set(repository, em);
        return repository;
    }

    /** {@link #repositoryOn}, for callers that cannot pass its checked exception on (lambdas). */
    static MessageRepository repository(EntityManager em) {
        try {
            return repositoryOn(em);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code work} in a transaction of its own on a new entity manager, and commits it. */
    static void inTransaction(EntityManagerFactory emf, Consumer<EntityManager> work) {
        EntityManager em = emf.createEntityManager();
        try {
            em.getTransaction().begin();
            work.accept(em);
            em.getTransaction().commit();
        } finally {
            if (em.getTransaction().isActive()) {
                em.getTransaction().rollback();
            }
            em.close();
        }
    }

    /** Connections from the gateway's driver: a new one per call, as the tests need no pool. */
    private static final class DriverDataSource implements DataSource {

        private final MoatDriver driver = new MoatDriver();
        private final String url;
        private final String user;

        DriverDataSource(String url, String user) {
            this.url = url;
            this.user = user;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return getConnection(user, "");
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("user", username);
            properties.setProperty("password", password);
            return driver.connect(url, properties);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
