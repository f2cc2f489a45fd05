package io.moat.web.internal;

import io.moat.settings.StoredAdminPassword;
import io.moat.web.internal.PasswordHash.Verification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The users of the console and the REST API: the admin, who may change everything, and optionally an auditor, who
 * sees everything and changes nothing. The admin's password is {@code moat.admin.password} when set; otherwise one
 * is generated on first start, printed once in the log, and only its hash is stored. The auditor exists when
 * {@code moat.auditor.password} is set.
 *
 * <p>Every password is checked the same way, against a PBKDF2 hash ({@link PasswordHash}): a configured password is
 * hashed in memory the first time it is needed, and a user name without an account is checked against a dummy. So
 * each {@link #verify} derives once whether the name exists or not, and its time tells nothing about the name. A
 * stored hash of fewer iterations than {@link PasswordHash#ITERATIONS} (Moat before 600,000) is replaced at the next
 * successful sign-in, when the password is at hand.
 */
@ApplicationScoped
public class Accounts {

    /** May read and change everything. */
    public static final String ADMIN = "admin";
    /** May read everything, change nothing. */
    public static final String AUDITOR = "auditor";

    private static final Logger LOG = Logger.getLogger(Accounts.class.getName());

    /**
     * A user: its name, its role, and the hash its password is checked against (which changes when the password
     * does, or when the hash is renewed).
     */
    public record Account(String name, String role, String hash) {
    }

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
    StoredAdminPassword stored;

    PasswordHash hashes = new PasswordHash();

    /** The admin's hash: the stored one, or that of {@code moat.admin.password} once derived. */
    private volatile String adminHash;
    /** The auditor's, once derived. */
    private volatile String auditorHash;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        if (auditor().isPresent()) {
            LOG.info(() -> "read-only auditor user '" + auditorUser + "' uses the password from"
                    + " moat.auditor.password");
        } else if (auditorPassword.filter(p -> !p.isEmpty()).isPresent()) {
            LOG.severe("moat.auditor.user and moat.admin.user are both '" + user + "': the auditor is off;"
                    + " give the auditor another name");
        }
        if (configuredPassword.filter(p -> !p.isEmpty()).isPresent()) {
            LOG.info(() -> "admin user '" + user + "' uses the password from moat.admin.password");
            return;
        }
        adminHash = stored.hash().orElse(null);
        if (adminHash == null) {
            String password = PasswordHash.generate();
            adminHash = hashes.hash(password.toCharArray());
            stored.store(adminHash);
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

    /**
     * The account of this user name, if there is one. Cheap, except the first time for a configured password, which
     * is hashed then.
     */
    public Optional<Account> find(String name) {
        if (user.equals(name)) {
            Optional<String> configured = configuredPassword.filter(p -> !p.isEmpty());
            if (configured.isPresent()) {
                return Optional.of(new Account(user, ADMIN, configuredHash(true, configured.get())));
            }
            String hash = adminHash;
            return hash == null ? Optional.empty() : Optional.of(new Account(user, ADMIN, hash));
        }
        if (auditorUser.equals(name)) {
            return auditor().map(password -> new Account(auditorUser, AUDITOR, configuredHash(false, password)));
        }
        return Optional.empty();
    }

    /**
     * The account if {@code name} has one and {@code password} is its password. Exactly one PBKDF2 derivation
     * whether the name exists or not (plus one more when an outdated stored hash is renewed).
     */
    public Optional<Account> verify(String name, char[] password) {
        Optional<Account> account = find(name);
        if (account.isEmpty()) {
            hashes.verifyNobody(password);
            return Optional.empty();
        }
        Verification verification = hashes.verify(password, account.get().hash());
        if (verification == Verification.MATCH_OUTDATED && !ownsConfiguredPassword(account.get())) {
            return Optional.of(renewed(account.get(), password));
        }
        return verification.matches() ? account : Optional.empty();
    }

    private boolean ownsConfiguredPassword(Account account) {
        return account.role().equals(AUDITOR) || configuredPassword.filter(p -> !p.isEmpty()).isPresent();
    }

    /** The stored admin hash again, with today's iteration count, now that the password is known to be right. */
    private Account renewed(Account account, char[] password) {
        String hash = hashes.hash(password);
        try {
            stored.store(hash);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not store the admin password's hash with " + PasswordHash.ITERATIONS
                    + " iterations (the old one stays and is renewed at a later sign-in): " + e, e);
            return account;
        }
        adminHash = hash;
        LOG.info(() -> "the admin password's stored hash now has " + PasswordHash.ITERATIONS + " PBKDF2 iterations");
        return new Account(account.name(), account.role(), hash);
    }

    private Optional<String> auditor() {
        return auditorPassword.filter(p -> !p.isEmpty() && !auditorUser.equals(user));
    }

    private String configuredHash(boolean admin, String password) {
        String hash = admin ? adminHash : auditorHash;
        return hash != null ? hash : hashConfigured(admin, password);
    }

    private synchronized String hashConfigured(boolean admin, String password) {
        String hash = admin ? adminHash : auditorHash;
        if (hash == null) {
            hash = hashes.hash(password.toCharArray());
            if (admin) {
                adminHash = hash;
            } else {
                auditorHash = hash;
            }
        }
        return hash;
    }
}
