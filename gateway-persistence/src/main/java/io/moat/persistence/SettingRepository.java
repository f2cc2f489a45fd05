package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Optional;

/** Named values the gateway keeps between starts. Callers own the transaction. */
@ApplicationScoped
public class SettingRepository {

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    public Optional<String> get(String name) {
        return Optional.ofNullable(em.find(SettingEntity.class, name)).map(SettingEntity::getValue);
    }

    public void put(String name, String value) {
        SettingEntity existing = em.find(SettingEntity.class, name);
        if (existing == null) {
            em.persist(new SettingEntity(name, value));
        } else {
            existing.setValue(value);
        }
    }
}
