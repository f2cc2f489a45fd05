package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/**
 * The settings' generation (ADR 45): one row, raised by every change to a setting in the change's own transaction
 * (its row lock also orders concurrent changes on several nodes), and read by every node each second.
 */
@ApplicationScoped
public class SettingsGenerationRepository {

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    /** Raises the generation, in the caller's transaction (or a new one when the caller has none). */
    @Transactional
    public void bump() {
        em.createNativeQuery("UPDATE moat_settings_generation SET generation = generation + 1 WHERE id = 1")
                .executeUpdate();
    }

    /** The generation as committed now. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public long current() {
        return ((Number) em.createNativeQuery("SELECT generation FROM moat_settings_generation WHERE id = 1")
                .getSingleResult()).longValue();
    }
}
