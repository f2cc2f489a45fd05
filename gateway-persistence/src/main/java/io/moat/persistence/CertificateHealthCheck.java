package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports certificates in use that expire within 30 days, by name, date and use. Still up while they are valid: an
 * expiring certificate is a task for the admin, not a reason to take the gateway out of service; down once one in
 * use has expired, because its TLS service no longer works for clients that check.
 */
@Readiness
@ApplicationScoped
public class CertificateHealthCheck implements HealthCheck {

    @Inject
    CertificateExpiryReport report;

    @Override
    public HealthCheckResponse call() {
        Instant now = Instant.now();
        List<CertificateExpiryReport.Expiring> expiring;
        try {
            expiring = report.expiring();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("moat-certificates").down().withData("error", String.valueOf(e
                    .getMessage())).build();
        }
        boolean expired = expiring.stream().anyMatch(e -> e.notAfter().isBefore(now));
        HealthCheckResponseBuilder response = HealthCheckResponse.named("moat-certificates").status(!expired)
                .withData("expiringWithin30Days", expiring.size());
        for (CertificateExpiryReport.Expiring e : expiring) {
            response.withData(e.name(), (e.notAfter().isBefore(now) ? "expired on " : "expires on ") + e.notAfter()
                    + ", used by " + String.join(", ", e.usedBy()));
        }
        return response.build();
    }
}
