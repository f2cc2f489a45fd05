package io.moat.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.persistence.migration.SchemaMigrations;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rescan page's links in the migrated schema: what a row holds, and the limits the database decides. */
class RescanLinkRepositoryTest {

    private static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private DataSource ds;
    private EntityManagerFactory emf;

    @BeforeEach
    void database() throws Exception {
        ds = TestDatabases.dataSource("rescan-links-" + System.nanoTime());
        new SchemaMigrations(ds).migrate();
        emf = TestDatabases.factory(ds, Map.of());
        inTransaction(links -> {
            links.add(new RescanLinkEntity(HASH, "m-1", NOW, NOW.plus(Duration.ofDays(7))));
            return null;
        });
    }

    @AfterEach
    void close() {
        emf.close();
    }

    @Test
    void aLinkIsFoundByItsHashAndItsRowHoldsNothingButTheHashTheMessageAndItsTimes() throws Exception {
        RescanLinkEntity found = find().orElseThrow();
        assertThat(found.getMessageId()).isEqualTo("m-1");
        assertThat(found.getExpiresAt()).isEqualTo(NOW.plus(Duration.ofDays(7)));
        assertThat(found.getUsedAt()).isNull();
        Optional<RescanLinkEntity> none = inTransaction(links -> links.find("0".repeat(64)));
        assertThat(none).isEmpty();

        try (Connection c = ds.getConnection();
                ResultSet columns = c.getMetaData().getColumns(null, null,
                        TestDatabases.POSTGRESQL ? "moat_rescan_link" : "MOAT_RESCAN_LINK", null)) {
            StringBuilder names = new StringBuilder();
            while (columns.next()) {
                names.append(columns.getString("COLUMN_NAME").toUpperCase(Locale.ROOT)).append(' ');
            }
            assertThat(names.toString().strip())
                    .isEqualTo("TOKEN_HASH MESSAGE_ID CREATED_AT EXPIRES_AT USED_AT ATTEMPTS");
        }
    }

    @Test
    void attemptsAreCountedUpToTheLimitAndAnAttemptNeverTriedIsGivenBack() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(reserve(NOW, 3)).as("attempt " + (i + 1)).isTrue();
        }
        assertThat(reserve(NOW, 3)).isFalse();
        assertThat(find().orElseThrow().getAttempts()).isEqualTo(3);

        inTransaction(links -> {
            links.giveBackAttempt(HASH);
            return null;
        });
        assertThat(reserve(NOW, 3)).isTrue();
        assertThat(reserve(NOW, 3)).isFalse();
    }

    @Test
    void anExpiredLinkTakesNoAttemptAndIsDeletedLater() throws Exception {
        Instant expiry = NOW.plus(Duration.ofDays(7));
        assertThat(reserve(expiry.minusMillis(1), 5)).isTrue();
        assertThat(reserve(expiry, 5)).isFalse();

        assertThat(deleteExpiredBefore(expiry)).isZero();
        assertThat(deleteExpiredBefore(expiry.plusMillis(1))).isEqualTo(1);
        assertThat(find()).isEmpty();
    }

    @Test
    void aLinkIsUsedOnceAndTakesNoAttemptAfterwards() throws Exception {
        assertThat(use(NOW)).isTrue();
        assertThat(use(NOW)).isFalse();
        assertThat(reserve(NOW, 5)).isFalse();
        assertThat(find().orElseThrow().getUsedAt()).isEqualTo(NOW);
    }

    private boolean reserve(Instant now, int max) throws ReflectiveOperationException {
        return inTransaction(links -> links.reserveAttempt(HASH, now, max));
    }

    private boolean use(Instant now) throws ReflectiveOperationException {
        return inTransaction(links -> links.use(HASH, now));
    }

    private Optional<RescanLinkEntity> find() throws ReflectiveOperationException {
        return inTransaction(links -> links.find(HASH));
    }

    private int deleteExpiredBefore(Instant cutoff) throws ReflectiveOperationException {
        return inTransaction(links -> links.deleteExpiredBefore(cutoff));
    }

    private <T> T inTransaction(Function<RescanLinkRepository, T> work) throws ReflectiveOperationException {
        EntityManager em = emf.createEntityManager();
        RescanLinkRepository repository = new RescanLinkRepository();
        Field field = RescanLinkRepository.class.getDeclaredField("em");
        field.setAccessible(true);
        field.set(repository, em);
        try {
            em.getTransaction().begin();
            T result = work.apply(repository);
            em.getTransaction().commit();
            return result;
        } finally {
            if (em.getTransaction().isActive()) {
                em.getTransaction().rollback();
            }
            em.close();
        }
    }
}
