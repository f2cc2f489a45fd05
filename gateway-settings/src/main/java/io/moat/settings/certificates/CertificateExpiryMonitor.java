package io.moat.settings.certificates;

import io.moat.persistence.CertificateExpiryReport;
import io.moat.persistence.CertificateExpiryReport.Expiring;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Once at start and then once a day: which certificates in use expire within 30 days. Each is logged as a warning
 * (so once a day) and reported by the {@code moat-certificates} health check. The application's start-up calls
 * {@link #start()} once the schema is up to date, and {@link #check()} each morning.
 */
@ApplicationScoped
public class CertificateExpiryMonitor {

    private static final Logger LOG = Logger.getLogger(CertificateExpiryMonitor.class.getName());
    static final Duration WARN_BEFORE = Duration.ofDays(30);

    @Inject
    CertificateStore certificates;

    @Inject
    CertificateExpiryReport report;

    /** Gives the health check its source and checks once. */
    public void start() {
        report.source(() -> expiring(Instant.now()));
        check();
    }

    /** The certificates in use that expire within {@link #WARN_BEFORE} of {@code now}, or have expired. */
    List<Expiring> expiring(Instant now) {
        List<Expiring> expiring = new ArrayList<>();
        for (CertificateStore.Entry entry : certificates.list()) {
            Instant notAfter = entry.chain().get(0).getNotAfter().toInstant();
            if (!entry.usedBy().isEmpty() && notAfter.isBefore(now.plus(WARN_BEFORE))) {
                expiring.add(new Expiring(entry.name(), entry.chain().get(0).getSubjectX500Principal().getName(),
                        notAfter, entry.usedBy()));
            }
        }
        return expiring;
    }

    /** Logs a warning for each certificate in use that expires soon or has expired. */
    public void check() {
        Instant now = Instant.now();
        try {
            for (Expiring e : expiring(now)) {
                LOG.warning(() -> "certificate '" + e.name() + "' (" + e.subject() + ") "
                        + (e.notAfter().isBefore(now) ? "expired on " : "expires on ") + e.notAfter() + "; used by "
                        + String.join(", ", e.usedBy()) + ". Renew it: PUT /api/v1/certificates/{id}, or replace"
                        + " the files in the data directory for the digital ID");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not check certificate expiry; trying again tomorrow", e);
        }
    }
}
