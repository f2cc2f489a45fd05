package io.moat.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.Security;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WildFly registers BouncyCastle as a JCA provider. Keys must still come out as the JDK's own, or SunJSSE refuses
 * an EC key ("No available authentication scheme"), as a handshake against the gateway showed.
 */
class ProviderIndependenceTest {

    private boolean added;

    @BeforeEach
    void registerBouncyCastleFirst() {
        added = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null;
        if (added) {
            Security.insertProviderAt(new BouncyCastleProvider(), 1);
        }
    }

    @AfterEach
    void unregister() {
        if (added) {
            Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
        }
    }

    @Test
    void ecAndRsaKeysAreTheJdksOwnWhateverProvidersAreRegistered() throws Exception {
        DigitalId ec = Pem.parseDigitalId(Fixtures.pkcs8(Fixtures.EC_KEYS.getPrivate()),
                Fixtures.certificates(Fixtures.EC_LEAF), null).id();
        assertThat(ec.privateKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ec.privateKey().getClass().getName()).startsWith("sun.security.ec.");
        assertThat(new SwappableKeyManager(ec).chooseServerAlias("EC", null, null)).isNotNull();

        DigitalId rsa = SelfSigned.generate("rsa.example.com", Instant.now(), java.time.Duration.ofDays(1));
        DigitalId parsed = Pem.parseDigitalId(Pem.encodePrivateKey(rsa.privateKey()),
                Pem.encodeCertificates(List.of(rsa.certificate())), null).id();
        assertThat(parsed.privateKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(parsed.privateKey().getClass().getName()).startsWith("sun.security.rsa.");
    }
}
