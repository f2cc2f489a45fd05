package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The certificates in use that expire soon, found by the application on each call; read by
 * {@link CertificateHealthCheck}. The application registers how to find them: WildFly registers health checks only
 * from the EAR's library jars (ADR 0004), which cannot see the application module that knows where certificates
 * are used.
 */
@ApplicationScoped
public class CertificateExpiryReport {

    /** One certificate in use that expires within the warning period (or has expired). */
    public record Expiring(String name, String subject, Instant notAfter, List<String> usedBy) {
    }

    private volatile Supplier<List<Expiring>> source = List::of;

    /** How the application finds them. */
    public void source(Supplier<List<Expiring>> source) {
        this.source = source;
    }

    public List<Expiring> expiring() {
        return source.get();
    }
}
