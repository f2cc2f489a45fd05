package io.moat.persistence;

import io.moat.persistence.migration.SchemaMigrationException;
import io.moat.persistence.migration.SchemaMigrations;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.h2.jdbcx.JdbcDataSource;

/** In-memory H2 databases with the persistence unit on them, and repositories wired as the container would. */
final class TestDatabases {

    private TestDatabases() {
    }

    static JdbcDataSource dataSource(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    /** The persistence unit on {@code ds}, with {@code extra} Hibernate properties. */
    static EntityManagerFactory factory(JdbcDataSource ds, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(extra);
        properties.put("jakarta.persistence.transactionType", "RESOURCE_LOCAL");
        properties.put("jakarta.persistence.jtaDataSource", ds);
        properties.put("jakarta.persistence.nonJtaDataSource", ds);
        return Persistence.createEntityManagerFactory("moat", properties);
    }

    /** A new in-memory database with the migrations applied, and a factory on it. */
    static EntityManagerFactory migrated(String name) throws SchemaMigrationException {
        JdbcDataSource ds = dataSource(name);
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
}
