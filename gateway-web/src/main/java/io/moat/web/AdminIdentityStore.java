package io.moat.web;

import io.moat.web.internal.AdminAccount;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.authentication.mechanism.http.BasicAuthenticationMechanismDefinition;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;

/** HTTP Basic authentication of the admin user (Jakarta Security on WildFly's Elytron). */
@BasicAuthenticationMechanismDefinition(realmName = "Moat")
@ApplicationScoped
public class AdminIdentityStore implements IdentityStore {

    public static final String ADMIN_ROLE = "admin";

    @Inject
    AdminAccount account;

    @Override
    public CredentialValidationResult validate(Credential credential) {
        if (credential instanceof UsernamePasswordCredential login
                && account.verify(login.getCaller(), login.getPassword().getValue())) {
            return new CredentialValidationResult(login.getCaller(), Set.of(ADMIN_ROLE));
        }
        return CredentialValidationResult.INVALID_RESULT;
    }
}
