package io.moat.persistence;

import static io.moat.persistence.TestDatabases.migrated;
import static io.moat.persistence.TestDatabases.repository;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.hibernate.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link MessageRepository#add}: a new message's record, inserted at once without Hibernate's flush. */
class MessageAddTest {

    private final Instant received = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
    private EntityManagerFactory emf;

    @BeforeEach
    void open() throws Exception {
        emf = migrated("add-" + System.nanoTime());
    }

    @AfterEach
    void close() {
        emf.close();
    }

    @Test
    void theRecordIsInsertedAtOnceAndReadsBackWithEveryField() {
        MessageEntity message = new MessageEntity("m", MessageKind.INBOUND, "a@sender.test",
                List.of("x@example.com", "y@example.com"), "spool-m", 12345, received);
        message.setClient("default", "192.0.2.7", "mx.sender.test", "TLSv1.3", "TLS_AES_128_GCM_SHA256");
        message.setSubject("s".repeat(1200));
        message.setScanSummary("not scanned yet");
        message.leaseTo("node-1/intake", received.plusSeconds(600));
        AtomicLong visibleBeforeCommit = new AtomicLong();

        inTransaction(em -> {
            repository(em).add(message);
            // in the statement, not at a flush: a plain query on the same connection sees it before the commit
            em.unwrap(Session.class).doWork(connection -> {
                try (ResultSet rows = connection.createStatement()
                        .executeQuery("SELECT COUNT(*) FROM moat_message WHERE id = 'm'")) {
                    rows.next();
                    visibleBeforeCommit.set(rows.getLong(1));
                }
            });
        });

        assertThat(visibleBeforeCommit).hasValue(1);
        EntityManager em = emf.createEntityManager();
        try {
            MessageEntity m = em.find(MessageEntity.class, "m");
            assertThat(m.getKind()).isEqualTo(MessageKind.INBOUND);
            assertThat(m.getState()).isEqualTo(MessageState.RECEIVED);
            assertThat(m.getMailFrom()).isEqualTo("a@sender.test");
            assertThat(m.getRecipients()).containsExactly("x@example.com", "y@example.com");
            assertThat(m.getPendingRecipients()).containsExactly("x@example.com", "y@example.com");
            assertThat(m.getEndpoint()).isEqualTo("default");
            assertThat(m.getRemoteAddress()).isEqualTo("192.0.2.7");
            assertThat(m.getHelo()).isEqualTo("mx.sender.test");
            assertThat(m.getTlsProtocol()).isEqualTo("TLSv1.3");
            assertThat(m.getTlsCipher()).isEqualTo("TLS_AES_128_GCM_SHA256");
            assertThat(m.getSubject()).hasSize(998);
            assertThat(m.getSizeBytes()).isEqualTo(12345);
            assertThat(m.getSpoolName()).isEqualTo("spool-m");
            assertThat(m.getReceivedAt()).isEqualTo(received);
            assertThat(m.getUpdatedAt()).isEqualTo(received);
            assertThat(m.getNextAttemptAt()).isEqualTo(received);
            assertThat(m.getAttempts()).isZero();
            assertThat(m.getScanSummary()).isEqualTo("not scanned yet");
            assertThat(m.getLastError()).isNull();
            assertThat(m.getAttachments()).isEmpty();
            assertThat(m.getDeliveryAttempts()).isEmpty();
            assertThat(em.createNativeQuery("SELECT lease_owner, lease_until, version FROM moat_message")
                    .getSingleResult()).satisfies(row -> {
                        Object[] columns = (Object[]) row;
                        assertThat(columns[0]).isEqualTo("node-1/intake");
                        assertThat(columns[1]).isNotNull();
                        assertThat(columns[2]).isEqualTo(0L);
                    });
        } finally {
            em.close();
        }
        // leased to the intake's node: not due for anyone else until the lease runs out
        inTransaction(em2 -> assertThat(repository(em2).due(received.plusSeconds(1), 10)).isEmpty());
        inTransaction(em2 -> assertThat(repository(em2).due(received.plusSeconds(601), 10)).containsExactly("m"));
    }

    @Test
    void theMailParametersAndUtf8AddressesReadBackAsGivenAndDefaultToNeither() {
        MessageEntity utf8 = new MessageEntity("u", MessageKind.INBOUND, "j\u00f6s\u00e9@ex\u00e4mple.com",
                List.of("\u00e9l\u00e8ve@example.com", "\u7528\u6237@example.com"), "spool-u", 1, received);
        utf8.setMailParameters(true, true);
        MessageEntity eightBit = new MessageEntity("e", MessageKind.INBOUND, "a@sender.test",
                List.of("x@example.com"), "spool-e", 1, received);
        eightBit.setMailParameters(false, true);
        MessageEntity plain = new MessageEntity("p", MessageKind.INBOUND, "a@sender.test", List.of("x@example.com"),
                "spool-p", 1, received);

        inTransaction(em -> {
            repository(em).add(utf8);
            repository(em).add(eightBit);
            repository(em).add(plain);
        });

        inTransaction(em -> {
            MessageEntity u = repository(em).find("u").orElseThrow();
            assertThat(u.getMailFrom()).isEqualTo("j\u00f6s\u00e9@ex\u00e4mple.com");
            assertThat(u.getRecipients()).containsExactly("\u00e9l\u00e8ve@example.com", "\u7528\u6237@example.com");
            assertThat(u.isSmtpUtf8()).isTrue();
            assertThat(u.isEightBitMime()).isTrue();
            MessageEntity e = repository(em).find("e").orElseThrow();
            assertThat(e.isSmtpUtf8()).isFalse();
            assertThat(e.isEightBitMime()).isTrue();
            MessageEntity p = repository(em).find("p").orElseThrow();
            assertThat(p.isSmtpUtf8()).isFalse();
            assertThat(p.isEightBitMime()).isFalse();
        });
    }

    @Test
    void aMessageWithAttachmentsOrAttemptsIsRefusedAndNothingIsWritten() {
        MessageEntity withAttachment = new MessageEntity("a", MessageKind.INBOUND, "a@sender.test",
                List.of("x@example.com"), "a", 1, received);
        withAttachment.addAttachment(new AttachmentEntity(0, "x.pdf", "application/pdf", 1, "0"));
        MessageEntity withAttempt = new MessageEntity("b", MessageKind.INBOUND, "a@sender.test",
                List.of("x@example.com"), "b", 1, received);
        withAttempt.addDeliveryAttempt(received, "smtp://mx:25", "DEFERRED", "451 later");

        assertThatThrownBy(() -> inTransaction(em -> repository(em).add(withAttachment)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("message a");
        assertThatThrownBy(() -> inTransaction(em -> repository(em).add(withAttempt)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("message b");
        inTransaction(em -> assertThat(repository(em).countPending()).isZero());
    }

    @Test
    void aSecondRecordWithTheSameIdFailsAtTheInsert() {
        inTransaction(em -> repository(em).add(new MessageEntity("m", MessageKind.INBOUND, "a@sender.test",
                List.of("x@example.com"), "m", 1, received)));

        assertThatThrownBy(() -> inTransaction(em -> repository(em).add(new MessageEntity("m", MessageKind.DSN, "",
                List.of("a@sender.test"), "m2", 1, received)))).isInstanceOf(PersistenceException.class);
        inTransaction(em -> assertThat(repository(em).find("m")).get()
                .extracting(MessageEntity::getKind).isEqualTo(MessageKind.INBOUND));
    }

    private void inTransaction(Consumer<EntityManager> work) {
        TestDatabases.inTransaction(emf, work);
    }
}
