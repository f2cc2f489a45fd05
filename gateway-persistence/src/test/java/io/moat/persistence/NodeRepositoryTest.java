package io.moat.persistence;

import static io.moat.persistence.TestDatabases.inTransaction;
import static io.moat.persistence.TestDatabases.repository;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The nodes' rows, and what each node holds: on H2, and on PostgreSQL in the module's second run. */
class NodeRepositoryTest {

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private EntityManagerFactory emf;

    @BeforeEach
    void open() throws Exception {
        emf = TestDatabases.migrated("nodes-" + System.nanoTime());
    }

    @AfterEach
    void close() {
        emf.close();
    }

    private NodeRepository nodes(EntityManager em) {
        try {
            return TestDatabases.injected(new NodeRepository(), em);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRunBeatsUntilItStopsAndANewRunOfTheSameIdTakesTheRowOver() {
        inTransaction(emf, em -> nodes(em).started("node-a", "run-1", "1.0", "127.0.0.2", now));
        AtomicBoolean beat = new AtomicBoolean();
        inTransaction(emf, em -> beat.set(nodes(em).heartbeat("node-a", "run-1", now.plusSeconds(5))));
        assertThat(beat).isTrue();

        inTransaction(emf, em -> nodes(em).started("node-a", "run-2", "1.1", "127.0.0.2", now.plusSeconds(9)));
        inTransaction(emf, em -> beat.set(nodes(em).heartbeat("node-a", "run-1", now.plusSeconds(10))));
        assertThat(beat).as("the old run's heartbeat, after a new run took the row").isFalse();
        inTransaction(emf, em -> nodes(em).stopped("node-a", "run-2", now.plusSeconds(20)));

        AtomicReference<List<NodeEntity>> listed = new AtomicReference<>();
        inTransaction(emf, em -> listed.set(nodes(em).list()));
        NodeEntity node = listed.get().get(0);
        assertThat(node.getInstance()).isEqualTo("run-2");
        assertThat(node.getVersion()).isEqualTo("1.1");
        assertThat(node.getStartedAt()).isEqualTo(now.plusSeconds(9));
        assertThat(node.getHeartbeatAt()).isEqualTo(now.plusSeconds(9));
        assertThat(node.getStoppedAt()).isEqualTo(now.plusSeconds(20));
    }

    @Test
    void whatEachNodeHoldsIsItsUnexpiredLeasesOfPendingMessages() {
        inTransaction(emf, em -> {
            MessageRepository messages = repository(em);
            messages.add(leased("a1", "node-a/intake", now.plusSeconds(60)));
            messages.add(leased("a2", "node-a/9b1c", now.plusSeconds(60)));
            messages.add(leased("a3", "node-a/77aa", now.minusSeconds(1))); // run out: nobody holds it
            messages.add(leased("b1", "node-b/intake", now.plusSeconds(60)));
            messages.add(leased("free", null, null));
        });
        AtomicReference<Map<String, Long>> held = new AtomicReference<>();
        inTransaction(emf, em -> held.set(nodes(em).leasesByNode(now)));

        assertThat(held.get()).containsExactlyInAnyOrderEntriesOf(Map.of("node-a", 2L, "node-b", 1L));
    }

    private MessageEntity leased(String id, String owner, Instant until) {
        MessageEntity m = new MessageEntity(id, MessageKind.INBOUND, "a@sender.test", List.of("x@example.com"),
                "spool-" + id, 100, now);
        if (owner != null) {
            m.leaseTo(owner, until);
        }
        return m;
    }
}
