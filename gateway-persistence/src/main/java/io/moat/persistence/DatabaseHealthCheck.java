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
            long total = messages.countByState().stream().mapToLong(r -> (Long) r[1]).sum();
            return HealthCheckResponse.named("moat-database").up().withData("messages", total).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("moat-database").down().withData("error", String.valueOf(e.getMessage()))
                    .build();
        }
    }
}
