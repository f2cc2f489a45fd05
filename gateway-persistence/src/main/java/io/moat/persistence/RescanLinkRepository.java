package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.Optional;

/**
 * The rescan page's links, found by their token's hash. Whether a link may still be used is decided in the database,
 * by one conditional {@code UPDATE} each ({@link #reserveAttempt}, {@link #use}), so that two requests with one token
 * at once cannot both pass its limit. Callers own the transaction (JTA).
 */
@ApplicationScoped
public class RescanLinkRepository {

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    public void add(RescanLinkEntity link) {
        em.persist(link);
    }

    /** The link whose token hashes to {@code tokenHash} (hex), used or not, expired or not. */
    public Optional<RescanLinkEntity> find(String tokenHash) {
        return Optional.ofNullable(em.find(RescanLinkEntity.class, tokenHash));
    }

    /**
     * Counts a password tried through the link, if it is still open at {@code now}: not used, not expired, fewer than
     * {@code maxAttempts} tried before.
     *
     * @return whether the attempt was counted (false: the link is refused)
     */
    public boolean reserveAttempt(String tokenHash, Instant now, int maxAttempts) {
        return em.createQuery("UPDATE RescanLinkEntity l SET l.attempts = l.attempts + 1 WHERE l.tokenHash = :hash"
                + " AND l.usedAt IS NULL AND l.expiresAt > :now AND l.attempts < :max").setParameter("hash", tokenHash)
                .setParameter("now", now).setParameter("max", maxAttempts).executeUpdate() == 1;
    }

    /** Takes back an attempt {@link #reserveAttempt} counted for a password that was never tried. */
    public void giveBackAttempt(String tokenHash) {
        em.createQuery("UPDATE RescanLinkEntity l SET l.attempts = l.attempts - 1 WHERE l.tokenHash = :hash"
                + " AND l.attempts > 0").setParameter("hash", tokenHash).executeUpdate();
    }

    /**
     * Uses the link up (a right password was given through it).
     *
     * @return false if it was used already
     */
    public boolean use(String tokenHash, Instant now) {
        return em.createQuery("UPDATE RescanLinkEntity l SET l.usedAt = :now WHERE l.tokenHash = :hash"
                + " AND l.usedAt IS NULL").setParameter("hash", tokenHash).setParameter("now", now)
                .executeUpdate() == 1;
    }

    /** Deletes the links that expired before {@code cutoff}; returns how many. */
    public int deleteExpiredBefore(Instant cutoff) {
        return em.createQuery("DELETE FROM RescanLinkEntity l WHERE l.expiresAt < :cutoff")
                .setParameter("cutoff", cutoff).executeUpdate();
    }
}
