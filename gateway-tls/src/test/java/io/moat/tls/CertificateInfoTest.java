package io.moat.tls;

import static io.moat.tls.Fixtures.EC_LEAF;
import static io.moat.tls.Fixtures.LEAF;
import static io.moat.tls.Fixtures.NOW;
import static io.moat.tls.Fixtures.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CertificateInfoTest {

    @Test
    void rsaLeaf() throws Exception {
        CertificateInfo info = CertificateInfo.of(LEAF);

        assertThat(info.subject()).isEqualTo("CN=mail.example.com");
        assertThat(info.issuer()).isEqualTo("CN=Moat Test Intermediate");
        assertThat(info.subjectAlternativeNames()).containsExactly("DNS:mail.example.com", "DNS:localhost");
        assertThat(info.notBefore()).isEqualTo(NOW.minus(Duration.ofDays(10)));
        assertThat(info.notAfter()).isEqualTo(NOW.plus(Duration.ofDays(300)));
        assertThat(info.keyAlgorithm()).isEqualTo("RSA");
        assertThat(info.keySize()).isEqualTo(2048);
        assertThat(info.selfSigned()).isFalse();
        assertThat(info.sha256Fingerprint()).isEqualTo(opensslFingerprint(LEAF.getEncoded()))
                .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void ecLeaf() {
        CertificateInfo info = CertificateInfo.of(EC_LEAF);

        assertThat(info.keyAlgorithm()).isEqualTo("EC");
        assertThat(info.keySize()).isEqualTo(256);
    }

    @Test
    void selfSignedRoot() {
        CertificateInfo info = CertificateInfo.of(ROOT);

        assertThat(info.selfSigned()).isTrue();
        assertThat(info.subjectAlternativeNames()).isEmpty();
    }

    /** What {@code openssl x509 -noout -fingerprint -sha256} prints after '=', built independently. */
    private static String opensslFingerprint(byte[] der) throws Exception {
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der))
                .toUpperCase(java.util.Locale.ROOT);
        return IntStream.range(0, hex.length() / 2).mapToObj(i -> hex.substring(2 * i, 2 * i + 2))
                .collect(Collectors.joining(":"));
    }
}
