package io.moat.settings.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.smtp.api.SmtpClientInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayPolicyTest {

    private static SmtpClientInfo from(String address) {
        return new SmtpClientInfo("test", address, "client", null, null);
    }

    @Test
    void acceptsServedDomainsFromAnyone() {
        RelayPolicy policy = new RelayPolicy(List.of("example.com", ".corp.test"), List.of());
        assertThat(policy.check(from("203.0.113.9"), "user@Example.COM")).isNull();
        assertThat(policy.check(from("203.0.113.9"), "user@mail.corp.test")).isNull();
    }

    @Test
    void refusesForeignDomainsFromUntrustedClients() {
        RelayPolicy policy = new RelayPolicy(List.of("example.com"), List.of("192.0.2.0/24"));
        assertThat(policy.check(from("203.0.113.9"), "user@elsewhere.test").line())
                .isEqualTo("550 5.7.1 Relaying denied");
        assertThat(policy.check(from("203.0.113.9"), "user@notexample.com")).isNotNull();
        assertThat(policy.check(from("203.0.113.9"), "user@corp.test")).isNotNull();
    }

    @Test
    void trustedNetworksMayRelayAnywhere() {
        RelayPolicy policy = new RelayPolicy(List.of("example.com"), List.of("192.0.2.0/25", "2001:db8::/32"));
        assertThat(policy.check(from("192.0.2.100"), "user@elsewhere.test")).isNull();
        assertThat(policy.check(from("192.0.2.200"), "user@elsewhere.test")).isNotNull();
        assertThat(policy.check(from("2001:db8::1"), "user@elsewhere.test")).isNull();
        assertThat(policy.check(from("2001:db9::1"), "user@elsewhere.test")).isNotNull();
    }

    @Test
    void addressFormsThatRouteElsewhereAreRefusedFromOutsideTheTrustedNetworks() {
        RelayPolicy policy = new RelayPolicy(List.of("example.com"), List.of("192.0.2.0/24"));
        for (String trick : List.of("victim%evil.test@example.com", "evil.test!victim@example.com",
                "\"victim@evil.test\"@example.com", "\"victim\\@evil.test\"@example.com",
                "\"victim%evil.test\"@example.com", "\"evil.test!victim\"@example.com", "a.b%c@example.com")) {
            assertThat(policy.check(from("203.0.113.9"), trick)).as(trick).isNotNull().satisfies(reply -> {
                assertThat(reply.line()).startsWith("550 5.7.1 Relaying denied: '%', '!' and a quoted '@'");
            });
            assertThat(policy.check(from("192.0.2.10"), trick)).as(trick + " from a trusted network").isNull();
        }
        assertThat(policy.check(from("203.0.113.9"), "\"john smith\"@example.com")).isNull();
        assertThat(policy.check(from("203.0.113.9"), "first.last+tag@example.com")).isNull();
    }

    @Test
    void postmasterWithoutADomainIsAcceptedFromAnyone() {
        RelayPolicy policy = new RelayPolicy(List.of("example.com"), List.of());
        assertThat(policy.check(from("203.0.113.9"), "postmaster")).isNull();
        assertThat(policy.check(from("203.0.113.9"), "Postmaster")).isNull();
        assertThat(RelayPolicy.NOTHING.check(from("203.0.113.9"), "POSTMASTER")).isNull();
        assertThat(policy.check(from("203.0.113.9"), "postmaster@elsewhere.test")).isNotNull();
    }

    @Test
    void malformedRecipientIsASyntaxError() {
        RelayPolicy policy = new RelayPolicy(List.of("example.com"), List.of());
        assertThat(policy.check(from("192.0.2.1"), "no-domain").line()).startsWith("501 5.1.3");
    }

    @Test
    void badNetworkSettingSaysWhatIsWrong() {
        assertThatThrownBy(() -> new RelayPolicy(List.of(), List.of("mail.example.com")))
                .hasMessageContaining("is not an IP network");
        assertThatThrownBy(() -> new RelayPolicy(List.of(), List.of("10.0.0.0/33")))
                .hasMessageContaining("prefix length");
    }
}
