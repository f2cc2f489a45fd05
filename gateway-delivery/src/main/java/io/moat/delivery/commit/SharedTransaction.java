package io.moat.delivery.commit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;

/** One new JTA transaction for the works of a {@link CommitGroup}. */
@ApplicationScoped
public class SharedTransaction {

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void run(List<Runnable> works) {
        works.forEach(Runnable::run);
    }
}
