package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The events waiting for the admins' next digest. Callers own the transaction: an event is added in the transaction
 * that holds its message, and taken in the one that records the digest mail, so that it is told exactly once.
 */
@ApplicationScoped
public class DigestEventRepository {

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    public void add(DigestEventEntity event) {
        em.persist(event);
    }

    /** When the oldest waiting event happened; empty if none waits. */
    public Optional<Instant> oldest() {
        return Optional.ofNullable(em.createQuery("SELECT MIN(e.occurredAt) FROM DigestEventEntity e", Instant.class)
                .getSingleResult());
    }

    /**
     * Removes and returns the oldest {@code limit} events. If another transaction (another node) took one of them
     * first, nothing is taken here: the caller's transaction must then be rolled back, so that no event is told twice.
     *
     * @throws IllegalStateException when another transaction removed one of the events read
     */
    public List<DigestEventEntity> take(int limit) {
        List<DigestEventEntity> events = em.createQuery("SELECT e FROM DigestEventEntity e ORDER BY e.occurredAt, e.id",
                DigestEventEntity.class).setMaxResults(limit).getResultList();
        if (events.isEmpty()) {
            return events;
        }
        int removed = em.createQuery("DELETE FROM DigestEventEntity e WHERE e.id IN :ids")
                .setParameter("ids", events.stream().map(DigestEventEntity::getId).toList()).executeUpdate();
        if (removed != events.size()) {
            throw new IllegalStateException("another node took " + (events.size() - removed) + " of "
                    + events.size() + " digest events; this digest is left to it");
        }
        return events;
    }

    /** How many events wait. */
    public long count() {
        return em.createQuery("SELECT COUNT(e) FROM DigestEventEntity e", Long.class).getSingleResult();
    }
}
