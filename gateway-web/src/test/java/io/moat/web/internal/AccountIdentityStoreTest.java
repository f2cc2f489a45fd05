package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.CredentialValidationResult.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AccountIdentityStoreTest {

    private static AccountIdentityStore store(Duration cacheTtl) {
        return TestAccounts.store(TestAccounts.adminOnly(), cacheTtl);
    }

    private static CredentialValidationResult validate(AccountIdentityStore store, String user, String password) {
        return store.validate(new UsernamePasswordCredential(user, password));
    }

    @Test
    void aCachedVerificationDoesNotRunPbkdf2Again() {
        AccountIdentityStore store = store(Duration.ofMinutes(5));
        PasswordHash hashes = store.accounts.hashes;
        assertThat(validate(store, "admin", "admin-secret").getStatus()).isEqualTo(Status.VALID);
        long afterFirst = hashes.derivations();
        for (int i = 0; i < 100; i++) {
            CredentialValidationResult again = validate(store, "admin", "admin-secret");
            assertThat(again.getStatus()).isEqualTo(Status.VALID);
            assertThat(again.getCallerPrincipal().getName()).isEqualTo("admin");
            assertThat(again.getCallerGroups()).containsExactly(Accounts.ADMIN);
        }
        assertThat(hashes.derivations()).isEqualTo(afterFirst);
    }

    @Test
    void aWrongPasswordNeverHitsTheCacheAndIsDerivedEveryTime() {
        AccountIdentityStore store = store(Duration.ofMinutes(5));
        PasswordHash hashes = store.accounts.hashes;
        validate(store, "admin", "admin-secret");
        long before = hashes.derivations();
        for (int i = 0; i < 5; i++) {
            assertThat(validate(store, "admin", "admin-secreT").getStatus()).isEqualTo(Status.INVALID);
            assertThat(validate(store, "mallory", "admin-secret").getStatus()).isEqualTo(Status.INVALID);
        }
        assertThat(hashes.derivations() - before).isEqualTo(10);
    }

    @Test
    void withoutACacheEveryRequestIsDerived() {
        AccountIdentityStore store = store(Duration.ZERO);
        validate(store, "admin", "admin-secret");
        long before = store.accounts.hashes.derivations();
        validate(store, "admin", "admin-secret");
        assertThat(store.accounts.hashes.derivations() - before).isEqualTo(1);
    }

    @Test
    void theCacheLastsBrieflyOrNotAtAll() {
        assertThatThrownBy(() -> store(Duration.ofHours(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("moat.auth.cache-ttl");
        assertThatThrownBy(() -> store(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
