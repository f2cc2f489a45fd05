package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.hibernate.Session;

/**
 * Queries and updates of message records. Callers own the transaction; every method expects one (JTA).
 */
@ApplicationScoped
public class MessageRepository {

    private static final String READ_ONLY_HINT = "org.hibernate.readOnly";

    /**
     * A lower bound for every range over the due index. Final messages have no due time, and H2 keeps those NULLs
     * at the start of the index: a range given only as "due before t" reads past all of them first, every
     * delivered message ever kept (0.95 s per look for work at 200,000 messages). Due times are never earlier.
     */
    private static final Instant DUE_FLOOR = Instant.EPOCH;

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    /**
     * Records a new message with one {@code INSERT} on Hibernate's connection, in the caller's transaction, at once:
     * the intake's record of every accepted message, where Hibernate's persist and flush at commit cost about as
     * much again as H2's insert (ADR 0014). The message is not managed afterwards; read it with {@link #find}. It
     * has no attachments or delivery attempts yet: those come with the pipeline's steps ({@link #update}).
     *
     * @throws IllegalArgumentException if the message has attachments or delivery attempts
     */
    public void add(MessageEntity message) {
        if (!message.getAttachments().isEmpty() || !message.getDeliveryAttempts().isEmpty()) {
            throw new IllegalArgumentException("message " + message.getId() + ": a new message is recorded without"
                    + " attachments or delivery attempts; a pipeline step records those (update)");
        }
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(MessageEntity.INSERT)) {
                bind(insert, message.insertValues());
                insert.executeUpdate();
            }
        });
    }

    public Optional<MessageEntity> find(String id) {
        return Optional.ofNullable(em.find(MessageEntity.class, id));
    }

    /**
     * Records a pipeline step without loading the message, in the caller's transaction: the message's fields in
     * one statement (which also gives the lease up and counts as a new version), then the new attachments (one
     * batch) and the delivery attempt. Attachments recorded before are loaded only when the update changes one of
     * them. Written in JDBC: on the pipeline's hot path Hibernate's load, dirty check and identity inserts cost
     * several times what H2 takes to write the rows (ADR 0014).
     *
     * @throws IllegalStateException if there is no such message, or no attachment at an index the update changes
     */
    public void update(String id, MessageUpdate update) {
        List<AttachmentEntity> recorded = null;
        for (Map.Entry<Integer, List<Consumer<AttachmentEntity>>> change : update.attachmentChanges.entrySet()) {
            int index = change.getKey();
            AttachmentEntity attachment = update.newAttachments.stream().filter(a -> a.getPartIndex() == index)
                    .findFirst().orElse(null);
            if (attachment == null) {
                if (recorded == null) {
                    recorded = em.createQuery("SELECT a FROM AttachmentEntity a WHERE a.message.id = :id",
                            AttachmentEntity.class).setParameter("id", id).getResultList();
                }
                attachment = recorded.stream().filter(a -> a.getPartIndex() == index).findFirst()
                        .orElseThrow(() -> new IllegalStateException("message " + id + " has no attachment " + index));
            }
            for (Consumer<AttachmentEntity> apply : change.getValue()) {
                apply.accept(attachment);
            }
        }
        em.unwrap(Session.class).doWork(connection -> {
            if (updateMessage(connection, id, update) == 0) {
                throw new IllegalStateException("message " + id + " vanished");
            }
            insertAttachments(connection, id, update.newAttachments);
            insertAttempt(connection, id, update.attempt);
        });
    }

    private static int updateMessage(Connection connection, String id, MessageUpdate update) throws SQLException {
        StringBuilder sql = new StringBuilder(
                "UPDATE moat_message SET lease_owner = NULL, lease_until = NULL, version = version + 1");
        List<Object> values = new ArrayList<>();
        set(sql, values, "subject", update.subject, false);
        set(sql, values, "scan_summary", update.scanSummary, false);
        set(sql, values, "pending_recipients", update.pendingRecipients, false);
        if (update.outcome != null) {
            set(sql, values, "outcome", update.outcome, true);
            set(sql, values, "rule_action", update.action, true);
            set(sql, values, "marks", update.marks, true);
        }
        if (update.state != null) {
            set(sql, values, "state", update.state.name(), true);
            set(sql, values, "updated_at", update.now, true);
            set(sql, values, "next_attempt_at", update.due, true);
            set(sql, values, "last_error", update.reason, true);
        }
        if (update.attempt != null) {
            sql.append(", attempts = attempts + 1");
        }
        if (update.failedClaims != null) {
            sql.append(update.failedClaims == 0 ? ", failed_claims = 0" : ", failed_claims = failed_claims + 1");
        }
        if (update.scanRound) {
            sql.append(", scan_rounds = scan_rounds + 1");
        }
        values.add(id);
        try (PreparedStatement statement = connection.prepareStatement(sql.append(" WHERE id = ?").toString())) {
            bind(statement, values.toArray());
            return statement.executeUpdate();
        }
    }

    /** Appends {@code , column = ?} (or {@code = NULL} for a null value when {@code orNull}; else nothing). */
    private static void set(StringBuilder sql, List<Object> values, String column, Object value, boolean orNull) {
        if (value == null && !orNull) {
            return;
        }
        sql.append(", ").append(column).append(value == null ? " = NULL" : " = ?");
        if (value != null) {
            values.add(value);
        }
    }

    private static void insertAttachments(Connection connection, String id, List<AttachmentEntity> attachments)
            throws SQLException {
        if (attachments.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO moat_attachment (message_id,"
                + " part_index, file_name, content_type, size_bytes, part_name, data_id, verdict_code, verdict_label,"
                + " category, submitted_at, completed_at, entity_start, entity_end, body_part, cdr, cdr_file_name)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AttachmentEntity a : attachments) {
                bind(insert, id, a.getPartIndex(), a.getFileName(), a.getContentType(), a.getSizeBytes(),
                        a.getPartName(), a.getDataId(), a.getVerdictCode(), a.getVerdictLabel(), a.getCategory(),
                        a.getSubmittedAt(), a.getCompletedAt(), a.getEntityStart(), a.getEntityEnd(), a.isBody(),
                        a.getCdr(), a.getCdrFileName());
                // not a batch: H2's executeBatch makes an SQLException (a stack trace) each time, to chain failures
                insert.executeUpdate();
            }
        }
    }

    private static void insertAttempt(Connection connection, String id, MessageUpdate.Attempt attempt)
            throws SQLException {
        if (attempt == null) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO moat_delivery_attempt (message_id,"
                + " attempted_at, server, outcome, reply, tls_protocol, tls_cipher) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            bind(insert, id, attempt.at(), attempt.server(), attempt.outcome(), attempt.reply(),
                    attempt.tlsProtocol(), attempt.tlsCipher());
            insert.executeUpdate();
        }
    }

    /**
     * Binds values in order. Instants are written as the UTC wall-clock time in a {@code TIMESTAMP}, as Hibernate
     * writes them ({@code hibernate.jdbc.time_zone=UTC}), whatever the JVM's time zone.
     */
    private static void bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value instanceof Instant instant) {
                statement.setObject(i + 1, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
            } else if (value == null) {
                statement.setNull(i + 1, Types.NULL);
            } else {
                statement.setObject(i + 1, value);
            }
        }
    }

    /** Writes pending changes of managed messages now (their versions move on). */
    public void flush() {
        em.flush();
    }

    /** Newest first, optionally only those in one state. */
    public List<MessageEntity> list(MessageState state, int offset, int limit) {
        return search(MessageQuery.inState(state), offset, limit);
    }

    /** Newest first, those that match every criterion of {@code query}. */
    public List<MessageEntity> search(MessageQuery query, int offset, int limit) {
        StringBuilder jpql = new StringBuilder("SELECT m FROM MessageEntity m WHERE 1 = 1");
        Map<String, Object> parameters = new HashMap<>();
        if (query.state() != null) {
            jpql.append(" AND m.state = :state");
            parameters.put("state", query.state());
        }
        contains(jpql, parameters, "m.mailFrom", "sender", query.sender());
        contains(jpql, parameters, "m.recipients", "recipient", query.recipient());
        contains(jpql, parameters, "m.subject", "subject", query.subject());
        if (query.rule() != null && !query.rule().isBlank()) {
            jpql.append(" AND m.ruleName = :rule");
            parameters.put("rule", query.rule().strip());
        }
        if (query.states() != null) {
            jpql.append(" AND m.state IN :states");
            parameters.put("states", query.states());
        }
        if (MessageQuery.NO_OUTCOME.equals(query.outcome())) {
            jpql.append(" AND m.outcome IS NULL");
        } else if (query.outcome() != null && !query.outcome().isBlank()) {
            jpql.append(" AND m.outcome = :outcome");
            parameters.put("outcome", query.outcome().strip().toUpperCase(Locale.ROOT));
        }
        if (query.receivedFrom() != null) {
            jpql.append(" AND m.receivedAt >= :receivedFrom");
            parameters.put("receivedFrom", query.receivedFrom());
        }
        if (query.receivedBefore() != null) {
            jpql.append(" AND m.receivedAt < :receivedBefore");
            parameters.put("receivedBefore", query.receivedBefore());
        }
        TypedQuery<MessageEntity> typed = em.createQuery(jpql.append(" ORDER BY m.receivedAt DESC").toString(),
                MessageEntity.class);
        parameters.forEach(typed::setParameter);
        return typed.setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    private static void contains(StringBuilder jpql, Map<String, Object> parameters, String field, String name,
            String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        String escaped = text.strip().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_");
        jpql.append(" AND LOWER(").append(field).append(") LIKE :").append(name).append(" ESCAPE '\\'");
        parameters.put(name, "%" + escaped + "%");
    }

    /** Ids of messages with work due now whose lease (if any) has run out, oldest due first. */
    public List<String> due(Instant now, int limit) {
        // final messages have no due time, so this walks the due index over pending messages only (DUE_FLOOR)
        return em.createQuery("SELECT m.id FROM MessageEntity m WHERE m.nextAttemptAt >= :floor"
                + " AND m.nextAttemptAt <= :now AND (m.leaseUntil IS NULL OR m.leaseUntil < :now)"
                + " ORDER BY m.nextAttemptAt", String.class)
                .setParameter("floor", DUE_FLOOR)
                .setParameter("now", now)
                .setMaxResults(limit)
                .getResultList();
    }

    /**
     * Takes the lease on those of {@code ids} that nobody holds, for {@code owner} until {@code until}, in one
     * statement: the claim that lets several workers (and nodes) share the queue without doing a message twice.
     * The owner is made unique per call, so that what is read back is exactly what this call claimed: the messages
     * with their attachments, in one query by primary key, read-only (Hibernate keeps no copy of them to compare at
     * commit, which on the pipeline's hot path is most of the cost of a read). Their order is not that of
     * {@code ids}.
     *
     * @return the messages now held by this call's owner
     */
    public List<MessageEntity> claim(List<String> ids, String owner, Instant now, Instant until) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String token = owner + "/" + UUID.randomUUID();
        em.createQuery("UPDATE MessageEntity m SET m.leaseOwner = :owner, m.leaseUntil = :until"
                + " WHERE m.id IN :ids AND (m.leaseUntil IS NULL OR m.leaseUntil < :now)")
                .setParameter("owner", token)
                .setParameter("until", until)
                .setParameter("ids", ids)
                .setParameter("now", now)
                .executeUpdate();
        // by primary key: there is no index on the owner, and a scan would grow with the whole table
        return em.createQuery("SELECT DISTINCT m FROM MessageEntity m LEFT JOIN FETCH m.attachments"
                + " WHERE m.id IN :ids AND m.leaseOwner = :owner", MessageEntity.class)
                .setParameter("ids", ids)
                .setParameter("owner", token)
                .setHint(READ_ONLY_HINT, true)
                .getResultList();
    }

    /** Whether there is any message record at all. */
    public boolean holdsAny() {
        return !em.createQuery("SELECT m.id FROM MessageEntity m", String.class).setMaxResults(1).getResultList()
                .isEmpty();
    }

    /** Gives up the leases on these messages (claimed, but not to be worked on after all). */
    public int release(List<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return em.createQuery("UPDATE MessageEntity m SET m.leaseOwner = NULL, m.leaseUntil = NULL WHERE m.id IN :ids")
                .setParameter("ids", ids)
                .executeUpdate();
    }

    /**
     * Gives up the leases of an owner (at start-up: leases of a previous run of this node are void). Only pending
     * messages are ever leased (a result gives its lease up in the same commit), so this reads the due index only.
     */
    public int releaseLeases(String owner) {
        return em.createQuery("UPDATE MessageEntity m SET m.leaseOwner = NULL, m.leaseUntil = NULL"
                + " WHERE m.nextAttemptAt >= :floor AND m.leaseOwner LIKE :prefix")
                .setParameter("floor", DUE_FLOOR)
                .setParameter("prefix", owner + "/%")
                .executeUpdate();
    }

    /** Of the messages with these ids, the spool names of those that have a record (one query by primary key). */
    public List<String> spoolNamesOf(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return em.createQuery("SELECT m.spoolName FROM MessageEntity m WHERE m.id IN :ids", String.class)
                .setParameter("ids", ids)
                .getResultList();
    }

    /** A message with work ahead, as the start-up's reconciliation of spool and records needs it. */
    public record PendingFile(String id, String spoolName, MessageKind kind, String mailFrom,
            List<String> pendingRecipients, Instant receivedAt) {
    }

    /** The messages with work ahead (not final), read from the due index, without loading them. */
    public List<PendingFile> pendingFiles() {
        return em.createQuery("SELECT m.id, m.spoolName, m.kind, m.mailFrom, m.recipients, m.pendingRecipients,"
                + " m.receivedAt FROM MessageEntity m WHERE m.nextAttemptAt >= :floor", Object[].class)
                .setParameter("floor", DUE_FLOOR)
                .getResultList().stream()
                .map(row -> new PendingFile((String) row[0], (String) row[1], (MessageKind) row[2], (String) row[3],
                        lines(row[5] != null ? (String) row[5] : (String) row[4]), (Instant) row[6]))
                .toList();
    }

    private static List<String> lines(String text) {
        return text == null || text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** How many messages have been due since before {@code overdueSince} without anyone holding their lease. */
    public long countOverdue(Instant overdueSince) {
        return em.createQuery("SELECT COUNT(m) FROM MessageEntity m WHERE m.nextAttemptAt >= :floor"
                + " AND m.nextAttemptAt < :since AND m.leaseUntil IS NULL", Long.class)
                .setParameter("floor", DUE_FLOOR)
                .setParameter("since", overdueSince)
                .getSingleResult();
    }

    /** How many messages have work ahead (are not in a final state): the queue's depth, read from the due index. */
    public long countPending() {
        return em.createQuery("SELECT COUNT(m) FROM MessageEntity m WHERE m.nextAttemptAt >= :floor", Long.class)
                .setParameter("floor", DUE_FLOOR)
                .getSingleResult();
    }

    /** Counts by state of the messages received since {@code since}, for the dashboard. */
    public Map<MessageState, Long> countByStateReceivedSince(Instant since) {
        Map<MessageState, Long> counts = new EnumMap<>(MessageState.class);
        em.createQuery("SELECT m.state, COUNT(m) FROM MessageEntity m WHERE m.receivedAt >= :since GROUP BY m.state",
                Object[].class).setParameter("since", since).getResultList()
                .forEach(row -> counts.put((MessageState) row[0], (Long) row[1]));
        return counts;
    }

    /** How many messages received since {@code since} had their rule take {@code action} (BYPASS, say). */
    public long countByActionReceivedSince(String action, Instant since) {
        return em.createQuery("SELECT COUNT(m) FROM MessageEntity m WHERE m.receivedAt >= :since"
                + " AND m.action = :action", Long.class).setParameter("since", since).setParameter("action", action)
                .getSingleResult();
    }
}
