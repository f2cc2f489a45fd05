package io.moat.settings.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.settings.certificates.CertificateStore;
import io.moat.smtp.api.SmtpEncryption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EndpointRulesTest {

    /** The gateway as the rules see it: its console on 8080, and two certificates in the store. */
    private static final EndpointRules.Facts GATEWAY = new EndpointRules.Facts() {
        @Override
        public String reservedPort(int port) {
            return port == 8080 ? "HTTP (console)" : null;
        }

        @Override
        public boolean certificateExists(String id) {
            return Set.of(CertificateStore.DIGITAL_ID, "mx-cert").contains(id);
        }
    };

    private static SmtpEndpoint endpoint(String name, String bindAddress, Integer port, SmtpEncryption encryption) {
        return new SmtpEndpoint(null, name, bindAddress, port, encryption, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    private static SmtpEndpoint limits(Long maxMessageSize, Integer maxConnections, Integer perClient) {
        return new SmtpEndpoint(null, "limits", null, 2525, SmtpEncryption.NONE, null, null, null, null,
                maxMessageSize, maxConnections, null, perClient, null, null, null, null, null);
    }

    private static SmtpEndpoint valid(SmtpEndpoint in, List<SmtpEndpoint> existing) {
        return EndpointRules.validated(in, "new", existing, GATEWAY);
    }

    private static void refused(SmtpEndpoint in, List<SmtpEndpoint> existing, String words) {
        assertThatThrownBy(() -> valid(in, existing)).isInstanceOfSatisfying(RefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.INVALID)).hasMessageContaining(words);
    }

    @Test
    void anEndpointGivenOnlyItsNamePortAndEncryptionGetsTheDefaults() {
        SmtpEndpoint e = valid(endpoint(" mx ", null, 2525, SmtpEncryption.STARTTLS_OPTIONAL), List.of());

        assertThat(e.name()).isEqualTo("mx");
        assertThat(e.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(e.certificateId()).isEqualTo(CertificateStore.DIGITAL_ID);
        assertThat(e.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(e.maxMessageSize()).isEqualTo(50L * 1024 * 1024);
        assertThat(e.maxConnections()).isEqualTo(500);
        assertThat(e.maxConnectionsPerClient()).isEqualTo(50);
        assertThat(e.idleTimeoutSeconds()).isEqualTo(300);
        assertThat(e.sessionTimeoutSeconds()).isEqualTo(600);
        assertThat(e.minDataRate()).isEqualTo(500);
        assertThat(e.maxDiscardSize()).isEqualTo(1024L * 1024);
    }

    @Test
    void aPortIsOneEndpointsAndNotTheGatewaysOwn() {
        SmtpEndpoint taken = valid(endpoint("first", null, 2525, SmtpEncryption.NONE), List.of());
        SmtpEndpoint other = new SmtpEndpoint("other-id", taken.name(), taken.bindAddress(), taken.port(),
                taken.encryption(), null, null, null, null, null, null, null, null, null, null, null, null, null);

        refused(endpoint("second", "127.0.0.1", 2525, SmtpEncryption.NONE), List.of(other),
                "port 2525 on 127.0.0.1 is taken by endpoint 'first'");
        refused(endpoint("FIRST", null, 2526, SmtpEncryption.NONE), List.of(other),
                "an endpoint named 'first' exists already");
        refused(endpoint("console", null, 8080, SmtpEncryption.NONE), List.of(),
                "is the gateway's HTTP (console) port");
        refused(endpoint("zero", null, 0, SmtpEncryption.NONE), List.of(), "port must be 1..65535, was 0");
        refused(endpoint("none", null, null, SmtpEncryption.NONE), List.of(), "port must be 1..65535 and is missing");
    }

    @Test
    void theBindAddressIsAnIpAddressNeverAName() {
        refused(endpoint("mx", "mail.example.com", 2525, SmtpEncryption.NONE), List.of(),
                "bindAddress 'mail.example.com' must be an IP address");
        refused(endpoint("mx", "999.1.1.1", 2525, SmtpEncryption.NONE), List.of(),
                "bindAddress '999.1.1.1' is not a valid IP address");
    }

    @Test
    void encryptionIsRequiredAndNoneTakesNoTls() {
        refused(endpoint("mx", null, 2525, null), List.of(), "encryption is missing");
        SmtpEndpoint clearWithCertificate = new SmtpEndpoint(null, "mx", null, 2525, SmtpEncryption.NONE, "mx-cert",
                null, null, null, null, null, null, null, null, null, null, null, null);
        refused(clearWithCertificate, List.of(), "encryption NONE uses no certificate");
    }

    @Test
    void aTlsEndpointNeedsACertificateTheStoreHolds() {
        SmtpEndpoint unknown = new SmtpEndpoint(null, "mx", null, 2525, SmtpEncryption.IMPLICIT_TLS, "nowhere",
                null, null, null, null, null, null, null, null, null, null, null, null);

        refused(unknown, List.of(), "no certificate with id 'nowhere'");
    }

    @Test
    void limitsAreBoundedAndPerClientStaysWithinTheWhole() {
        refused(limits(1023L, null, null), List.of(), "maxMessageSize must be 1024..");
        refused(limits(null, 0, null), List.of(), "maxConnections must be 1..10000, was 0");
        refused(limits(null, 10, 11), List.of(), "maxConnectionsPerClient must be 1..maxConnections (10), was 11");
        assertThat(valid(limits(null, 10, null), List.of()).maxConnectionsPerClient())
                .as("the default per client never exceeds the endpoint's whole").isEqualTo(10);
    }

    @Test
    void relayRulesAreDomainsAndNetworks() {
        SmtpEndpoint relay = new SmtpEndpoint(null, "mx", null, 2525, SmtpEncryption.NONE, null, null, null, null,
                null, null, null, null, null, null, null, List.of(" Example.ORG ", ".sub.example.org"),
                List.of("10.0.0.0/8"));
        SmtpEndpoint badDomain = new SmtpEndpoint(null, "mx", null, 2525, SmtpEncryption.NONE, null, null, null,
                null, null, null, null, null, null, null, null, List.of("exa mple.org"), null);

        assertThat(valid(relay, List.of()).relayDomains()).containsExactly("example.org", ".sub.example.org");
        refused(badDomain, List.of(), "relay domain 'exa mple.org' is not a domain name");
    }

    @Test
    void theGreetingIsAHostName() {
        SmtpEndpoint greeting = new SmtpEndpoint(null, "mx", null, 2525, SmtpEncryption.NONE, null, null, null,
                "not a host", null, null, null, null, null, null, null, null, null);

        refused(greeting, List.of(), "greeting 'not a host' must be a host name");
    }
}
