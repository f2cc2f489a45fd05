package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.moat.settings.StoredAdminPassword;
import io.moat.web.internal.Accounts.Account;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class AccountsTest {

    private final StoredAdminPassword stored = mock(StoredAdminPassword.class);

    private Accounts accounts(String adminPassword, String auditorPassword) {
        return TestAccounts.of(adminPassword, auditorPassword, stored);
    }

    @Test
    void theAdminAndTheAuditorSignInWithTheirOwnPasswordsOnly() {
        Accounts accounts = accounts("admin-secret", "auditor-secret");
        assertThat(accounts.verify("admin", "admin-secret".toCharArray())).map(Account::role)
                .contains(Accounts.ADMIN);
        assertThat(accounts.verify("auditor", "auditor-secret".toCharArray())).map(Account::role)
                .contains(Accounts.AUDITOR);
        assertThat(accounts.verify("admin", "auditor-secret".toCharArray())).isEmpty();
        assertThat(accounts.verify("auditor", "admin-secret".toCharArray())).isEmpty();
        assertThat(accounts.verify("Admin", "admin-secret".toCharArray())).isEmpty();
    }

    @Test
    void anUnknownUserCostsTheSameDerivationAsAKnownOne() {
        Accounts accounts = accounts("admin-secret", null);
        accounts.verify("admin", "warm-up".toCharArray()); // the configured password is hashed at its first use
        long before = accounts.hashes.derivations();
        assertThat(accounts.verify("admin", "wrong".toCharArray())).isEmpty();
        long known = accounts.hashes.derivations() - before;
        assertThat(accounts.verify("mallory", "wrong".toCharArray())).isEmpty();
        assertThat(accounts.verify("auditor", "wrong".toCharArray())).isEmpty(); // no auditor configured
        long unknown = accounts.hashes.derivations() - before - known;
        assertThat(known).isEqualTo(1);
        assertThat(unknown).isEqualTo(2);
    }

    @Test
    void aGeneratedPasswordIsStoredHashedAndChecked() {
        when(stored.hash()).thenReturn(Optional.empty());
        Accounts accounts = accounts(null, null);
        ArgumentCaptor<String> hash = ArgumentCaptor.forClass(String.class);
        verify(stored).store(hash.capture());
        assertThat(hash.getValue()).startsWith("pbkdf2-sha256$1000$");
        assertThat(accounts.find("admin")).map(Account::hash).contains(hash.getValue());
        assertThat(accounts.verify("admin", "wrong".toCharArray())).isEmpty();
    }

    @Test
    void anOldStoredHashIsRenewedAtTheNextSuccessfulSignIn() {
        String old = new PasswordHash(500).hash("generated".toCharArray()); // as Moat stored 120,000 before
        when(stored.hash()).thenReturn(Optional.of(old));
        Accounts accounts = accounts(null, null);
        assertThat(accounts.verify("admin", "wrong".toCharArray())).isEmpty();
        verify(stored, never()).store(anyString());

        Optional<Account> admin = accounts.verify("admin", "generated".toCharArray());
        ArgumentCaptor<String> renewed = ArgumentCaptor.forClass(String.class);
        verify(stored).store(renewed.capture());
        assertThat(renewed.getValue()).startsWith("pbkdf2-sha256$1000$").isNotEqualTo(old);
        assertThat(admin).map(Account::hash).contains(renewed.getValue());
        assertThat(accounts.find("admin")).map(Account::hash).contains(renewed.getValue());
        assertThat(accounts.hashes.verify("generated".toCharArray(), renewed.getValue()))
                .isEqualTo(PasswordHash.Verification.MATCH);
        // renewed once: later sign-ins find it current
        accounts.verify("admin", "generated".toCharArray());
        verify(stored).store(anyString());
    }

    @Test
    void anAuditorWithTheAdminsNameIsNoAuditor() {
        Accounts accounts = TestAccounts.of("admin", "admin-secret", "admin", "auditor-secret", stored);
        assertThat(accounts.verify("admin", "auditor-secret".toCharArray())).isEmpty();
        assertThat(accounts.verify("admin", "admin-secret".toCharArray())).map(Account::role)
                .contains(Accounts.ADMIN);
    }
}
