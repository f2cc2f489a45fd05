package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * The callbacks Core may still make, found by their token's hash. A callback is used up by one conditional
 * {@code DELETE}, so that the same callback twice at once (Core retries) counts once, with its message's row locked,
 * so that the callbacks of one message's files are taken one at a time. Callers own the transaction.
 */
@ApplicationScoped
public class CoreCallbackRepository {

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    public void add(Collection<CoreCallbackEntity> callbacks) {
        callbacks.forEach(em::persist);
    }

    /**
     * Uses up the callback whose token hashes to {@code tokenHash}, if it is for {@code dataId} and not expired at
     * {@code now}.
     *
     * @return the message it is for; empty when there is no such callback (unknown, expired, used, another file's)
     */
    public Optional<String> use(String tokenHash, String dataId, Instant now) {
        CoreCallbackEntity callback = em.find(CoreCallbackEntity.class, tokenHash);
        if (callback == null || !callback.getDataId().equals(dataId) || !callback.getExpiresAt().isAfter(now)) {
            return Optional.empty();
        }
        // the message's row is locked first: the callbacks of its files, arriving at once, are taken one after the
        // other, so that the last one sees the others used up (awaited) and makes the message due
        em.createQuery("SELECT m.id FROM MessageEntity m WHERE m.id = :id").setParameter("id", callback.getMessageId())
                .setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        int deleted = em.createQuery("DELETE FROM CoreCallbackEntity c WHERE c.tokenHash = :hash")
                .setParameter("hash", tokenHash).executeUpdate();
        return deleted == 1 ? Optional.of(callback.getMessageId()) : Optional.empty();
    }

    /** Whether callbacks for other files of {@code messageId} are still awaited (and not expired at {@code now}). */
    public boolean awaited(String messageId, Instant now) {
        return !em.createQuery("SELECT c.tokenHash FROM CoreCallbackEntity c WHERE c.messageId = :id"
                + " AND c.expiresAt > :now").setParameter("id", messageId).setParameter("now", now).setMaxResults(1)
                .getResultList().isEmpty();
    }

    /**
     * Makes a message that waits for Core due at {@code now}, unless it is due sooner or has moved on.
     *
     * @return whether it was waiting
     */
    public boolean makeDue(String messageId, Instant now) {
        return em.createQuery("UPDATE MessageEntity m SET m.nextAttemptAt = :now WHERE m.id = :id"
                + " AND m.state = :scanning AND m.nextAttemptAt > :now").setParameter("now", now)
                .setParameter("id", messageId).setParameter("scanning", MessageState.SCANNING).executeUpdate() == 1;
    }

    /** Deletes the callbacks that expired before {@code cutoff}; returns how many. */
    public int deleteExpiredBefore(Instant cutoff) {
        return em.createQuery("DELETE FROM CoreCallbackEntity c WHERE c.expiresAt < :cutoff")
                .setParameter("cutoff", cutoff).executeUpdate();
    }
}
