package io.moat.web.internal;

import io.moat.persistence.SettingRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The users of the console and the REST API: the admin, who may change everything, and optionally an auditor, who
 * sees everything and changes nothing. The admin's password is {@code moat.admin.password} when set; otherwise one
 * is generated on first start, printed once in the log, and only its hash is stored. The auditor exists when
 * {@code moat.auditor.password} is set.
 */
@ApplicationScoped
public class Accounts {

    /** May read and change everything. */
    public static final String ADMIN = "admin";
    /** May read everything, change nothing. */
    public static final String AUDITOR = "auditor";

    private static final Logger LOG = Logger.getLogger(Accounts.class.getName());
    private static final String HASH_SETTING = "admin.password-hash";

    @Inject
    @ConfigProperty(name = "moat.admin.user", defaultValue = "admin")
    String user;

    @Inject
    @ConfigProperty(name = "moat.admin.password")
    Optional<String> configuredPassword;

    @Inject
    @ConfigProperty(name = "moat.auditor.user", defaultValue = "auditor")
    String auditorUser;

    @Inject
    @ConfigProperty(name = "moat.auditor.password")
    Optional<String> auditorPassword;

    @Inject
    @ConfigProperty(name = "moat.console.session-timeout", defaultValue = "PT30M")
    Duration sessionTimeout;

    @Inject
    SettingRepository settings;

    private volatile String storedHash;

    @Transactional
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        if (auditorPassword.filter(p -> !p.isEmpty()).isPresent()) {
            if (auditorUser.equals(user)) {
                LOG.severe("moat.auditor.user and moat.admin.user are both '" + user + "': the auditor is off;"
                        + " give the auditor another name");
            } else {
                LOG.info(() -> "read-only auditor user '" + auditorUser + "' uses the password from"
                        + " moat.auditor.password");
            }
        }
        if (configuredPassword.filter(p -> !p.isEmpty()).isPresent()) {
            LOG.info(() -> "admin user '" + user + "' uses the password from moat.admin.password");
            return;
        }
        storedHash = settings.get(HASH_SETTING).orElse(null);
        if (storedHash == null) {
            String password = PasswordHash.generate();
            storedHash = PasswordHash.hash(password.toCharArray());
            settings.put(HASH_SETTING, storedHash);
            LOG.warning("Generated the password of admin user '" + user + "': " + password
                    + "  (shown this once; set moat.admin.password to choose your own)");
        }
    }

    public String user() {
        return user;
    }

    /** How long a console session lasts without a request. */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** The role of the user with this name and password: {@link #ADMIN}, {@link #AUDITOR}, or none. */
    public Optional<String> roleOf(String name, char[] password) {
        if (user.equals(name)) {
            Optional<String> configured = configuredPassword.filter(p -> !p.isEmpty());
            boolean valid = configured.isPresent()
                    ? PasswordHash.equalsConfigured(password, configured.get())
                    : storedHash != null && PasswordHash.matches(password, storedHash);
            return valid ? Optional.of(ADMIN) : Optional.empty();
        }
        Optional<String> auditor = auditorPassword.filter(p -> !p.isEmpty());
        if (auditor.isPresent() && auditorUser.equals(name) && !auditorUser.equals(user)
                && PasswordHash.equalsConfigured(password, auditor.get())) {
            return Optional.of(AUDITOR);
        }
        return Optional.empty();
    }
}
