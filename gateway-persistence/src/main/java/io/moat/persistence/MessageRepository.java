package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Queries and updates of message records. Callers own the transaction; every method expects one (JTA).
 */
@ApplicationScoped
public class MessageRepository {

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    public void add(MessageEntity message) {
        em.persist(message);
    }

    public Optional<MessageEntity> find(String id) {
        return Optional.ofNullable(em.find(MessageEntity.class, id));
    }

    /** Newest first, optionally only those in one state. */
    public List<MessageEntity> list(MessageState state, int offset, int limit) {
        TypedQuery<MessageEntity> query = state == null
                ? em.createQuery("SELECT m FROM MessageEntity m ORDER BY m.receivedAt DESC", MessageEntity.class)
                : em.createQuery("SELECT m FROM MessageEntity m WHERE m.state = :state ORDER BY m.receivedAt DESC",
                        MessageEntity.class).setParameter("state", state);
        return query.setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    /** Ids of messages with work due now whose lease (if any) has run out, oldest due first. */
    public List<String> due(Instant now, int limit) {
        return em.createQuery("SELECT m.id FROM MessageEntity m WHERE m.state IN :pending AND m.nextAttemptAt <= :now"
                + " AND (m.leaseUntil IS NULL OR m.leaseUntil < :now) ORDER BY m.nextAttemptAt", String.class)
                .setParameter("pending", MessageState.PENDING)
                .setParameter("now", now)
                .setMaxResults(limit)
                .getResultList();
    }

    /**
     * Takes the lease on a message for {@code owner} until {@code until}, if nobody holds it: the claim that lets
     * several workers (and nodes) share the queue without doing a message twice.
     *
     * @return whether this owner now holds the lease
     */
    public boolean claim(String id, String owner, Instant now, Instant until) {
        return em.createQuery("UPDATE MessageEntity m SET m.leaseOwner = :owner, m.leaseUntil = :until"
                + " WHERE m.id = :id AND (m.leaseUntil IS NULL OR m.leaseUntil < :now)")
                .setParameter("owner", owner)
                .setParameter("until", until)
                .setParameter("id", id)
                .setParameter("now", now)
                .executeUpdate() == 1;
    }

    /** Gives up every lease (at start-up: leases of a previous run of this node are void). */
    public int releaseLeases(String ownerPrefix) {
        return em.createQuery("UPDATE MessageEntity m SET m.leaseOwner = NULL, m.leaseUntil = NULL"
                + " WHERE m.leaseOwner LIKE :prefix")
                .setParameter("prefix", ownerPrefix + "%")
                .executeUpdate();
    }

    public Optional<AttachmentEntity> findAttachmentByDataId(String dataId) {
        return em.createQuery("SELECT a FROM AttachmentEntity a WHERE a.dataId = :dataId", AttachmentEntity.class)
                .setParameter("dataId", dataId)
                .getResultStream()
                .findFirst();
    }

    public Optional<AttachmentEntity> attachment(long id) {
        return Optional.ofNullable(em.find(AttachmentEntity.class, id));
    }

    /** How many messages have been due since before {@code overdueSince} without anyone holding their lease. */
    public long countOverdue(Instant overdueSince) {
        return em.createQuery("SELECT COUNT(m) FROM MessageEntity m WHERE m.state IN :pending"
                + " AND m.nextAttemptAt < :since AND m.leaseUntil IS NULL", Long.class)
                .setParameter("pending", MessageState.PENDING)
                .setParameter("since", overdueSince)
                .getSingleResult();
    }

    /** Counts by state, for health and the dashboard. */
    public List<Object[]> countByState() {
        return em.createQuery("SELECT m.state, COUNT(m) FROM MessageEntity m GROUP BY m.state", Object[].class)
                .getResultList();
    }
}
