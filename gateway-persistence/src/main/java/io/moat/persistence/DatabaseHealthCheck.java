package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the database answers a query. (In this EAR lib jar because of docs/adr/0004.) */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements HealthCheck {

    @Inject
    MessageRepository messages;

    @Override
    @Transactional
    public HealthCheckResponse call() {
        try {
            // a query that reads the queue only: a probe must stay cheap however many delivered messages are kept
            return HealthCheckResponse.named("moat-database").up().withData("pending", messages.countPending())
                    .build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("moat-database").down().withData("error", String.valueOf(e.getMessage()))
                    .build();
        }
    }
}
