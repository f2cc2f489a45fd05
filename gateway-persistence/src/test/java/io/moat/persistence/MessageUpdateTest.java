package io.moat.persistence;

import static io.moat.persistence.TestDatabases.migrated;
import static io.moat.persistence.TestDatabases.repository;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link MessageRepository#update}: a pipeline step recorded without loading the message. */
class MessageUpdateTest {

    private final Instant received = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
    private final Instant now = received.plusSeconds(60);
    private EntityManagerFactory emf;

    @BeforeEach
    void open() throws Exception {
        emf = migrated("update-" + System.nanoTime());
        inTransaction(em -> {
            MessageEntity message = new MessageEntity("m", MessageKind.INBOUND, "a@sender.test",
                    List.of("x@example.com", "y@example.com"), "m", 100, received);
            message.addAttachment(new AttachmentEntity(0, "old.pdf", "application/pdf", 10, "0"));
            em.persist(message);
        });
        inTransaction(em -> assertThat(repository(em).claim(List.of("m"), "node-1", now, now.plusSeconds(600)))
                .extracting(MessageEntity::getId).containsExactly("m"));
    }

    @AfterEach
    void close() {
        emf.close();
    }

    @Test
    void aStepsFieldsAttachmentsAndAttemptAreRecordedAndTheLeaseIsGivenUp() throws Exception {
        long versionBefore = version();
        inTransaction(em -> repository(em).update("m", MessageUpdate.at(now)
                .subject("Quarterly report")
                .addAttachment(new AttachmentEntity(1, "new.zip", "application/zip", 20, "1"))
                .attachment(1, a -> a.submitted("data-1", now))
                .attachment(1, a -> a.completed(0, "No Threat Detected", "CLEAN", now))
                .attachment(0, a -> a.completed(1, "Infected", "INFECTED", now))
                .scanSummary("checked")
                .pendingRecipients(List.of("y@example.com"))
                .addDeliveryAttempt("smtp://mx:25", "DEFERRED", "451 later", "TLSv1.3", "TLS_AES_128_GCM_SHA256")
                .retryLater(MessageState.DEFERRED, now.plusSeconds(300), "451 later")));

        MessageEntity m = reload();
        assertThat(m.getSubject()).isEqualTo("Quarterly report");
        assertThat(m.getScanSummary()).isEqualTo("checked");
        assertThat(m.getPendingRecipients()).containsExactly("y@example.com");
        assertThat(m.getRecipients()).containsExactly("x@example.com", "y@example.com");
        assertThat(m.getState()).isEqualTo(MessageState.DEFERRED);
        assertThat(m.getNextAttemptAt()).isEqualTo(now.plusSeconds(300));
        assertThat(m.getUpdatedAt()).isEqualTo(now);
        assertThat(m.getLastError()).isEqualTo("451 later");
        assertThat(m.getAttempts()).isEqualTo(1);
        assertThat(m.getAttachments()).extracting(AttachmentEntity::getFileName, AttachmentEntity::getDataId,
                AttachmentEntity::getCategory, AttachmentEntity::getCompletedAt)
                .containsExactly(tuple("old.pdf", null, "INFECTED", now),
                        tuple("new.zip", "data-1", "CLEAN", now));
        assertThat(m.getDeliveryAttempts()).singleElement().satisfies(a -> {
            assertThat(a.getServer()).isEqualTo("smtp://mx:25");
            assertThat(a.getOutcome()).isEqualTo("DEFERRED");
            assertThat(a.getReply()).isEqualTo("451 later");
            assertThat(a.getAttemptedAt()).isEqualTo(now);
        });
        assertThat(leaseOwner()).isNull();
        assertThat(version()).isEqualTo(versionBefore + 1);
        // due again at its time, and claimable by anyone then: the lease is gone
        inTransaction(em -> assertThat(repository(em).due(now.plusSeconds(300), 10)).containsExactly("m"));
    }

