package io.moat.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.persistence.migration.SchemaMigrations;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.hibernate.resource.jdbc.spi.StatementInspector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The queries that run per message, per probe or per page must not read the delivered messages a gateway keeps:
 * H2's plan for the SQL each repository method sends names the index it walks and the range it reads. (With
 * 200,000 messages kept, the unbounded forms took 0.5–0.95 s each; {@code bench/run.sh} measures the rate.)
 */
class QueueQueryPlansTest {

    private final List<String> sent = new ArrayList<>();
    private JdbcDataSource ds;
    private EntityManagerFactory emf;
    private EntityManager em;
    private MessageRepository repository;

    @BeforeEach
    void open() throws Exception {
        ds = TestDatabases.h2("plans");
        new SchemaMigrations(ds).migrate();
        StatementInspector recorder = sql -> {
            sent.add(sql);
            return sql;
        };
        emf = TestDatabases.factory(ds, Map.of("hibernate.session_factory.statement_inspector", recorder));
        em = emf.createEntityManager();
        repository = TestDatabases.repositoryOn(em);
        em.getTransaction().begin();
    }

    @AfterEach
    void close() {
        em.getTransaction().rollback();
        em.close();
        emf.close();
    }

    @Test
    void lookingForDueWorkReadsTheDueIndexFromAFloorNotFromItsNullsOfFinalMessages() throws Exception {
        repository.due(Instant.now(), 10);
        assertThat(plan()).contains("MOAT_MESSAGE_DUE: NEXT_ATTEMPT_AT >= ?").contains("AND NEXT_ATTEMPT_AT <= ?");
    }

    @Test
    void theQueueCountsAndTheLeaseReleaseReadTheDueIndexFromTheFloor() throws Exception {
        repository.countPending();
        assertThat(plan()).contains("MOAT_MESSAGE_DUE: NEXT_ATTEMPT_AT >= ?");
        repository.countOverdue(Instant.now());
        assertThat(plan()).contains("MOAT_MESSAGE_DUE: NEXT_ATTEMPT_AT >= ?");
        repository.releaseLeases("node-1");
        assertThat(plan()).contains("MOAT_MESSAGE_DUE: NEXT_ATTEMPT_AT >= ?");
    }

    @Test
    void aClaimReadsItsTakeWithTheAttachmentsByPrimaryKeyAndByMessage() throws Exception {
        repository.claim(List.of("a", "b"), "node-1", Instant.now(), Instant.now().plusSeconds(60));
        // the attachments through an index on their message (H2 picks the foreign key's own)
        assertThat(plan()).startsWith("SELECT").contains("PRIMARY_KEY")
                .containsPattern("/\\* PUBLIC\\.\\w+: MESSAGE_ID = ").doesNotContain("tableScan");
    }

    @Test
    void theNewestFirstListReadsOnlyItsPageFromAnIndexAlsoWithinAState() throws Exception {
        repository.search(MessageQuery.inState(null), 0, 50);
        assertThat(plan()).contains("MOAT_MESSAGE_NEWEST").contains("index sorted").doesNotContain("tableScan");
        repository.search(MessageQuery.inState(MessageState.BLOCKED), 0, 50);
        assertThat(plan()).contains("MOAT_MESSAGE_STATE_NEWEST: STATE = ?").doesNotContain("tableScan");
    }

    @Test
    void theQuarantinesSizeIsCountedInTheStateIndexNotOverEveryMessageKept() throws Exception {
        QuarantineRepository quarantine = new QuarantineRepository();
        Field field = QuarantineRepository.class.getDeclaredField("em");
        field.setAccessible(true);
        field.set(quarantine, em);
        quarantine.countHeld();
        assertThat(plan()).contains("MOAT_MESSAGE_STATE_NEWEST: STATE IN(").doesNotContain("tableScan");
    }

    /** H2's plan for the last statement Hibernate sent. */
    private String plan() throws Exception {
        String sql = sent.get(sent.size() - 1);
        try (Connection c = ds.getConnection();
                PreparedStatement explain = c.prepareStatement("EXPLAIN " + sql);
                ResultSet rows = explain.executeQuery()) {
            rows.next();
            return rows.getString(1).replaceAll("\\?\\d+", "?").replaceAll("\\s+", " ");
        }
    }
}
