package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RescanGuardTest {

    static RescanGuard guard(int perAddress, Duration window) {
        RescanGuard guard = new RescanGuard();
        guard.maxPerAddress = perAddress;
        guard.window = window;
        guard.init();
        return guard;
    }

    @Test
    void failuresCountPerAddressAndSuccessesGiveTheirAttemptBack() {
        RescanGuard guard = guard(2, Duration.ofMinutes(15));
        for (int i = 0; i < 5; i++) {
            guard.succeeded(guard.attempt("192.0.2.1"));
        }
        RescanGuard.Ticket first = guard.attempt("192.0.2.1");
        assertThat(first.last()).isFalse();
        guard.failed(first);
        RescanGuard.Ticket second = guard.attempt("192.0.2.1");
        assertThat(second.last()).isTrue();
        guard.failed(second);

        assertThat(guard.attempt("192.0.2.1").refusedFor()).hasValueSatisfying(wait -> assertThat(wait)
                .isPositive().isLessThanOrEqualTo(Duration.ofMinutes(15)));
        assertThat(guard.attempt("192.0.2.2").refusedFor()).isEmpty();
        // IPv6 clients count per /64, as for sign-in
        guard.failed(guard.attempt("2001:db8:1:2::1"));
        guard.failed(guard.attempt("2001:db8:1:2::2"));
        assertThat(guard.attempt("2001:db8:1:2::3").refusedFor()).isPresent();
    }

    @Test
    void theRescanPagesFailuresAreCountedApartFromSignIns() {
        RescanGuard rescan = guard(1, Duration.ofMinutes(15));
        SignInGuard signIn = SignInGuardTest.guard(1, 30, Duration.ofMinutes(15));
        rescan.failed(rescan.attempt("192.0.2.1"));

        assertThat(rescan.attempt("192.0.2.1").refusedFor()).isPresent();
        assertThat(signIn.attempt("192.0.2.1", "admin").refusedFor()).isEmpty();
    }

    @Test
    void badLimitsStopTheDeploymentWithTheirKey() {
        assertThatThrownBy(() -> guard(0, Duration.ofMinutes(15)))
                .hasMessageContaining("moat.rescan.max-failures-per-address");
        assertThatThrownBy(() -> guard(10, Duration.ZERO)).hasMessageContaining("moat.rescan.failure-window");
        assertThatThrownBy(() -> guard(10, Duration.ofDays(2))).hasMessageContaining("moat.rescan.failure-window");
    }
}
