package io.moat.persistence;

import static io.moat.persistence.TestDatabases.inTransaction;
import static io.moat.persistence.TestDatabases.migrated;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The retention purge's candidates for spool files (Deep CDR's kept originals among them) on a migrated H2. */
class QuarantineRepositoryTest {

    private final Instant then = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(3600);
    private EntityManagerFactory emf;

    @BeforeEach
    void open() throws Exception {
        emf = migrated("quarantine-" + System.nanoTime());
        inTransaction(emf, em -> {
            em.persist(message("failed", MessageState.FAILED, null));
            em.persist(message("sanitized", MessageState.DELIVERED, AttachmentEntity.CDR_REPLACED));
            em.persist(message("delivered", MessageState.DELIVERED, null));
            em.persist(message("sanitization-failed", MessageState.DELIVERED, AttachmentEntity.CDR_FAILED));
            em.persist(message("sanitized-but-held", MessageState.BLOCKED, AttachmentEntity.CDR_REPLACED));
        });
    }

    @AfterEach
    void close() {
        emf.close();
    }

    private MessageEntity message(String id, MessageState state, String cdr) {
        MessageEntity m = new MessageEntity(id, MessageKind.INBOUND, "a@sender.test", List.of("b@example.com"), id,
                100, then);
        AttachmentEntity part = new AttachmentEntity(0, "report.pdf", "application/pdf", 10, "0");
        part.sanitization(cdr, null);
        m.addAttachment(part);
        m.moveTo(state, then);
        return m;
    }

    private List<String> keptFilesBefore(Instant cutoff) {
        List<String> ids = new ArrayList<>();
        inTransaction(emf, em -> repository(em).keptFilesBefore(cutoff, 10)
                .forEach(c -> ids.add(c.id())));
        return ids;
    }

    @Test
    void failedMailAndTheOriginalsOfMailDeliveredSanitizedHaveTheirFilesKeptUntilTheCutoff() {
        assertThat(keptFilesBefore(then.plusSeconds(1))).containsExactlyInAnyOrder("failed", "sanitized");
        assertThat(keptFilesBefore(then)).isEmpty();
    }

    @Test
    void filesOnceRemovedAreNoLongerCandidates() {
        inTransaction(emf, em -> repository(em).filesRemoved(List.of("sanitized"), then));

        assertThat(keptFilesBefore(then.plusSeconds(1))).containsExactly("failed");
    }

    private static QuarantineRepository repository(EntityManager em) {
        try {
            return TestDatabases.injected(new QuarantineRepository(), em);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