    @Test
    void aMoveToAFinalStateLeavesNoDueTimeNoErrorAndTheUnsetFieldsAsTheyWere() throws Exception {
        inTransaction(em -> repository(em).update("m", MessageUpdate.at(now).subject("first")
                .retryLater(MessageState.SCANNING, now.plusSeconds(5), "Core unavailable")));
        inTransaction(em -> repository(em).update("m", MessageUpdate.at(now.plusSeconds(9))
                .moveTo(MessageState.DELIVERED)));

        MessageEntity m = reload();
        assertThat(m.getState()).isEqualTo(MessageState.DELIVERED);
        assertThat(m.getNextAttemptAt()).isNull();
        assertThat(m.getLastError()).isNull();
        assertThat(m.getUpdatedAt()).isEqualTo(now.plusSeconds(9));
        assertThat(m.getSubject()).isEqualTo("first");
        assertThat(m.getAttempts()).isZero();
        assertThat(m.getPendingRecipients()).containsExactly("x@example.com", "y@example.com");
        inTransaction(em -> assertThat(repository(em).countPending()).isZero());
    }

    @Test
    void anUpdateWithoutAStateChangeOnlyGivesTheLeaseUp() throws Exception {
        inTransaction(em -> repository(em).update("m", MessageUpdate.at(now.plusSeconds(1))));

        MessageEntity m = reload();
        assertThat(m.getState()).isEqualTo(MessageState.RECEIVED);
        assertThat(m.getNextAttemptAt()).isEqualTo(received);
        assertThat(m.getUpdatedAt()).isEqualTo(received);
        assertThat(leaseOwner()).isNull();
    }

    @Test
    void longTextsAreCutToTheirColumns() throws Exception {
        inTransaction(em -> repository(em).update("m", MessageUpdate.at(now).subject("s".repeat(2000))
                .scanSummary("c".repeat(400))
                .addDeliveryAttempt("smtp://mx:25", "DEFERRED", "4".repeat(3000), null, null)
                .retryLater(MessageState.DEFERRED, now, "e".repeat(3000))));

        MessageEntity m = reload();
        assertThat(m.getSubject()).hasSize(998);
        assertThat(m.getScanSummary()).hasSize(255);
        assertThat(m.getLastError()).hasSize(2000);
        assertThat(m.getDeliveryAttempts().get(0).getReply()).hasSize(2000);
    }

    @Test
    void aMissingMessageOrAttachmentFailsTheStepAndWritesNothing() throws Exception {
        assertThatThrownBy(() -> inTransaction(em -> repository(em).update("gone", MessageUpdate.at(now)
                .addAttachment(new AttachmentEntity(0, "x.pdf", "application/pdf", 1, "0"))
                .moveTo(MessageState.SCANNING))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("message gone vanished");
        assertThatThrownBy(() -> inTransaction(em -> repository(em).update("m", MessageUpdate.at(now)
                .attachment(7, AttachmentEntity::resetScan)
                .moveTo(MessageState.SCANNED))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no attachment 7");

        MessageEntity m = reload();
        assertThat(m.getState()).isEqualTo(MessageState.RECEIVED);
        assertThat(m.getAttachments()).hasSize(1);
        assertThat(leaseOwner()).startsWith("node-1/");
    }

    private void inTransaction(Consumer<EntityManager> work) {
        TestDatabases.inTransaction(emf, work);
    }

    private MessageEntity reload() {
        EntityManager em = emf.createEntityManager();
        MessageEntity m = em.find(MessageEntity.class, "m");
        m.getAttachments().size();
        m.getDeliveryAttempts().size();
        em.close();
        return m;
    }

    private long version() {
        return (Long) single("SELECT version FROM moat_message WHERE id = 'm'");
    }

    private String leaseOwner() {
        return (String) single("SELECT lease_owner FROM moat_message WHERE id = 'm'");
    }

    private Object single(String sql) {
        EntityManager em = emf.createEntityManager();
        try {
            return em.createNativeQuery(sql).getSingleResult();
        } finally {
            em.close();
        }
    }
}
