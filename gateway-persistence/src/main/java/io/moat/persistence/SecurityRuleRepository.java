package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

/** Stored security rules. Callers own the transaction. */
@ApplicationScoped
public class SecurityRuleRepository {

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    public void add(SecurityRuleEntity rule) {
        em.persist(rule);
    }

    public Optional<SecurityRuleEntity> find(String id) {
        return Optional.ofNullable(em.find(SecurityRuleEntity.class, id));
    }

    /** In their order: first match wins. */
    public List<SecurityRuleEntity> list() {
        return em.createQuery("SELECT r FROM SecurityRuleEntity r ORDER BY r.position, r.name",
                SecurityRuleEntity.class).getResultList();
    }

    public void delete(SecurityRuleEntity rule) {
        em.remove(rule);
    }

    public void flush() {
        em.flush();
    }
}
