package io.moat.persistence;

import static io.moat.persistence.TestDatabases.dataSource;
import static io.moat.persistence.TestDatabases.migrated;
import static io.moat.persistence.TestDatabases.repositoryOn;
import static org.assertj.core.api.Assertions.assertThat;

import io.moat.persistence.migration.SchemaMigrations;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The migrations create exactly the schema the entities map to (Hibernate validates it). */
class SchemaAndMappingTest {

    @Test
    void theHotPathsIdentitySequencesCacheAThousandValues() throws Exception {
        DataSource ds = dataSource("identity-cache");
        new SchemaMigrations(ds).migrate();
        String query = TestDatabases.POSTGRESQL
                ? "SELECT UPPER(sequencename), cache_size FROM pg_sequences WHERE sequencename IN"
                        + " ('moat_attachment_id_seq', 'moat_delivery_attempt_id_seq') ORDER BY sequencename"
                : "SELECT TABLE_NAME || '_ID_SEQ', IDENTITY_CACHE FROM INFORMATION_SCHEMA.COLUMNS"
                        + " WHERE IS_IDENTITY = 'YES' AND TABLE_NAME IN ('MOAT_ATTACHMENT', 'MOAT_DELIVERY_ATTEMPT')"
                        + " ORDER BY TABLE_NAME";
        try (Connection c = ds.getConnection(); ResultSet rows = c.createStatement().executeQuery(query)) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1) + " " + rows.getLong(2)).isEqualTo("MOAT_ATTACHMENT_ID_SEQ 1000");
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1) + " " + rows.getLong(2)).isEqualTo("MOAT_DELIVERY_ATTEMPT_ID_SEQ 1000");
        }
    }

    @Test
    void entitiesMatchTheMigratedSchemaAndRoundTrip() throws Exception {
        DataSource ds = dataSource("mapping");
        new SchemaMigrations(ds).migrate();
        EntityManagerFactory emf = TestDatabases.factory(ds, Map.of("hibernate.hbm2ddl.auto", "validate"));
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            EntityManager em = emf.createEntityManager();
            em.getTransaction().begin();
            MessageEntity message = new MessageEntity("id-1", MessageKind.INBOUND, "a@b.test",
                    List.of("x@example.com", "y@example.com"), "id-1", 123, now);
            message.addAttachment(new AttachmentEntity(0, "report.pdf", "application/pdf", 10, "0"));
            message.addDeliveryAttempt(now, "smtp://localhost:25", "DEFERRED", "421 try later");
            em.persist(message);
            em.getTransaction().commit();
            em.close();

            EntityManager read = emf.createEntityManager();
            MessageEntity found = read.find(MessageEntity.class, "id-1");
            assertThat(found.getRecipients()).containsExactly("x@example.com", "y@example.com");
            assertThat(found.getState()).isEqualTo(MessageState.RECEIVED);
            assertThat(found.getAttachments()).extracting(AttachmentEntity::getFileName).containsExactly("report.pdf");
            assertThat(found.getDeliveryAttempts()).extracting(DeliveryAttemptEntity::getReply)
                    .containsExactly("421 try later");
            assertThat(found.getReceivedAt()).isEqualTo(now);
            read.close();
        } finally {
            emf.close();
        }
    }

    @Test
    void aClaimReadsWhatItTookWithAttachmentsInOrderAndNeverWritesBack() throws Exception {
        EntityManagerFactory emf = migrated("read");
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            EntityManager em = emf.createEntityManager();
            em.getTransaction().begin();
            MessageEntity message = new MessageEntity("id-2", MessageKind.INBOUND, "a@b.test",
                    List.of("x@example.com"), "id-2", 1, now);
            message.addAttachment(new AttachmentEntity(1, "second.zip", "application/zip", 10, "1"));
            message.addAttachment(new AttachmentEntity(0, "first.pdf", "application/pdf", 10, "0"));
            em.persist(message);
            em.persist(new MessageEntity("id-3", MessageKind.INBOUND, "a@b.test", List.of("x@example.com"), "id-3", 1,
                    now));
            em.getTransaction().commit();
            em.close();

            EntityManager tx = emf.createEntityManager();
            MessageRepository repository = repositoryOn(tx);
            tx.getTransaction().begin();
            List<MessageEntity> reads = repository.claim(List.of("missing", "id-2", "id-3"), "node-1", now,
                    now.plusSeconds(600));
            assertThat(reads).extracting(MessageEntity::getId).containsExactlyInAnyOrder("id-2", "id-3");
            MessageEntity read = reads.stream().filter(m -> m.getId().equals("id-2")).findFirst().orElseThrow();
            assertThat(read.getAttachments()).extracting(AttachmentEntity::getFileName)
                    .containsExactly("first.pdf", "second.zip");
            read.setSubject("changed while reading");
            read.getAttachments().get(0).resetScan();
            assertThat(repository.claim(List.of("missing"), "node-1", now, now.plusSeconds(600))).isEmpty();
            assertThat(repository.claim(List.of(), "node-1", now, now.plusSeconds(600))).isEmpty();
            tx.getTransaction().commit();
            tx.close();

            EntityManager check = emf.createEntityManager();
            assertThat(check.find(MessageEntity.class, "id-2").getSubject()).isNull();
            check.close();
        } finally {
            emf.close();
        }
    }

    @Test
    void searchMatchesEveryCriterionAndCountsByStateSince() throws Exception {
        EntityManagerFactory emf = migrated("search");
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            EntityManager em = emf.createEntityManager();
            em.getTransaction().begin();
            MessageEntity old = new MessageEntity("old", MessageKind.INBOUND, "alice@partner.test",
                    List.of("bob@example.com"), "old", 1, now.minus(2, ChronoUnit.DAYS));
            old.setSubject("Quarterly figures");
            old.moveTo(MessageState.DELIVERED, now);
            MessageEntity recent = new MessageEntity("recent", MessageKind.INBOUND, "Carol@Partner.test",
                    List.of("dave@example.com", "erin@example.com"), "recent", 1, now.minusSeconds(60));
            recent.setSubject("100% off_sale");
            MessageEntity blocked = new MessageEntity("blocked", MessageKind.INBOUND, "mallory@evil.test",
                    List.of("bob@example.com"), "blocked", 1, now.minusSeconds(30));
            blocked.moveTo(MessageState.BLOCKED, now);
            em.persist(old);
            em.persist(recent);
            em.persist(blocked);
            em.getTransaction().commit();
            em.close();

            EntityManager tx = emf.createEntityManager();
            MessageRepository repository = repositoryOn(tx);
            assertThat(ids(repository, new MessageQuery(null, null, null, null, null, null)))
                    .containsExactly("blocked", "recent", "old");
            assertThat(ids(repository, new MessageQuery(null, "partner.TEST", null, null, null, null)))
                    .containsExactly("recent", "old");
            assertThat(ids(repository, new MessageQuery(null, null, "erin@", null, null, null)))
                    .containsExactly("recent");
            assertThat(ids(repository, new MessageQuery(null, null, null, "quarterly", null, null)))
                    .containsExactly("old");
            // LIKE wildcards in the text are plain characters
            assertThat(ids(repository, new MessageQuery(null, null, null, "0% off_", null, null)))
                    .containsExactly("recent");
            assertThat(ids(repository, new MessageQuery(null, null, null, "%", null, null))).containsExactly("recent");
            assertThat(ids(repository, new MessageQuery(null, null, null, "_", null, null))).containsExactly("recent");
            assertThat(ids(repository, new MessageQuery(MessageState.DELIVERED, null, "bob", null, null, null)))
                    .containsExactly("old");
            assertThat(ids(repository, new MessageQuery(null, null, null, null, now.minus(1, ChronoUnit.DAYS),
                    now.minusSeconds(45)))).containsExactly("recent");
            assertThat(repository.search(MessageQuery.inState(null), 1, 1)).extracting(MessageEntity::getId)
                    .containsExactly("recent");

            assertThat(repository.countByStateReceivedSince(now.minus(1, ChronoUnit.HOURS)))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(MessageState.RECEIVED, 1L, MessageState.BLOCKED, 1L));
            tx.close();
        } finally {
            emf.close();
        }
    }

    @Test
    void dueAndClaimTakeOnlyPendingUnheldMessagesAndReturnExactlyWhatWasTaken() throws Exception {
        EntityManagerFactory emf = migrated("claim");
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            EntityManager em = emf.createEntityManager();
            em.getTransaction().begin();
            for (String id : List.of("a", "b", "c", "d", "delivered", "blocked")) {
                em.persist(new MessageEntity(id, MessageKind.INBOUND, "s@partner.test", List.of("r@example.com"),
                        id, 1, now.minusSeconds(10)));
            }
            em.find(MessageEntity.class, "delivered").moveTo(MessageState.DELIVERED, now.minusSeconds(5));
            em.find(MessageEntity.class, "blocked").moveTo(MessageState.BLOCKED, now.minusSeconds(5));
            em.getTransaction().commit();
            em.close();

            EntityManager tx = emf.createEntityManager();
            MessageRepository repository = repositoryOn(tx);
            tx.getTransaction().begin();
            // final messages are never due, nor counted in the queue
            assertThat(repository.due(now, 10)).containsExactlyInAnyOrder("a", "b", "c", "d");
            assertThat(repository.countPending()).isEqualTo(4);
            assertThat(repository.countOverdue(now)).isEqualTo(4);
            // another worker holds b and d
            assertThat(repository.claim(List.of("b", "d"), "node-2", now, now.plusSeconds(600)))
                    .extracting(MessageEntity::getId).containsExactlyInAnyOrder("b", "d");
            assertThat(repository.due(now, 10)).containsExactlyInAnyOrder("a", "c");
            // of what this worker asks for, it gets only what nobody holds; a second claim of the same owner
            // returns only its own take, not the first one's
            assertThat(repository.claim(List.of("a", "b"), "node-1", now, now.plusSeconds(600)))
                    .extracting(MessageEntity::getId).containsExactly("a");
            assertThat(repository.claim(List.of("a", "c", "d"), "node-1", now, now.plusSeconds(600)))
                    .extracting(MessageEntity::getId).containsExactly("c");
            assertThat(repository.due(now, 10)).isEmpty();
            assertThat(repository.countOverdue(now)).isZero();
            assertThat(repository.countPending()).isEqualTo(4);
            // an expired lease is free again
            assertThat(repository.claim(List.of("b"), "node-1", now.plusSeconds(601), now.plusSeconds(1200)))
                    .extracting(MessageEntity::getId).containsExactly("b");
            assertThat(repository.releaseLeases("node-1")).isEqualTo(3);
            assertThat(repository.due(now, 10)).containsExactlyInAnyOrder("a", "b", "c");
            tx.getTransaction().commit();
            tx.close();
        } finally {
            emf.close();
        }
    }

    private static List<String> ids(MessageRepository repository, MessageQuery query) {
        return repository.search(query, 0, 100).stream().map(MessageEntity::getId).toList();
    }
}
