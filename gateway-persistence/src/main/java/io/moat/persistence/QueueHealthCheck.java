package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the pipeline keeps taking its work: down when a message has waited, unclaimed, for more than
 * {@link #STUCK_AFTER} past the time it was due. Read from the database because WildFly registers MicroProfile
 * Health checks only from the EAR's library jars (see docs/adr/0004).
 */
@Liveness
@ApplicationScoped
public class QueueHealthCheck implements HealthCheck {

    static final Duration STUCK_AFTER = Duration.ofMinutes(15);

    @Inject
    MessageRepository messages;

    @Override
    @Transactional
    public HealthCheckResponse call() {
        try {
            long stuck = messages.countOverdue(Instant.now().minus(STUCK_AFTER));
            return HealthCheckResponse.named("moat-queue").status(stuck == 0).withData("overdueMessages", stuck)
                    .build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("moat-queue").down().withData("error", String.valueOf(e.getMessage()))
                    .build();
        }
    }
}
