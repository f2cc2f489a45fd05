package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

/** The stored key/certificate pairs. Callers own the transaction. */
@ApplicationScoped
public class CertificateRepository {

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    public void add(CertificateEntity certificate) {
        em.persist(certificate);
    }

    public Optional<CertificateEntity> find(String id) {
        return Optional.ofNullable(em.find(CertificateEntity.class, id));
    }

    /** In the order they were added. */
    public List<CertificateEntity> list() {
        return em.createQuery("SELECT c FROM CertificateEntity c ORDER BY c.createdAt, c.id", CertificateEntity.class)
                .getResultList();
    }

    public boolean delete(String id) {
        CertificateEntity certificate = em.find(CertificateEntity.class, id);
        if (certificate == null) {
            return false;
        }
        em.remove(certificate);
        return true;
    }
}
