package io.moat.persistence;

import static io.moat.persistence.TestDatabases.inTransaction;
import static io.moat.persistence.TestDatabases.repository;
import static org.assertj.core.api.Assertions.assertThat;

import io.moat.persistence.migration.SchemaMigrations;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** What only PostgreSQL can get wrong: two nodes migrating at once, time zones, NUL in text, claims that race. */
@EnabledIfSystemProperty(named = "moat.test.db", matches = "postgresql")
class PostgresqlOnlyTest {

    @Test
    void twoNodesStartingAtOnceApplyEveryScriptOnce() throws Exception {
        DataSource ds = TestDatabases.dataSource("two-nodes-" + System.nanoTime());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> applied = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                applied.add(nodes.submit(() -> {
                    start.await();
                    return new SchemaMigrations(ds).migrate();
                }));
            }
            start.countDown();
            int total = applied.get(0).get(2, TimeUnit.MINUTES) + applied.get(1).get(2, TimeUnit.MINUTES);
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT version), SUM(CASE WHEN success"
                            + " THEN 0 ELSE 1 END) FROM flyway_schema_history WHERE version IS NOT NULL")) {
                assertThat(r.next()).isTrue();
                assertThat(total).isPositive().isEqualTo(r.getInt(1));
                assertThat(r.getInt(2)).isEqualTo(total);
                assertThat(r.getInt(3)).isZero();
            }
        } finally {
            nodes.shutdownNow();
        }
    }

    @Test
    void instantsAreStoredAsUtcWhateverTheJvmsZoneAndWhoeverWritesThem() throws Exception {
        TimeZone jvm = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin")); // the PostgreSQL driver sends it at connect
        try {
            DataSource ds = TestDatabases.dataSource("zones-" + System.nanoTime());
            new SchemaMigrations(ds).migrate();
            EntityManagerFactory emf = TestDatabases.factory(ds, Map.of());
            try {
                Instant received = Instant.parse("2026-07-01T10:15:30.123Z");
                inTransaction(emf, em -> repository(em).add(message("by-jdbc", received))); // written in JDBC
                inTransaction(emf, em -> em.persist(message("by-hibernate", received))); // written by Hibernate

                try (Connection c = ds.getConnection();
                        Statement s = c.createStatement();
                        ResultSet r = s.executeQuery("SELECT id, received_at FROM moat_message ORDER BY id")) {
                    List<String> rows = new ArrayList<>();
                    while (r.next()) {
                        rows.add(r.getString(1) + " " + r.getObject(2, LocalDateTime.class));
                    }
                    LocalDateTime utc = LocalDateTime.ofInstant(received, ZoneOffset.UTC);
                    assertThat(rows).containsExactly("by-hibernate " + utc, "by-jdbc " + utc);
                }
                // and by SQL: the migrations' CURRENT_TIMESTAMP (V13's default rule) is converted with the session's
                // zone, which the PostgreSQL driver takes from the JVM unless the gateway's driver says UTC
                try (Connection c = ds.getConnection();
                        Statement s = c.createStatement();
                        ResultSet r = s
                                .executeQuery("SELECT created_at FROM moat_security_rule WHERE name = 'default'")) {
                    assertThat(r.next()).isTrue();
                    LocalDateTime created = r.getObject(1, LocalDateTime.class);
                    assertThat(created.toInstant(ZoneOffset.UTC)).isBetween(Instant.now().minusSeconds(120),
                            Instant.now().plusSeconds(1));
                }
                EntityManager em = emf.createEntityManager();
                try {
                    assertThat(em.find(MessageEntity.class, "by-jdbc").getReceivedAt()).isEqualTo(received);
                    assertThat(em.find(MessageEntity.class, "by-hibernate").getReceivedAt()).isEqualTo(received);
                    assertThat(repository(em).due(received, 10)).containsExactlyInAnyOrder("by-jdbc", "by-hibernate");
                    assertThat(repository(em).due(received.minusMillis(1), 10)).isEmpty();
                } finally {
                    em.close();
                }
            } finally {
                emf.close();
            }
        } finally {
            TimeZone.setDefault(jvm);
        }
    }

    @Test
    void textWithNulIsStoredWithAReplacementCharacter() throws Exception {
        EntityManagerFactory emf = TestDatabases.migrated("nul-" + System.nanoTime());
        try {
            MessageEntity message = messageFrom("nul", "a\u0000@sender.test", "x\u0000@example.com");
            message.setSubject("before\u0000after"); // RFC 2047 can encode one: =?utf-8?q?before=00after?=
            message.setClient("default", "192.0.2.7", "helo\u0000", null, null);
            inTransaction(emf, em -> repository(em).add(message));
            inTransaction(emf, em -> {
                MessageEntity m = em.find(MessageEntity.class, "nul");
                m.addAttachment(new AttachmentEntity(0, "a\u0000.exe", "application/x\u0000", 1, "1"));
                m.retryLater(MessageState.SCANNING, Instant.now(), "Core said \u0000", Instant.now());
            });
            EntityManager em = emf.createEntityManager();
            try {
                MessageEntity m = em.find(MessageEntity.class, "nul");
                assertThat(m.getSubject()).isEqualTo("before\uFFFDafter");
                assertThat(m.getMailFrom()).isEqualTo("a\uFFFD@sender.test");
                assertThat(m.getRecipients()).containsExactly("x\uFFFD@example.com");
                assertThat(m.getPendingRecipients()).containsExactly("x\uFFFD@example.com");
                assertThat(m.getHelo()).isEqualTo("helo\uFFFD");
                assertThat(m.getLastError()).isEqualTo("Core said \uFFFD");
                assertThat(m.getAttachments()).extracting(AttachmentEntity::getFileName).containsExactly("a\uFFFD.exe");
            } finally {
                em.close();
            }
        } finally {
            emf.close();
        }
    }

    @Test
    void twoNodesClaimingTheSameMessagesNeverBothGetOneAndNeverDeadlock() throws Exception {
        EntityManagerFactory emf = TestDatabases.migrated("claims-" + System.nanoTime());
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            for (int round = 0; round < 100; round++) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    ids.add("r" + round + "-" + i);
                }
                inTransaction(emf, em -> ids.forEach(id -> repository(em).add(message(id, now.minusSeconds(1)))));
                List<String> reversed = new ArrayList<>(ids);
                Collections.reverse(reversed);
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<List<String>> a = claim(emf, nodes, go, ids, "node-a", now);
                CompletableFuture<List<String>> b = claim(emf, nodes, go, reversed, "node-b", now);
                go.countDown();
                List<String> byA = a.get(30, TimeUnit.SECONDS);
                List<String> byB = b.get(30, TimeUnit.SECONDS);
                Set<String> both = new HashSet<>(byA);
                both.retainAll(byB);
                assertThat(both).as("claimed by both nodes in round " + round).isEmpty();
                assertThat(byA.size() + byB.size()).as("round " + round).isEqualTo(ids.size());
            }
        } finally {
            nodes.shutdownNow();
            emf.close();
        }
    }

    private static CompletableFuture<List<String>> claim(EntityManagerFactory emf, ExecutorService node,
            CountDownLatch go, List<String> ids, String owner, Instant now) {
        return CompletableFuture.supplyAsync(() -> {
            List<String> claimed = new ArrayList<>();
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            inTransaction(emf, em -> repository(em).claim(ids, owner, now, now.plusSeconds(600))
                    .forEach(m -> claimed.add(m.getId())));
            return claimed;
        }, node);
    }

    private static MessageEntity message(String id, Instant received) {
        return new MessageEntity(id, MessageKind.INBOUND, "a@sender.test", List.of("x@example.com"), "spool-" + id,
                100, received);
    }

    private static MessageEntity messageFrom(String id, String mailFrom, String recipient) {
        return new MessageEntity(id, MessageKind.INBOUND, mailFrom, List.of(recipient), "spool-" + id, 100,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }
}
