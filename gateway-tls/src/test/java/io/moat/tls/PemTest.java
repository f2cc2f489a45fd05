package io.moat.tls;

import static io.moat.tls.Fixtures.EC_KEYS;
import static io.moat.tls.Fixtures.EC_LEAF;
import static io.moat.tls.Fixtures.INTERMEDIATE;
import static io.moat.tls.Fixtures.LEAF;
import static io.moat.tls.Fixtures.OTHER_RSA_KEYS;
import static io.moat.tls.Fixtures.ROOT;
import static io.moat.tls.Fixtures.RSA_KEYS;
import static io.moat.tls.Fixtures.certificates;
import static io.moat.tls.Fixtures.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PemTest {

    private static final char[] PASSPHRASE = "correct horse".toCharArray();

    private static String rsaKey() {
        return Fixtures.legacy(RSA_KEYS.getPrivate());
    }

    private static String fullChain() {
        return certificates(LEAF, INTERMEDIATE, ROOT);
    }

    private static void assertRsaId(ParsedId parsed) {
        assertThat(parsed.id().privateKey().getEncoded()).isEqualTo(RSA_KEYS.getPrivate().getEncoded());
        assertThat(parsed.id().chain()).containsExactly(LEAF, INTERMEDIATE, ROOT);
    }

    private static void assertSameEcKey(PrivateKey key) {
        assertThat(key).isInstanceOf(ECPrivateKey.class);
        assertThat(((ECPrivateKey) key).getS()).isEqualTo(((ECPrivateKey) EC_KEYS.getPrivate()).getS());
    }

    @Nested
    class KeyFormats {

        @Test
        void rsaPkcs1() throws TlsException {
            String key = rsaKey();
            assertThat(key).startsWith("-----BEGIN RSA PRIVATE KEY-----");

            ParsedId parsed = Pem.parseDigitalId(key + fullChain(), null);

            assertRsaId(parsed);
            assertThat(parsed.findings()).isEmpty();
        }

        @Test
        void rsaPkcs8() throws TlsException {
            String key = Fixtures.pkcs8(RSA_KEYS.getPrivate());
            assertThat(key).startsWith("-----BEGIN PRIVATE KEY-----");

            assertRsaId(Pem.parseDigitalId(key + fullChain(), null));
        }

        @Test
        void ecSec1() throws TlsException {
            String key = Fixtures.legacy(EC_KEYS.getPrivate());
            assertThat(key).startsWith("-----BEGIN EC PRIVATE KEY-----");

            ParsedId parsed = Pem.parseDigitalId(key + certificates(EC_LEAF, INTERMEDIATE), null);

            assertSameEcKey(parsed.id().privateKey());
            assertThat(parsed.id().chain()).containsExactly(EC_LEAF, INTERMEDIATE);
        }

        @Test
        void ecSec1AfterItsParametersBlock() throws TlsException {
            String text = Fixtures.ecParameters() + Fixtures.legacy(EC_KEYS.getPrivate()) + certificates(EC_LEAF);
            assertThat(text).startsWith("-----BEGIN EC PARAMETERS-----");

            ParsedId parsed = Pem.parseDigitalId(text, null);

            assertThat(parsed.id().privateKey().getAlgorithm()).isEqualTo("EC");
            assertThat(parsed.id().certificate()).isEqualTo(EC_LEAF);
            assertThat(parsed.findings()).noneMatch(f -> f.message().contains("PARAMETERS"));
        }

        @Test
        void ecPkcs8() throws TlsException {
            ParsedId parsed = Pem.parseDigitalId(Fixtures.pkcs8(EC_KEYS.getPrivate()) + certificates(EC_LEAF), null);

            assertSameEcKey(parsed.id().privateKey());
        }

        @Test
        void keysComeOutAsJdkKeys() throws TlsException {
            PrivateKey key = Pem.parseDigitalId(rsaKey() + fullChain(), null).id().privateKey();

            assertThat(key.getClass().getName()).startsWith("sun.security.");
        }
    }

    @Nested
    class EncryptedKeys {

        @Test
        void pkcs8WithThePassphrase() throws TlsException {
            String key = Fixtures.encryptedPkcs8(RSA_KEYS.getPrivate(), "correct horse");
            assertThat(key).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

            assertRsaId(Pem.parseDigitalId(key + fullChain(), PASSPHRASE));
        }

        @Test
        void ecPkcs8WithThePassphrase() throws TlsException {
            String key = Fixtures.encryptedPkcs8(EC_KEYS.getPrivate(), "correct horse");

            ParsedId parsed = Pem.parseDigitalId(key + certificates(EC_LEAF), PASSPHRASE);

            assertSameEcKey(parsed.id().privateKey());
        }

        @Test
        void pkcs8WithoutPassphrase() {
            String text = Fixtures.encryptedPkcs8(RSA_KEYS.getPrivate(), "correct horse") + fullChain();

            assertThatThrownBy(() -> Pem.parseDigitalId(text, null)).isInstanceOf(TlsException.class).hasMessage(
                    "the private key is encrypted and no passphrase was given");
            assertThatThrownBy(() -> Pem.parseDigitalId(text, new char[0]))
                    .hasMessageContaining("the private key is encrypted");
        }

        @Test
        void pkcs8WithTheWrongPassphrase() {
            String text = Fixtures.encryptedPkcs8(RSA_KEYS.getPrivate(), "correct horse") + fullChain();

            assertThatThrownBy(() -> Pem.parseDigitalId(text, "battery staple".toCharArray()))
                    .isInstanceOf(TlsException.class)
                    .hasMessage("the private key could not be decrypted: wrong passphrase");
        }

        @Test
        void legacyPemWithThePassphrase() throws TlsException {
            String key = Fixtures.legacyEncrypted(RSA_KEYS.getPrivate(), "correct horse");
            assertThat(key).startsWith("-----BEGIN RSA PRIVATE KEY-----").contains("Proc-Type: 4,ENCRYPTED");

            assertRsaId(Pem.parseDigitalId(key + fullChain(), PASSPHRASE));
        }

        @Test
        void legacyEcPemWithThePassphrase() throws TlsException {
            String key = Fixtures.legacyEncrypted(EC_KEYS.getPrivate(), "correct horse");

            ParsedId parsed = Pem.parseDigitalId(key + certificates(EC_LEAF), PASSPHRASE);

            assertSameEcKey(parsed.id().privateKey());
        }

        @Test
        void legacyPemWithoutPassphrase() {
            String text = Fixtures.legacyEncrypted(RSA_KEYS.getPrivate(), "correct horse") + fullChain();

            assertThatThrownBy(() -> Pem.parseDigitalId(text, null))
                    .hasMessage("the private key is encrypted and no passphrase was given");
        }

        @Test
        void legacyPemWithTheWrongPassphrase() {
            String text = Fixtures.legacyEncrypted(RSA_KEYS.getPrivate(), "correct horse") + fullChain();

            assertThatThrownBy(() -> Pem.parseDigitalId(text, "battery staple".toCharArray()))
                    .hasMessage("the private key could not be decrypted: wrong passphrase");
        }

        @Test
        void aPassphraseForAnUnencryptedKeyDoesNoHarm() throws TlsException {
            assertRsaId(Pem.parseDigitalId(rsaKey() + fullChain(), PASSPHRASE));
        }
    }

    @Nested
    class Chains {

        @Test
        void keyFirstChainInOrder() throws TlsException {
            ParsedId parsed = Pem.parseDigitalId(rsaKey() + certificates(LEAF, INTERMEDIATE, ROOT), null);

            assertRsaId(parsed);
            assertThat(parsed.findings()).isEmpty();
        }

        @Test
        void keyLast() throws TlsException {
            ParsedId parsed = Pem.parseDigitalId(certificates(LEAF, INTERMEDIATE, ROOT) + rsaKey(), null);

            assertRsaId(parsed);
            assertThat(parsed.findings()).isEmpty();
        }

        @Test
        void keyBetweenCertificates() throws TlsException {
            ParsedId parsed = Pem.parseDigitalId(certificates(LEAF) + rsaKey() + certificates(INTERMEDIATE, ROOT),
                    null);

            assertRsaId(parsed);
            assertThat(parsed.findings()).isEmpty();
        }

        @Test
        void reversedChainIsPutInOrderWithAWarning() throws TlsException {
            ParsedId parsed = Pem.parseDigitalId(certificates(ROOT, INTERMEDIATE, LEAF) + rsaKey(), null);

            assertRsaId(parsed);
            assertThat(parsed.findings()).singleElement().satisfies(finding -> {
                assertThat(finding.severity()).isEqualTo(Severity.WARNING);
                assertThat(finding.message()).startsWith("certificate chain was out of order (")
                        .contains("Moat Test Root, Moat Test Intermediate, mail.example.com")
                        .contains("using leaf → intermediate → root order");
            });
        }

        @Test
        void shuffledChainIsPutInOrder() throws TlsException {
            ParsedId parsed = Pem.parseDigitalId(rsaKey() + certificates(INTERMEDIATE, LEAF, ROOT), null);

            assertRsaId(parsed);
            assertThat(parsed.findings()).extracting(Finding::message)
                    .anyMatch(m -> m.startsWith("certificate chain was out of order"));
        }

        @Test
        void missingIntermediateIsAWarning() throws TlsException {
            ParsedId parsed = Pem.parseDigitalId(rsaKey() + certificates(LEAF, ROOT), null);

            assertThat(parsed.id().chain()).containsExactly(LEAF);
            assertThat(parsed.findings()).extracting(Finding::severity).containsOnly(Severity.WARNING);
            assertThat(parsed.findings()).extracting(Finding::message).contains(
                    "certificate chain incomplete: the issuer of CN=mail.example.com (CN=Moat Test Intermediate) is"
                            + " not in the file; clients that do not already have it will not trust this certificate",
                    "certificate CN=Moat Test Root is not part of the chain of CN=mail.example.com; it is left out");
        }

        @Test
        void missingRootOfAPrivateCaIsAWarning() throws TlsException {
            ParsedId parsed = Pem.parseDigitalId(rsaKey() + certificates(LEAF, INTERMEDIATE), null);

            assertThat(parsed.id().chain()).containsExactly(LEAF, INTERMEDIATE);
            assertThat(parsed.findings()).extracting(Finding::message)
                    .containsExactly("certificate chain incomplete: the issuer of CN=Moat Test Intermediate"
                            + " (CN=Moat Test Root) is not in the file; clients that do not already have it will not"
                            + " trust this certificate");
        }

        @Test
        void anIntermediateOfTheRightNameButAnotherKeyIsNotTheIssuer() throws TlsException {
            X509Certificate impostor = Fixtures.ca("Moat Test Intermediate", Fixtures.ec().getPublic(),
                    "Moat Test Root", Fixtures.ROOT_KEYS);

            ParsedId parsed = Pem.parseDigitalId(rsaKey() + certificates(LEAF, impostor, ROOT), null);

            assertThat(parsed.id().chain()).containsExactly(LEAF);
            assertThat(parsed.findings()).extracting(Finding::message)
                    .anyMatch(m -> m.startsWith("certificate chain broken: the certificate named CN=Moat Test"
                            + " Intermediate in the file did not sign CN=mail.example.com"));
        }

        @Test
        void selfSignedLeafIsComplete() throws TlsException {
            X509Certificate self = Fixtures.selfSigned("self.example.com", OTHER_RSA_KEYS, "localhost");

            ParsedId parsed = Pem.parseDigitalId(Fixtures.legacy(OTHER_RSA_KEYS.getPrivate()) + certificates(self),
                    null);

            assertThat(parsed.id().chain()).containsExactly(self);
            assertThat(parsed.findings()).isEmpty();
        }

        @Test
        void duplicateCertificateIsUsedOnce() throws TlsException {
            ParsedId parsed = Pem.parseDigitalId(rsaKey() + certificates(LEAF, INTERMEDIATE, INTERMEDIATE, ROOT),
                    null);

            assertRsaId(parsed);
            assertThat(parsed.findings()).extracting(Finding::message)
                    .containsExactly("certificate CN=Moat Test Intermediate is given twice; it is used once");
        }

        @Test
        void keyOfNoCertificate() {
            String text = Fixtures.legacy(OTHER_RSA_KEYS.getPrivate()) + fullChain();

            assertThatThrownBy(() -> Pem.parseDigitalId(text, null)).isInstanceOf(TlsException.class)
                    .hasMessageStartingWith("the private key does not match the certificate CN=mail.example.com");
        }

        @Test
        void keyOfOtherType() {
            String text = Fixtures.legacy(EC_KEYS.getPrivate()) + certificates(LEAF);

            assertThatThrownBy(() -> Pem.parseDigitalId(text, null))
                    .hasMessageStartingWith("the private key does not match the certificate CN=mail.example.com");
        }
    }

    @Nested
    class Problems {

        @Test
        void textThatIsNotPem() {
            assertThatThrownBy(() -> Pem.parseDigitalId("just some text\n", null)).isInstanceOf(TlsException.class)
                    .hasMessage("the PEM text is not PEM: expected '-----BEGIN ...' blocks (convert DER with: openssl"
                            + " x509 -inform der -in cert.der -out cert.pem)");
        }

        @Test
        void derCertificate() throws Exception {
            String der = new String(LEAF.getEncoded(), StandardCharsets.ISO_8859_1);

            assertThatThrownBy(() -> Pem.parseCertificates(der)).isInstanceOf(TlsException.class)
                    .hasMessageContaining("is DER, not PEM")
                    .hasMessageContaining("openssl x509 -inform der -in cert.der -out cert.pem");
        }

        @Test
        void derKey() {
            String der = new String(RSA_KEYS.getPrivate().getEncoded(), StandardCharsets.ISO_8859_1);

            assertThatThrownBy(() -> Pem.parseDigitalId(der, fullChain(), null))
                    .hasMessageStartingWith("the key file is DER, not PEM")
                    .hasMessageContaining("openssl pkey -inform der -in key.der -out key.pem");
        }

        @Test
        void derCertificateGivenAsCombinedText() throws Exception {
            String der = new String(LEAF.getEncoded(), StandardCharsets.ISO_8859_1);

            assertThatThrownBy(() -> Pem.parseDigitalId(der, null))
                    .hasMessageStartingWith("the PEM text is DER, not PEM")
                    .hasMessageContaining("openssl x509 -inform der").hasMessageNotContaining("openssl pkey");
        }

        @Test
        void pkcs12File() throws Exception {
            ByteArrayOutputStream p12 = new ByteArrayOutputStream();
            KeyStores.pkcs12(new DigitalId(RSA_KEYS.getPrivate(), List.of(LEAF)), "moat", PASSPHRASE).store(p12,
                    PASSPHRASE);
            String text = p12.toString(StandardCharsets.ISO_8859_1);

            assertThatThrownBy(() -> Pem.parseDigitalId(text, PASSPHRASE)).hasMessageStartingWith(
                    "the PEM text is DER, not PEM: it is a PKCS#12 (.p12/.pfx) file; convert it with: openssl pkcs12");
        }

        @Test
        void noPrivateKey() {
            assertThatThrownBy(() -> Pem.parseDigitalId(fullChain(), null)).isInstanceOf(TlsException.class)
                    .hasMessage("the PEM text holds no private key");
        }

        @Test
        void noCertificate() {
            assertThatThrownBy(() -> Pem.parseDigitalId(rsaKey(), null))
                    .hasMessage("the PEM text holds no certificate");
        }

        @Test
        void twoPrivateKeys() {
            String text = rsaKey() + Fixtures.legacy(OTHER_RSA_KEYS.getPrivate()) + fullChain();

            assertThatThrownBy(() -> Pem.parseDigitalId(text, null))
                    .hasMessageStartingWith("the PEM text holds more than one private key");
        }

        @Test
        void damagedBase64() {
            String chain = fullChain();
            int middle = chain.indexOf('\n', chain.indexOf("-----BEGIN CERTIFICATE-----", 10) + 40);
            String damaged = chain.substring(0, middle) + "!!##" + chain.substring(middle + 5);

            assertThatThrownBy(() -> Pem.parseDigitalId(rsaKey() + damaged, null)).isInstanceOf(TlsException.class)
                    .hasMessageStartingWith("the PEM text is damaged: the CERTIFICATE block (block ");
        }

        @Test
        void damagedAsn1() {
            String key = rsaKey();
            String cut = key.substring(0, 200) + "\n-----END RSA PRIVATE KEY-----\n";

            assertThatThrownBy(() -> Pem.parseDigitalId(cut + fullChain(), null))
                    .hasMessageStartingWith("the PEM text is damaged: the RSA PRIVATE KEY block (block 1)");
        }

        @Test
        void blockWithoutEnd() {
            String chain = fullChain();
            String cut = chain.substring(0, chain.lastIndexOf("-----END CERTIFICATE-----"));

            assertThatThrownBy(() -> Pem.parseDigitalId(rsaKey() + cut, null)).hasMessage(
                    "the PEM text is damaged: the CERTIFICATE block (block 4) has no '-----END CERTIFICATE-----' line");
        }

        @Test
        void textAroundBlocksIsIgnored() throws TlsException {
            String text = "Bag Attributes\n    friendlyName: mail\nsubject=CN = mail.example.com\n" + rsaKey()
                    + "issuer=CN = Moat Test Intermediate\r\n" + fullChain().replace("\n", "\r\n");

            ParsedId parsed = Pem.parseDigitalId(text, null);

            assertRsaId(parsed);
            assertThat(parsed.findings()).isEmpty();
        }

        @Test
        void otherBlocksAreIgnoredWithAWarning() throws Exception {
            String text = rsaKey() + pem(RSA_KEYS.getPublic()) + fullChain();

            ParsedId parsed = Pem.parseDigitalId(text, null);

            assertRsaId(parsed);
            assertThat(parsed.findings()).extracting(Finding::message).containsExactly(
                    "ignored the PUBLIC KEY block (block 2) in the PEM text: it is neither a private key nor a"
                            + " certificate");
        }
    }

    @Nested
    class KeyAndCertificateFiles {

        @Test
        void keyFileAndCertificateFile() throws TlsException {
            ParsedId parsed = Pem.parseDigitalId(Fixtures.pkcs8(RSA_KEYS.getPrivate()), fullChain(), null);

            assertRsaId(parsed);
        }

        @Test
        void certificateFileWithoutCertificate() {
            assertThatThrownBy(() -> Pem.parseDigitalId(rsaKey(), pem(RSA_KEYS.getPublic()), null))
                    .hasMessage("the certificate file holds no certificate");
            assertThatThrownBy(() -> Pem.parseDigitalId(rsaKey(), "\n", null))
                    .hasMessageStartingWith("the certificate file is not PEM");
        }

        @Test
        void aKeyInEachFile() {
            assertThatThrownBy(() -> Pem.parseDigitalId(rsaKey(),
                    Fixtures.legacy(OTHER_RSA_KEYS.getPrivate()) + fullChain(), null))
                    .hasMessageStartingWith("the key file and the certificate file hold more than one private key");
        }

        @Test
        void certificatesMayBeInTheKeyFileToo() throws TlsException {
            assertRsaId(
                    Pem.parseDigitalId(rsaKey() + certificates(LEAF), certificates(LEAF, INTERMEDIATE, ROOT), null));
        }

        @Test
        void keyFileWithoutKey() {
            assertThatThrownBy(() -> Pem.parseDigitalId(fullChain(), fullChain(), null))
                    .hasMessage("the key file holds no private key");
        }

        @Test
        void keyFileThatIsNotPem() {
            assertThatThrownBy(() -> Pem.parseDigitalId("key", fullChain(), null))
                    .hasMessage("the key file is not PEM: expected '-----BEGIN ...' blocks (convert DER with: openssl"
                            + " pkey -inform der -in key.der -out key.pem)");
        }
    }

    @Nested
    class Certificates {

        @Test
        void inTheOrderGiven() throws TlsException {
            assertThat(Pem.parseCertificates(certificates(ROOT, LEAF))).containsExactly(ROOT, LEAF);
        }

        @Test
        void keysAreIgnored() throws TlsException {
            assertThat(Pem.parseCertificates(rsaKey() + certificates(ROOT))).containsExactly(ROOT);
        }

        @Test
        void atLeastOne() {
            assertThatThrownBy(() -> Pem.parseCertificates(rsaKey())).isInstanceOf(TlsException.class)
                    .hasMessage("the PEM text holds no certificate");
        }
    }

    @Nested
    class Encoding {

        @Test
        void privateKeyAsUnencryptedPkcs8() throws TlsException {
            String pem = Pem.encodePrivateKey(RSA_KEYS.getPrivate());

            assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
            assertThat(pem.lines().skip(1).filter(line -> !line.startsWith("-----"))).allMatch(l -> l.length() <= 64);
            assertRsaId(Pem.parseDigitalId(pem + fullChain(), null));
        }

        @Test
        void certificatesInTheOrderGiven() throws TlsException {
            String pem = Pem.encodeCertificates(List.of(ROOT, LEAF));

            assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n");
            assertThat(Pem.parseCertificates(pem)).containsExactly(ROOT, LEAF);
        }
    }
}
