package io.moat.persistence;

import static io.moat.persistence.TestDatabases.inTransaction;
import static io.moat.persistence.TestDatabases.migrated;
import static io.moat.persistence.TestDatabases.repository;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.lang.reflect.Field;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What V16 keeps for notifications: their records (kind, relay profile), the digest's events, longer settings. */
class NotificationRecordsTest {

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private EntityManagerFactory emf;

    @BeforeEach
    void open() throws Exception {
        emf = migrated("notifications-" + System.nanoTime());
    }

    @AfterEach
    void close() {
        emf.close();
    }

    @Test
    void aNotificationIsRecordedWithItsKindAndTheProfileItGoesThrough() {
        MessageEntity notice = new MessageEntity("n-1", MessageKind.NOTIFICATION, "", List.of("bob@example.org"),
                "n-1", 900, now);
        notice.setRelayProfile("profile-1");
        notice.moveTo(MessageState.QUEUED, now);
        inTransaction(emf, em -> repository(em).add(notice));
        EntityManager em = emf.createEntityManager();
        try {
            MessageEntity read = em.find(MessageEntity.class, "n-1");
            assertThat(read.getKind()).isEqualTo(MessageKind.NOTIFICATION);
            assertThat(read.getKind().isOwn()).isTrue();
            assertThat(read.getRelayProfile()).isEqualTo("profile-1");
            assertThat(read.getMailFrom()).isEmpty();
        } finally {
            em.close();
        }
    }

    @Test
    void digestEventsAreTakenOldestFirstAndOnlyOnce() throws Exception {
        inTransaction(emf, em -> {
            DigestEventRepository events = on(em);
            events.add(new DigestEventEntity("m-2", now.plusSeconds(5), "{\"id\":\"m-2\"}"));
            events.add(new DigestEventEntity("m-1", now, "{\"id\":\"m-1\"}"));
            events.add(new DigestEventEntity("m-3", now.plusSeconds(9), "{\"id\":\"m-3\"}"));
        });
        inTransaction(emf, em -> assertThat(on(em).oldest()).contains(now));
        inTransaction(emf, em -> assertThat(on(em).take(2)).extracting(DigestEventEntity::getMessageId)
                .containsExactly("m-1", "m-2"));
        inTransaction(emf, em -> {
            assertThat(on(em).count()).isEqualTo(1);
            assertThat(on(em).oldest()).contains(now.plusSeconds(9));
            assertThat(on(em).take(10)).hasSize(1);
        });
        inTransaction(emf, em -> assertThat(on(em).oldest()).isEmpty());
    }

    @Test
    void anEventTooLongForItsColumnIsRefusedBeforeTheDatabase() {
        assertThatThrownBy(() -> new DigestEventEntity("m", now, "x".repeat(DigestEventEntity.EVENT_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSettingMayHoldTheNotificationTemplates() {
        String json = "{\"templates\":\"" + "t".repeat(150_000) + "\"}";
        inTransaction(emf, em -> em.persist(new SettingEntity("notifications", json)));
        EntityManager em = emf.createEntityManager();
        try {
            assertThat(em.find(SettingEntity.class, "notifications").getValue()).isEqualTo(json);
        } finally {
            em.close();
        }
    }

    private static DigestEventRepository on(EntityManager em) {
        try {
            DigestEventRepository repository = new DigestEventRepository();
            Field field = DigestEventRepository.class.getDeclaredField("em");
            field.setAccessible(true);
            field.set(repository, em);
            return repository;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
