package io.moat.web.internal;

import static org.mockito.Mockito.mock;

import io.moat.settings.StoredAdminPassword;
import java.time.Duration;
import java.util.Optional;

/** {@link Accounts} as CDI would make them, with 1,000 PBKDF2 iterations: the tests need not spend 0.2 s each. */
final class TestAccounts {

    private TestAccounts() {
    }

    /** The admin {@code admin}, the auditor {@code auditor}; a null password is none configured. */
    static Accounts of(String adminPassword, String auditorPassword, StoredAdminPassword stored) {
        return of("admin", adminPassword, "auditor", auditorPassword, stored);
    }

    static Accounts of(String admin, String adminPassword, String auditor, String auditorPassword,
            StoredAdminPassword stored) {
        Accounts accounts = new Accounts();
        accounts.user = admin;
        accounts.configuredPassword = Optional.ofNullable(adminPassword);
        accounts.auditorUser = auditor;
        accounts.auditorPassword = Optional.ofNullable(auditorPassword);
        accounts.sessionTimeout = Duration.ofMinutes(30);
        accounts.stored = stored;
        accounts.hashes = new PasswordHash(1_000);
        accounts.onStart(null);
        return accounts;
    }

    /** The admin's password is {@code admin-secret}; no auditor. */
    static Accounts adminOnly() {
        return of("admin-secret", null, mock(StoredAdminPassword.class));
    }

    /** The identity store over {@code accounts}, remembering right passwords for {@code cacheTtl}. */
    static AccountIdentityStore store(Accounts accounts, Duration cacheTtl) {
        AccountIdentityStore store = new AccountIdentityStore();
        store.accounts = accounts;
        store.cacheTtl = cacheTtl;
        store.init();
        return store;
    }
}
