package io.moat.persistence;

import static io.moat.persistence.TestDatabases.migrated;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityRuleRepositoryTest {

    @Test
    void theMigrationMakesTheDefaultRuleAndARenumberingIsKept() throws Exception {
        EntityManagerFactory emf = migrated("rules");
        try {
            EntityManager em = emf.createEntityManager();
            SecurityRuleRepository repository = on(em);
            em.getTransaction().begin();
            List<SecurityRuleEntity> all = new ArrayList<>(repository.list());
            assertThat(all).extracting(SecurityRuleEntity::getName).containsExactly("default");
            SecurityRuleEntity first = new SecurityRuleEntity("r1", Instant.now());
            first.set("first", 0, true, "{}", Instant.now());
            repository.add(first);
            all.add(0, first);
            for (int i = 0; i < all.size(); i++) {
                all.get(i).moveTo(i + 1);
            }
            repository.flush();
            em.getTransaction().commit();
            em.close();

            EntityManager read = emf.createEntityManager();
            assertThat(on(read).list()).extracting(r -> r.getName() + "@" + r.getPosition())
                    .containsExactly("first@1", "default@2");
            read.close();
        } finally {
            emf.close();
        }
    }

    private static SecurityRuleRepository on(EntityManager em) throws ReflectiveOperationException {
        SecurityRuleRepository repository = new SecurityRuleRepository();
        Field field = SecurityRuleRepository.class.getDeclaredField("em");
        field.setAccessible(true);
        field.set(repository, em);
        return repository;
    }
}
