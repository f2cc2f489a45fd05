package io.moat.web.internal;

import io.moat.persistence.SettingRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The admin user of the console and the REST API. Its password is {@code moat.admin.password} when set;
 * otherwise one is generated on first start, printed once in the log, and only its hash is stored.
 */
@ApplicationScoped
public class AdminAccount {

    private static final Logger LOG = Logger.getLogger(AdminAccount.class.getName());
    private static final String HASH_SETTING = "admin.password-hash";

    @Inject
    @ConfigProperty(name = "moat.admin.user", defaultValue = "admin")
    String user;

    @Inject
    @ConfigProperty(name = "moat.admin.password")
    Optional<String> configuredPassword;

    @Inject
    SettingRepository settings;

    private volatile String storedHash;

    @Transactional
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
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

    public boolean verify(String name, char[] password) {
        if (!user.equals(name)) {
            return false;
        }
        Optional<String> configured = configuredPassword.filter(p -> !p.isEmpty());
        if (configured.isPresent()) {
            return PasswordHash.equalsConfigured(password, configured.get());
        }
        String hash = storedHash;
        return hash != null && PasswordHash.matches(password, hash);
    }
}
