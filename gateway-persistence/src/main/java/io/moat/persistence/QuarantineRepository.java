package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.List;

/**
 * The quarantine's own records: what was done to each message and by whom, and the retention purge's runs and
 * candidates. Callers own the transaction (JTA).
 */
@ApplicationScoped
public class QuarantineRepository {

    /** A message the purge may take: its id and spool name. */
    public record Candidate(String id, String spoolName) {
    }

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    public void record(QuarantineActionEntity action) {
        em.persist(action);
    }

    /** What was done to the message, oldest first. */
    public List<QuarantineActionEntity> actionsOf(String messageId) {
        return em.createQuery("SELECT a FROM QuarantineActionEntity a WHERE a.messageId = :id ORDER BY a.actedAt, a.id",
                QuarantineActionEntity.class).setParameter("id", messageId).getResultList();
    }

    /** How often {@code action} was taken on the message. */
    public long countActions(String messageId, String action) {
        return em.createQuery("SELECT COUNT(a) FROM QuarantineActionEntity a WHERE a.messageId = :id"
                + " AND a.action = :action", Long.class).setParameter("id", messageId).setParameter("action", action)
                .getSingleResult();
    }

    /**
     * How many messages the quarantine holds now, for the dashboard: counted in the index on (state, received_at),
     * so it reads the held messages' entries only, however many delivered ones are kept.
     */
    public long countHeld() {
        return em.createQuery("SELECT COUNT(m) FROM MessageEntity m WHERE m.state IN :states", Long.class)
                .setParameter("states", MessageState.quarantine()).getSingleResult();
    }

    /** Quarantined messages received before {@code cutoff}, oldest first, at most {@code limit}. */
    public List<Candidate> quarantinedBefore(Instant cutoff, int limit) {
        return candidates(em.createQuery("SELECT m.id, m.spoolName FROM MessageEntity m WHERE m.state IN :states"
                + " AND m.receivedAt < :cutoff ORDER BY m.receivedAt", Object[].class)
                .setParameter("states", MessageState.quarantine()), cutoff, limit);
    }

    /**
     * FAILED messages, and DELIVERED ones that went out with a part replaced by its sanitized copy (Deep CDR: their
     * originals are kept), last changed before {@code cutoff}, whose spool files are still kept (other DELIVERED ones
     * lose theirs at delivery), oldest first.
     */
    public List<Candidate> keptFilesBefore(Instant cutoff, int limit) {
        return candidates(em.createQuery("SELECT m.id, m.spoolName FROM MessageEntity m WHERE (m.state = :failed"
                + " OR m.state = :delivered AND EXISTS (SELECT a.id FROM AttachmentEntity a WHERE a.message = m"
                + " AND a.cdr = :replaced)) AND m.filesRemovedAt IS NULL AND m.updatedAt < :cutoff"
                + " ORDER BY m.updatedAt", Object[].class)
                .setParameter("failed", MessageState.FAILED).setParameter("delivered", MessageState.DELIVERED)
                .setParameter("replaced", AttachmentEntity.CDR_REPLACED), cutoff, limit);
    }

    /** Records of handled mail (delivered, failed, deleted) last changed before {@code cutoff}, oldest first. */
    public List<Candidate> handledBefore(Instant cutoff, int limit) {
        return candidates(em.createQuery("SELECT m.id, m.spoolName FROM MessageEntity m WHERE m.state IN :states"
                + " AND m.updatedAt < :cutoff ORDER BY m.updatedAt", Object[].class)
                .setParameter("states", List.of(MessageState.DELIVERED, MessageState.FAILED, MessageState.DELETED)),
                cutoff, limit);
    }

    private static List<Candidate> candidates(TypedQuery<Object[]> query, Instant cutoff, int limit) {
        return query.setParameter("cutoff", cutoff).setMaxResults(limit).getResultList().stream()
                .map(row -> new Candidate((String) row[0], (String) row[1])).toList();
    }

    /** Records that the spool files of these messages are gone. */
    public void filesRemoved(List<String> ids, Instant now) {
        if (!ids.isEmpty()) {
            em.createQuery("UPDATE MessageEntity m SET m.filesRemovedAt = :now WHERE m.id IN :ids")
                    .setParameter("now", now).setParameter("ids", ids).executeUpdate();
        }
    }

    /** Deletes the records (with their parts, attempts and actions) of these messages; returns how many. */
    public int deleteRecords(List<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        em.createQuery("DELETE FROM AttachmentEntity a WHERE a.message.id IN :ids").setParameter("ids", ids)
                .executeUpdate();
        em.createQuery("DELETE FROM DeliveryAttemptEntity a WHERE a.message.id IN :ids").setParameter("ids", ids)
                .executeUpdate();
        em.createQuery("DELETE FROM QuarantineActionEntity a WHERE a.messageId IN :ids").setParameter("ids", ids)
                .executeUpdate();
        return em.createQuery("DELETE FROM MessageEntity m WHERE m.id IN :ids").setParameter("ids", ids)
                .executeUpdate();
    }

    public void recordRun(PurgeRunEntity run) {
        em.persist(run);
    }

    /** The purge's runs since {@code since}, newest first. */
    public List<PurgeRunEntity> runsSince(Instant since) {
        return em.createQuery("SELECT r FROM PurgeRunEntity r WHERE r.startedAt >= :since ORDER BY r.startedAt DESC",
                PurgeRunEntity.class).setParameter("since", since).getResultList();
    }
}
