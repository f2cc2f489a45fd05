package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

/** The stored inbound SMTP endpoints. Callers own the transaction. */
@ApplicationScoped
public class SmtpEndpointRepository {

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    public void add(SmtpEndpointEntity endpoint) {
        em.persist(endpoint);
    }

    public Optional<SmtpEndpointEntity> find(String id) {
        return Optional.ofNullable(em.find(SmtpEndpointEntity.class, id));
    }

    /** In the order they were created. */
    public List<SmtpEndpointEntity> list() {
        return em.createQuery("SELECT e FROM SmtpEndpointEntity e ORDER BY e.createdAt, e.id",
                SmtpEndpointEntity.class).getResultList();
    }

    public void delete(SmtpEndpointEntity endpoint) {
        em.remove(endpoint);
    }

    /** Writes pending changes now, so that a failure (e.g. a duplicate name) shows before the listeners change. */
    public void flush() {
        em.flush();
    }
}
