package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

/** Stored server profiles and trusted certificates. Callers own the transaction. */
@ApplicationScoped
public class ServerProfileRepository {

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    public void add(ServerProfileEntity profile) {
        em.persist(profile);
    }

    public Optional<ServerProfileEntity> find(String id) {
        return Optional.ofNullable(em.find(ServerProfileEntity.class, id));
    }

    /** In the order they were created. */
    public List<ServerProfileEntity> list() {
        return em.createQuery("SELECT p FROM ServerProfileEntity p ORDER BY p.createdAt, p.id",
                ServerProfileEntity.class).getResultList();
    }

    public void delete(ServerProfileEntity profile) {
        em.remove(profile);
    }

    public void flush() {
        em.flush();
    }

    public void addTrusted(TrustedCertificateEntity certificate) {
        em.persist(certificate);
    }

    public List<TrustedCertificateEntity> trusted() {
        return em.createQuery("SELECT t FROM TrustedCertificateEntity t ORDER BY t.createdAt, t.id",
                TrustedCertificateEntity.class).getResultList();
    }

    public boolean deleteTrusted(String id) {
        TrustedCertificateEntity certificate = em.find(TrustedCertificateEntity.class, id);
        if (certificate == null) {
            return false;
        }
        em.remove(certificate);
        return true;
    }
}
