package io.moat.tls;

import static io.moat.tls.Fixtures.EC_KEYS;
import static io.moat.tls.Fixtures.EC_LEAF;
import static io.moat.tls.Fixtures.INTERMEDIATE;
import static io.moat.tls.Fixtures.LEAF;
import static io.moat.tls.Fixtures.NOW;
import static io.moat.tls.Fixtures.OTHER_RSA_KEYS;
import static io.moat.tls.Fixtures.ROOT;
import static io.moat.tls.Fixtures.RSA_KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

class ValidatorTest {

    private static X509Certificate leaf(Instant notBefore, Instant notAfter, String... dnsNames) {
        return Fixtures.leaf("mail.example.com", RSA_KEYS.getPublic(), notBefore, notAfter, dnsNames);
    }

    private static DigitalId id(X509Certificate leaf) {
        return new DigitalId(RSA_KEYS.getPrivate(), List.of(leaf, INTERMEDIATE, ROOT));
    }

    @Test
    void aGoodIdHasNoFindings() {
        List<Finding> findings = Validator.validate(id(LEAF), NOW);

        assertThat(findings).isEmpty();
        assertThat(Validator.hasErrors(findings)).isFalse();
    }

    @Test
    void expired() {
        X509Certificate expired = leaf(Instant.parse("2029-01-01T00:00:00Z"), Instant.parse("2030-05-01T08:30:00Z"),
                "localhost");

        List<Finding> findings = Validator.validate(id(expired), NOW);

        assertThat(findings).containsExactly(new Finding(Severity.ERROR,
                "certificate CN=mail.example.com expired on 2030-05-01T08:30:00Z; renew it"));
        assertThat(Validator.hasErrors(findings)).isTrue();
    }

    @Test
    void notYetValid() {
        X509Certificate future = leaf(Instant.parse("2030-07-01T00:00:00Z"), Instant.parse("2031-07-01T00:00:00Z"),
                "localhost");

        List<Finding> findings = Validator.validate(id(future), NOW);

        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.ERROR);
            assertThat(finding.message())
                    .startsWith("certificate CN=mail.example.com is not valid before 2030-07-01T00:00:00Z");
        });
    }

    @Test
    void expiresWithinThirtyDays() {
        X509Certificate soon = leaf(NOW.minus(Duration.ofDays(80)), NOW.plus(Duration.ofDays(10)), "localhost");

        List<Finding> findings = Validator.validate(id(soon), NOW);

        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.message())
                    .startsWith("certificate CN=mail.example.com expires on 2030-06-11T12:00:00Z, in 10 days");
        });
        assertThat(Validator.hasErrors(findings)).isFalse();
    }

    @Test
    void thirtyOneDaysLeftIsNoWarning() {
        X509Certificate later = leaf(NOW.minus(Duration.ofDays(80)), NOW.plus(Duration.ofDays(31)), "localhost");

        assertThat(Validator.validate(id(later), NOW)).isEmpty();
    }

    @Test
    void withoutLocalhost() {
        X509Certificate noLocalhost = leaf(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(100)),
                "mail.example.com");

        assertThat(Validator.validate(id(noLocalhost), NOW)).containsExactly(new Finding(Severity.WARNING,
                "certificate CN=mail.example.com lacks 'localhost' as a subject alternative name; a Core server"
                        + " profile on localhost over https will fail host name verification"));
    }

    @Test
    void rsaKeyOfAnotherCertificate() {
        DigitalId mismatched = new DigitalId(OTHER_RSA_KEYS.getPrivate(), List.of(LEAF));

        List<Finding> findings = Validator.validate(mismatched, NOW);

        assertThat(findings).extracting(Finding::severity).contains(Severity.ERROR);
        assertThat(findings).extracting(Finding::message)
                .anyMatch(m -> m.startsWith("the private key does not match the certificate CN=mail.example.com"));
    }

    @Test
    void ecKeys() {
        assertThat(Validator.validate(new DigitalId(EC_KEYS.getPrivate(), List.of(EC_LEAF, INTERMEDIATE)), NOW))
                .isEmpty();
        assertThat(Validator.validate(new DigitalId(Fixtures.ec().getPrivate(), List.of(EC_LEAF)), NOW))
                .extracting(Finding::message)
                .anyMatch(m -> m.startsWith("the private key does not match the certificate CN=ec.example.com"));
        assertThat(Validator.hasErrors(Validator.validate(new DigitalId(EC_KEYS.getPrivate(), List.of(LEAF)), NOW)))
                .isTrue();
    }

    @Test
    void expiredIntermediateIsAWarning() {
        X509Certificate old = Fixtures.certificate("Moat Test Intermediate", Fixtures.INTERMEDIATE_KEYS.getPublic(),
                "Moat Test Root", Fixtures.ROOT_KEYS.getPrivate(), NOW.minus(Duration.ofDays(900)),
                NOW.minus(Duration.ofDays(5)), true, List.of(), null);

        List<Finding> findings = Validator.validate(new DigitalId(RSA_KEYS.getPrivate(), List.of(LEAF, old)), NOW);

        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.message()).startsWith("certificate CN=Moat Test Intermediate in the chain expired on");
        });
    }

    @Test
    void clientOnlyCertificate() {
        X509Certificate client = Fixtures.certificate("mail.example.com", RSA_KEYS.getPublic(),
                "Moat Test Intermediate", Fixtures.INTERMEDIATE_KEYS.getPrivate(), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(100)), false, List.of("localhost"), KeyPurposeId.id_kp_clientAuth);

        assertThat(Validator.validate(id(client), NOW)).extracting(Finding::message)
                .containsExactly("certificate CN=mail.example.com is not meant for TLS servers (its extended key"
                        + " usage lacks serverAuth); clients will refuse it");
    }

    @Test
    void hasErrors() {
        assertThat(Validator.hasErrors(List.of())).isFalse();
        assertThat(Validator.hasErrors(List.of(new Finding(Severity.WARNING, "w")))).isFalse();
        assertThat(Validator.hasErrors(List.of(new Finding(Severity.WARNING, "w"), new Finding(Severity.ERROR, "e"))))
                .isTrue();
    }
}
