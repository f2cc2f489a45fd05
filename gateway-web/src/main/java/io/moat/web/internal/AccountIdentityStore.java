package io.moat.web.internal;

import io.moat.web.internal.Accounts.Account;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks user name and password against {@link Accounts}; the role becomes the caller's only group. A password found
 * right within {@code moat.auth.cache-ttl} is not derived again ({@link RecentVerifications}): the REST API takes
 * HTTP Basic on every request, and an integrator polling it would otherwise cost 0.2 to 0.5 s of a core each time.
 */
@ApplicationScoped
public class AccountIdentityStore implements IdentityStore {

    /** The longest {@code moat.auth.cache-ttl}: a verification is remembered briefly, not for a session. */
    static final Duration MAX_CACHE_TTL = Duration.ofHours(1);

    @Inject
    Accounts accounts;

    @Inject
    @ConfigProperty(name = "moat.auth.cache-ttl", defaultValue = "PT5M")
    Duration cacheTtl;

    RecentVerifications recent;

    @PostConstruct
    void init() {
        if (cacheTtl.isNegative() || cacheTtl.compareTo(MAX_CACHE_TTL) > 0) {
            throw new IllegalArgumentException("moat.auth.cache-ttl must be between PT0S (every request checks the"
                    + " password) and " + MAX_CACHE_TTL + ", e.g. PT5M; it is " + cacheTtl);
        }
        recent = new RecentVerifications(cacheTtl);
    }

    /** Checks {@code moat.auth.cache-ttl} at deployment. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // the bean is made, and its setting checked, now
    }

    @Override
    public CredentialValidationResult validate(Credential credential) {
        if (!(credential instanceof UsernamePasswordCredential login)) {
            return CredentialValidationResult.NOT_VALIDATED_RESULT;
        }
        String name = login.getCaller();
        char[] password = login.getPassword().getValue();
        Optional<Account> known = accounts.find(name);
        if (known.isPresent() && recent.contains(known.get(), password)) {
            return valid(known.get());
        }
        Optional<Account> verified = accounts.verify(name, password);
        verified.ifPresent(account -> recent.remember(account, password));
        return verified.map(AccountIdentityStore::valid).orElse(CredentialValidationResult.INVALID_RESULT);
    }

    private static CredentialValidationResult valid(Account account) {
        return new CredentialValidationResult(account.name(), Set.of(account.role()));
    }
}
