package io.moat.tls;

import static io.moat.tls.Fixtures.INTERMEDIATE;
import static io.moat.tls.Fixtures.LEAF;
import static io.moat.tls.Fixtures.NOW;
import static io.moat.tls.Fixtures.OTHER_RSA_KEYS;
import static io.moat.tls.Fixtures.ROOT;
import static io.moat.tls.Fixtures.RSA_KEYS;
import static io.moat.tls.Fixtures.certificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.tls.internal.Certificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigitalIdFilesTest {

    private static final String HOST = "gateway.example.com";

    @TempDir
    Path directory;

    @Test
    void generatesAndThenLoadsASelfSignedId() throws Exception {
        Instant now = Instant.now();
        DigitalIdFiles.Loaded first = DigitalIdFiles.loadOrCreate(directory, null, HOST, now);

        Path key = directory.resolve("key.pem");
        Path certificate = directory.resolve("cert.pem");
        assertThat(first.generated()).isTrue();
        assertThat(first.files()).containsExactly(key, certificate);
        assertThat(first.findings()).isEmpty();
        assertThat(first.id().certificate().getSubjectX500Principal().getName()).isEqualTo("CN=" + HOST);
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(certificate)).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certificate))).isEqualTo("rw-------");
        try (var files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("key.pem", "cert.pem");
        }

        DigitalIdFiles.Loaded second = DigitalIdFiles.loadOrCreate(directory, null, HOST, now);

        assertThat(second.generated()).isFalse();
        assertThat(fingerprint(second.id().certificate())).isEqualTo(fingerprint(first.id().certificate()));
        assertThat(second.id().privateKey()).isEqualTo(first.id().privateKey());
    }

    @Test
    void createsAMissingDirectory() throws Exception {
        Path missing = directory.resolve("data/tls");

        DigitalIdFiles.Loaded loaded = DigitalIdFiles.loadOrCreate(missing, null, HOST, Instant.now());

        assertThat(loaded.generated()).isTrue();
        assertThat(missing.resolve("key.pem")).isRegularFile();
    }

    @Test
    void keyAndCertificateFiles() throws Exception {
        Files.writeString(directory.resolve("key.pem"), Fixtures.pkcs8(RSA_KEYS.getPrivate()));
        Files.writeString(directory.resolve("cert.pem"), certificates(ROOT, INTERMEDIATE, LEAF));

        DigitalIdFiles.Loaded loaded = DigitalIdFiles.loadOrCreate(directory, null, HOST, NOW);

        assertThat(loaded.generated()).isFalse();
        assertThat(loaded.files()).containsExactly(directory.resolve("key.pem"), directory.resolve("cert.pem"));
        assertThat(loaded.id().chain()).containsExactly(LEAF, INTERMEDIATE, ROOT);
        assertThat(loaded.findings()).extracting(Finding::message)
                .anyMatch(m -> m.startsWith("certificate chain was out of order"));
    }

    @Test
    void combinedFileTakesPrecedence() throws Exception {
        X509Certificate other = Fixtures.selfSigned("other.example.com", OTHER_RSA_KEYS, "other.example.com");
        Files.writeString(directory.resolve("tls.pem"), Fixtures.legacy(RSA_KEYS.getPrivate()) + certificates(LEAF));
        Files.writeString(directory.resolve("key.pem"), Fixtures.pkcs8(OTHER_RSA_KEYS.getPrivate()));
        Files.writeString(directory.resolve("cert.pem"), certificates(other));

        DigitalIdFiles.Loaded loaded = DigitalIdFiles.loadOrCreate(directory, null, HOST, NOW);

        assertThat(loaded.id().certificate()).isEqualTo(LEAF);
        assertThat(loaded.files()).containsExactly(directory.resolve("tls.pem"));
        assertThat(loaded.findings()).extracting(Finding::severity).containsOnly(Severity.WARNING);
        assertThat(loaded.findings()).extracting(Finding::message)
                .contains("tls.pem is used; key.pem and cert.pem in the same directory are ignored (remove them to"
                        + " avoid confusion)")
                .anyMatch(m -> m.startsWith("certificate chain incomplete")); // the parser's findings are included
    }

    @Test
    void validatorFindingsAreIncluded() throws Exception {
        Files.writeString(directory.resolve("tls.pem"), Fixtures.legacy(RSA_KEYS.getPrivate()) + certificates(LEAF,
                INTERMEDIATE));

        DigitalIdFiles.Loaded loaded = DigitalIdFiles.loadOrCreate(directory, null, HOST,
                LEAF.getNotAfter().toInstant().plusSeconds(1));

        assertThat(Validator.hasErrors(loaded.findings())).isTrue();
        assertThat(loaded.findings()).extracting(Finding::message).anyMatch(m -> m.contains("expired on"));
    }

    @Test
    void aLoneKeyFileIsAnErrorNamingTheCertificateFile() throws Exception {
        Files.writeString(directory.resolve("key.pem"), Fixtures.pkcs8(RSA_KEYS.getPrivate()));

        assertThatThrownBy(() -> DigitalIdFiles.loadOrCreate(directory, null, HOST, NOW))
                .isInstanceOf(TlsException.class).hasMessageStartingWith("cert.pem is missing");
        assertThat(directory.resolve("cert.pem")).doesNotExist();
    }

    @Test
    void aLoneCertificateFileIsAnErrorNamingTheKeyFile() throws Exception {
        Files.writeString(directory.resolve("cert.pem"), certificates(LEAF));

        assertThatThrownBy(() -> DigitalIdFiles.loadOrCreate(directory, null, HOST, NOW))
                .isInstanceOf(TlsException.class).hasMessageStartingWith("key.pem is missing");
        assertThat(directory.resolve("key.pem")).doesNotExist();
    }

    @Test
    void messagesNameTheFile() throws Exception {
        Files.writeString(directory.resolve("key.pem"), Fixtures.encryptedPkcs8(RSA_KEYS.getPrivate(), "secret"));
        Files.writeString(directory.resolve("cert.pem"), certificates(LEAF));

        assertThatThrownBy(() -> DigitalIdFiles.loadOrCreate(directory, null, HOST, NOW))
                .hasMessage("key.pem: the private key is encrypted and no passphrase was given; set"
                        + " moat.tls.key-passphrase (or MOAT_TLS_KEY_PASSPHRASE) to the key's passphrase");
        assertThat(DigitalIdFiles.loadOrCreate(directory, "secret".toCharArray(), HOST, NOW).id().certificate())
                .isEqualTo(LEAF);

        Files.write(directory.resolve("cert.pem"), LEAF.getEncoded());
        assertThatThrownBy(() -> DigitalIdFiles.loadOrCreate(directory, "secret".toCharArray(), HOST, NOW))
                .hasMessageStartingWith("cert.pem is DER, not PEM");
    }

    private static String fingerprint(X509Certificate certificate) {
        return Certificates.sha256Fingerprint(certificate);
    }
}
