package io.moat.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SelfSignedTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static DigitalId id;

    @BeforeAll
    static void generate() {
        id = SelfSigned.generate("gateway.example.com", NOW, Duration.ofDays(365));
    }

    @Test
    void namesTheHostLocalhostAndLoopback() throws Exception {
        X509Certificate certificate = id.certificate();

        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=gateway.example.com");
        assertThat(CertificateInfo.of(certificate).subjectAlternativeNames()).containsExactly(
                "DNS:gateway.example.com", "DNS:localhost", "IP:127.0.0.1");
    }

    @Test
    void validFromAnHourAgoForTheValidity() {
        X509Certificate certificate = id.certificate();

        assertThat(certificate.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
    }

    @Test
    void rsa2048SelfSignedForServersAndClients() throws Exception {
        X509Certificate certificate = id.certificate();

        assertThat(((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(CertificateInfo.of(certificate).selfSigned()).isTrue();
        assertThat(certificate.getKeyUsage()).startsWith(true, false, true); // digitalSignature, keyEncipherment
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(certificate.getSerialNumber().signum()).isPositive();
        assertThat(certificate.getSerialNumber().bitLength()).isLessThanOrEqualTo(128).isGreaterThan(100);
    }

    @Test
    void passesValidation() {
        assertThat(Validator.validate(id, NOW)).isEmpty();
    }

    @Test
    void anIpAddressAsHostName() throws Exception {
        DigitalId byAddress = SelfSigned.generate("192.0.2.7", NOW, Duration.ofDays(1));

        assertThat(CertificateInfo.of(byAddress.certificate()).subjectAlternativeNames())
                .containsExactly("IP:192.0.2.7", "DNS:localhost", "IP:127.0.0.1");
    }

    @Test
    void needsAHostName() {
        assertThatThrownBy(() -> SelfSigned.generate(" ", NOW, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringShowsNoKey() {
        assertThat(id.toString()).isEqualTo("DigitalId[CN=gateway.example.com, chain of 1]");
    }
}
