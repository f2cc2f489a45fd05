package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SignInGuardTest {

    static SignInGuard guard(int perAddress, int perUser, Duration window) {
        SignInGuard guard = new SignInGuard();
        guard.maxPerAddress = perAddress;
        guard.maxPerUser = perUser;
        guard.window = window;
        guard.init();
        return guard;
    }

    @Test
    void ipv6ClientsCountPerSlash64AndIpv4AsTheyAre() {
        assertThat(SignInGuard.addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(SignInGuard.addressKey("2001:db8:1:2::1")).isEqualTo(SignInGuard.addressKey("2001:db8:1:2::2"));
        assertThat(SignInGuard.addressKey("2001:db8:1:3::1")).isNotEqualTo(SignInGuard.addressKey("2001:db8:1:2::1"));
        assertThat(SignInGuard.addressKey("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(SignInGuard.addressKey("192.0.2.7")).isEqualTo("192.0.2.7");
    }

    @Test
    void aRefusalByTheUserLimitCostsTheAddressNothing() {
        SignInGuard guard = guard(3, 2, Duration.ofMinutes(15));
        guard.failed(guard.attempt("192.0.2.1", "admin"));
        guard.failed(guard.attempt("192.0.2.2", "admin"));
        for (int i = 0; i < 10; i++) {
            assertThat(guard.attempt("192.0.2.3", "admin").refusedFor()).isPresent();
        }
        assertThat(guard.attempt("192.0.2.3", "auditor").refusedFor()).isEmpty();
    }

    @Test
    void longUserNamesCountByTheirStart() {
        SignInGuard guard = guard(100, 1, Duration.ofMinutes(15));
        String name = "x".repeat(200);
        guard.failed(guard.attempt("192.0.2.1", name + "a"));
        assertThat(guard.attempt("192.0.2.2", name + "b").refusedFor()).isPresent();
    }

    @Test
    void logsShowUserNamesWithoutLineBreaks() {
        assertThat(SignInGuard.printable("admin\r\nFAKE log line")).isEqualTo("admin??FAKE log line");
        assertThat(SignInGuard.printable("y".repeat(100))).hasSize(67).endsWith("...");
    }

    @Test
    void badLimitsStopTheDeploymentWithTheirKey() {
        assertThatThrownBy(() -> guard(0, 30, Duration.ofMinutes(15))).hasMessageContaining(
                "moat.auth.max-failures-per-address");
        assertThatThrownBy(() -> guard(10, 30, Duration.ZERO)).hasMessageContaining("moat.auth.failure-window");
    }
}
