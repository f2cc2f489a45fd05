package io.moat.settings.certificates;

import io.moat.settings.GatewaySettings;
import io.moat.tls.DigitalId;
import io.moat.tls.DigitalIdFiles;
import io.moat.tls.Finding;
import io.moat.tls.Severity;
import io.moat.tls.TlsException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's digital ID: the key and certificate in the data directory ({@code tls.pem}, or {@code key.pem} +
 * {@code cert.pem}), or a self-signed one generated on first start. Loaded once, on first use; SMTP endpoints and
 * console HTTPS use it unless they name a stored certificate.
 */
@ApplicationScoped
public class DigitalIdService {

    private static final Logger LOG = Logger.getLogger(DigitalIdService.class.getName());

    @Inject
    GatewaySettings settings;

    private DigitalIdFiles.Loaded loaded;
    private String problem;

    /** The loaded ID, or empty when the files in the data directory are unusable (the log says why). */
    public synchronized Optional<DigitalIdFiles.Loaded> loaded() {
        ensureLoaded();
        return Optional.ofNullable(loaded);
    }

    /** What is wrong with the data directory's ID when it could not be loaded, else null. */
    public synchronized String problem() {
        ensureLoaded();
        return problem;
    }

    /** The digital ID itself, or null when there is none usable. */
    public DigitalId digitalId() {
        return loaded().map(DigitalIdFiles.Loaded::id).orElse(null);
    }

    private void ensureLoaded() {
        if (loaded != null || problem != null) {
            return;
        }
        Path directory = settings.dataDirectory();
        try {
            loaded = DigitalIdFiles.loadOrCreate(directory, settings.keyPassphrase(), settings.hostName(),
                    Instant.now());
        } catch (TlsException | IOException e) {
            problem = e.getMessage();
            LOG.severe(() -> "No digital ID: " + e.getMessage() + " (data directory " + directory
                    + "). TLS is not offered until it is fixed; then restart the gateway.");
            return;
        }
        if (loaded.generated()) {
            String names = "localhost".equals(settings.hostName())
                    ? "localhost"
                    : settings.hostName() + " and localhost";
            LOG.warning(() -> "Generated a self-signed digital ID for " + names + ": "
                    + files() + ". Mail servers and browsers will not trust it. To use your own, replace key.pem and"
                    + " cert.pem (or put key and chain into tls.pem, which takes precedence) in " + directory
                    + " and restart the gateway.");
        } else {
            LOG.info(() -> "Digital ID " + loaded.id().certificate().getSubjectX500Principal().getName() + " from "
                    + files());
        }
        log(loaded.findings());
    }

    private String files() {
        return String.join(", ", loaded.files().stream().map(Path::toString).toList());
    }

    private static void log(List<Finding> findings) {
        for (Finding finding : findings) {
            LOG.log(finding.severity() == Severity.ERROR ? Level.SEVERE : Level.WARNING,
                    () -> "Digital ID: " + finding.message());
        }
    }
}
