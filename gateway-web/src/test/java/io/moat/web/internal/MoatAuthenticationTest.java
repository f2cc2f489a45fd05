package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.moat.settings.GeneralSettingsService;
import io.moat.settings.console.ConsoleTlsService;
import io.moat.web.Problem;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.Password;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MoatAuthenticationTest {

    private final ConsoleTlsService consoleTls = mock(ConsoleTlsService.class);
    private final MoatAuthentication authentication = new MoatAuthentication();
    private PasswordHash hashes;

    @BeforeEach
    void setUp() {
        Accounts accounts = TestAccounts.adminOnly();
        hashes = accounts.hashes;
        AccountIdentityStore store = TestAccounts.store(accounts, Duration.ofMinutes(5));
        SignInGuard guard = SignInGuardTest.guard(10, 30, Duration.ofMinutes(15)); // the defaults
        ConsoleTransport transport = new ConsoleTransport();
        transport.consoleTls = consoleTls;
        transport.general = mock(GeneralSettingsService.class);
        when(transport.general.publicAddress()).thenReturn(URI.create("https://mail.example.com:8443"));
        transport.hstsMaxAge = Duration.ofDays(365);
        transport.init();
        authentication.identityStores = store::validate;
        authentication.accounts = accounts;
        authentication.guard = guard;
        authentication.transport = transport;
    }

    private static HttpMessageContext context() {
        HttpMessageContext context = mock(HttpMessageContext.class);
        when(context.isProtected()).thenReturn(true);
        when(context.getAuthParameters()).thenReturn(AuthenticationParameters.withParams());
        when(context.notifyContainerAboutLogin(any(CredentialValidationResult.class)))
                .thenReturn(AuthenticationStatus.SUCCESS);
        return context;
    }

    private AuthenticationStatus validate(Exchange exchange) {
        return authentication.validateRequest(exchange.request, exchange.response, context());
    }

    private static Problem problem(Exchange exchange) {
        return Problems.prepared(exchange.request).orElseThrow();
    }

    @Test
    void twoHundredWrongPasswordsMeet429AndTheRightOneFromAnotherAddressStillWorks() {
        long before = hashes.derivations();
        for (int i = 1; i <= 200; i++) {
            Exchange wrong = Exchange.api("192.0.2.7").basic("admin", "guess " + i);
            assertThat(validate(wrong)).isEqualTo(AuthenticationStatus.SEND_FAILURE);
            if (i <= 10) {
                assertThat(wrong.status).isEqualTo(401);
                assertThat(wrong.headers).containsKey("WWW-Authenticate");
            } else {
                assertThat(wrong.status).as("attempt " + i).isEqualTo(429);
                assertThat(Long.parseLong(wrong.headers.get("Retry-After"))).isBetween(1L, 90L);
                assertThat(wrong.headers).doesNotContainKey("WWW-Authenticate");
                assertThat(problem(wrong).detail()).contains("not checked").contains("Try again in");
            }
        }
        // the 190 refused ones were not checked: no PBKDF2 spent on them (the first also hashed the configured one)
        assertThat(hashes.derivations() - before).isEqualTo(11);

        Exchange right = Exchange.api("192.0.2.8").basic("admin", "admin-secret");
        assertThat(validate(right)).isEqualTo(AuthenticationStatus.SUCCESS);
        // and from the refused address, even the right password waits
        assertThat(validate(Exchange.api("192.0.2.7").basic("admin", "admin-secret")))
                .isEqualTo(AuthenticationStatus.SEND_FAILURE);
    }

    @Test
    void thePerUserLimitAppliesAcrossAddresses() {
        for (int i = 1; i <= 30; i++) {
            Exchange wrong = Exchange.api("198.51.100." + i).basic("admin", "guess " + i);
            validate(wrong);
            assertThat(wrong.status).isEqualTo(401);
        }
        long before = hashes.derivations();
        Exchange fresh = Exchange.api("203.0.113.1").basic("admin", "admin-secret");
        assertThat(validate(fresh)).isEqualTo(AuthenticationStatus.SEND_FAILURE);
        assertThat(fresh.status).isEqualTo(429);
        assertThat(fresh.headers).containsKey("Retry-After");
        assertThat(hashes.derivations()).isEqualTo(before);
        // another user from that address is not concerned
        Exchange other = Exchange.api("203.0.113.1").basic("auditor", "whatever");
        validate(other);
        assertThat(other.status).isEqualTo(401);
    }

    @Test
    void anAddressThatSignedInRightIsNotLockedOutByFailuresFromElsewhere() {
        assertThat(validate(Exchange.api("203.0.113.9").basic("admin", "admin-secret")))
                .isEqualTo(AuthenticationStatus.SUCCESS);
        for (int i = 1; i <= 30; i++) {
            validate(Exchange.api("198.51.100." + i).basic("admin", "guess " + i));
        }

        assertThat(validate(Exchange.api("203.0.113.9").basic("admin", "admin-secret")))
                .as("the integrator at its usual address").isEqualTo(AuthenticationStatus.SUCCESS);
        Exchange elsewhere = Exchange.api("203.0.113.10").basic("admin", "admin-secret");
        assertThat(validate(elsewhere)).isEqualTo(AuthenticationStatus.SEND_FAILURE);
        assertThat(elsewhere.status).isEqualTo(429);
    }

    @Test
    void passwordChecksBeyondTheProcessorsAreTurnedAwayUncheckedWith503() throws InterruptedException {
        int permits = MoatAuthentication.CHECKS.availablePermits();
        MoatAuthentication.CHECKS.acquire(permits);
        try {
            long before = hashes.derivations();
            Exchange busy = Exchange.api("192.0.2.50").basic("admin", "guess");
            assertThat(validate(busy)).isEqualTo(AuthenticationStatus.SEND_FAILURE);
            assertThat(busy.status).isEqualTo(503);
            assertThat(busy.headers).containsKey("Retry-After");
            assertThat(hashes.derivations()).isEqualTo(before);
        } finally {
            MoatAuthentication.CHECKS.release(permits);
        }
        // not counted as the caller's failure
        assertThat(validate(Exchange.api("192.0.2.50").basic("admin", "admin-secret")))
                .isEqualTo(AuthenticationStatus.SUCCESS);
    }

    @Test
    void aRefusalLeavesTheResponseUncommittedForTheContainersErrorPage() throws IOException {
        Exchange wrong = Exchange.api("192.0.2.7").basic("admin", "wrong");
        validate(wrong);
        Exchange none = Exchange.api("192.0.2.7");
        validate(none);
        for (Exchange refused : new Exchange[]{wrong, none}) {
            assertThat(refused.status).isEqualTo(401);
            assertThat(problem(refused).status()).isEqualTo(401);
            // writing the body here committed the response; the container's sendError then logged UT010019
            verify(refused.response, never()).getWriter();
            verify(refused.response, never()).getOutputStream();
            verify(refused.response, never()).flushBuffer();
            verify(refused.response, never()).sendError(org.mockito.ArgumentMatchers.anyInt());
        }
    }

    @Test
    void theApiOverPlainHttpWhileHttpsIsOnIsRefusedWithoutLookingAtTheCredentials() {
        when(consoleTls.httpsEnabled()).thenReturn(true);
        long before = hashes.derivations();
        Exchange plain = Exchange.api("192.0.2.7").basic("admin", "admin-secret");
        assertThat(validate(plain)).isEqualTo(AuthenticationStatus.SEND_FAILURE);
        assertThat(plain.status).isEqualTo(403);
        assertThat(problem(plain)).isEqualTo(ConsoleTransport.PLAIN_HTTP_API);
        assertThat(plain.headers).doesNotContainKeys("WWW-Authenticate", "Location", "Strict-Transport-Security");
        assertThat(hashes.derivations()).isEqualTo(before);

        Exchange secure = Exchange.api("192.0.2.7").basic("admin", "admin-secret").secure();
        assertThat(validate(secure)).isEqualTo(AuthenticationStatus.SUCCESS);
        assertThat(secure.headers).containsEntry("Strict-Transport-Security", "max-age=31536000");
    }

    @Test
    void aConsolePageOverPlainHttpGoesToThePublicAddressBeforeItsSessionIsLookedAt() {
        when(consoleTls.httpsEnabled()).thenReturn(true);
        Exchange forged = new Exchange("/settings/security.xhtml", "/settings/security.xhtml", null, "192.0.2.7");
        when(forged.request.getServerName()).thenReturn("evil.example");
        when(forged.request.getHeader("Host")).thenReturn("evil.example");
        assertThat(validate(forged)).isEqualTo(AuthenticationStatus.SEND_CONTINUE);
        assertThat(forged.status).isEqualTo(308);
        assertThat(forged.headers).containsEntry("Location", "https://mail.example.com:8443/settings/security.xhtml")
                .doesNotContainKey("Strict-Transport-Security");
        verify(forged.request, never()).getSession(org.mockito.ArgumentMatchers.anyBoolean());
        verify(forged.request, never()).getSession();
    }

    @Test
    void noHstsWhileHttpsIsOff() {
        Exchange secure = Exchange.api("192.0.2.7").basic("admin", "admin-secret").secure();
        validate(secure);
        assertThat(secure.headers).doesNotContainKey("Strict-Transport-Security");
    }

    @Test
    void theApiIsKnownByTheMatchedPathNotTheRawUri() {
        when(consoleTls.httpsEnabled()).thenReturn(true);
        for (String uri : new String[]{"//api/v1/messages", "/api;x/v1/messages", "/./api/v1/messages"}) {
            Exchange sneaky = new Exchange(uri, "/api/v1", "/messages", "192.0.2.7");
            validate(sneaky);
            assertThat(sneaky.status).as(uri).isEqualTo(403);
            assertThat(problem(sneaky)).as(uri).isEqualTo(ConsoleTransport.PLAIN_HTTP_API);
        }
        when(consoleTls.httpsEnabled()).thenReturn(false);
        Exchange sneaky = new Exchange("//api/v1/messages", "/api/v1", "/messages", "192.0.2.7");
        validate(sneaky);
        assertThat(sneaky.status).isEqualTo(401); // HTTP Basic, not the console's sign-in page
        assertThat(sneaky.headers).containsKey("WWW-Authenticate");
    }

    @Test
    void theConsoleSignInIsRefusedPastTheLimitWithoutBeingChecked() {
        for (int i = 0; i < 10; i++) {
            assertThat(signIn("admin", "wrong " + i)).isEqualTo(AuthenticationStatus.SEND_FAILURE);
        }
        long before = hashes.derivations();
        Exchange refused = new Exchange("/login.xhtml", "/login.xhtml", null, "192.0.2.7");
        assertThat(authentication.validateRequest(refused.request, refused.response,
                signInContext("admin", "admin-secret"))).isEqualTo(AuthenticationStatus.SEND_FAILURE);
        assertThat(MoatAuthentication.signInRefusedFor(refused.request)).hasValueSatisfying(
                wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(90)));
        assertThat(hashes.derivations()).isEqualTo(before);
    }

    private AuthenticationStatus signIn(String user, String password) {
        Exchange exchange = new Exchange("/login.xhtml", "/login.xhtml", null, "192.0.2.7");
        AuthenticationStatus status = authentication.validateRequest(exchange.request, exchange.response,
                signInContext(user, password));
        assertThat(MoatAuthentication.signInRefusedFor(exchange.request)).isEmpty();
        return status;
    }

    private static HttpMessageContext signInContext(String user, String password) {
        HttpMessageContext context = context();
        when(context.isAuthenticationRequest()).thenReturn(true);
        when(context.getAuthParameters()).thenReturn(AuthenticationParameters.withParams()
                .credential(new UsernamePasswordCredential(user, new Password(password))));
        return context;
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUp() {
        assertThat(MoatAuthentication.retryAfterSeconds(Duration.ofMillis(89_001))).isEqualTo(90);
        assertThat(MoatAuthentication.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(MoatAuthentication.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
    }
}
