package io.moat.web.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.settings.endpoints.SmtpEndpoint;
import io.moat.smtp.api.SmtpEncryption;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointFormTest {

    @Test
    void anEndpointSurvivesTheRoundTripThroughTheForm() {
        SmtpEndpoint endpoint = new SmtpEndpoint("id-1", "submission", "127.0.0.1", 587,
                SmtpEncryption.STARTTLS_REQUIRED, "cert-1", List.of("TLSv1.3"), List.of(), "mx.example.com",
                10_000_000L, 50, 120, 10, 900, 1000, 4096L, List.of("example.com", ".example.org"),
                List.of("10.0.0.0/8"));
        SmtpEndpoint back = EndpointForm.of(endpoint).toEndpoint();
        assertThat(back).isEqualTo(endpoint);
    }

    @Test
    void savingAnEndpointInTheConsoleKeepsTheCipherSuitesSetOverRest() {
        List<String> suites = List.of("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        SmtpEndpoint endpoint = new SmtpEndpoint("id-1", "submission", "127.0.0.1", 587,
                SmtpEncryption.STARTTLS_REQUIRED, "cert-1", List.of("TLSv1.2", "TLSv1.3"), suites, null, 10_000_000L,
                50, 120, 10, 900, 1000, 4096L, List.of("example.com"), List.of());
        EndpointForm form = EndpointForm.of(endpoint);
        form.setGreeting("mx.example.com"); // the admin changes something else

        assertThat(form.toEndpoint().cipherSuites()).isEqualTo(suites);

        form.setEncryption(SmtpEncryption.NONE); // no TLS, no versions or suites: the service refuses them then
        assertThat(form.toEndpoint().cipherSuites()).isEmpty();
        assertThat(form.toEndpoint().protocols()).isEmpty();
    }

    @Test
    void listsAreLinesOrCommasAndBlankFieldsTakeTheDefaults() {
        EndpointForm form = new EndpointForm();
        form.setName("new");
        form.setPort(2600);
        form.setBindAddress("  ");
        form.setGreeting("");
        form.getTls().setCertificateId("");
        form.setRelayDomains(" example.com,\r\n\n .example.org , ");
        form.setTrustedNetworks(null);
        SmtpEndpoint endpoint = form.toEndpoint();
        assertThat(form.isNew()).isTrue();
        assertThat(endpoint.id()).isNull();
        assertThat(endpoint.bindAddress()).isNull();
        assertThat(endpoint.greeting()).isNull();
        assertThat(endpoint.certificateId()).isNull();
        assertThat(endpoint.relayDomains()).containsExactly("example.com", ".example.org");
        assertThat(endpoint.trustedNetworks()).isEmpty();
        assertThat(endpoint.encryption()).isEqualTo(SmtpEncryption.STARTTLS_OPTIONAL);
        assertThat(endpoint.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    }
}
