package io.moat.tls;

import static io.moat.tls.Fixtures.INTERMEDIATE;
import static io.moat.tls.Fixtures.LEAF;
import static io.moat.tls.Fixtures.ROOT;
import static io.moat.tls.Fixtures.RSA_KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoresTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path directory;

    @Test
    void pkcs12RoundTrip() throws Exception {
        DigitalId id = new DigitalId(RSA_KEYS.getPrivate(), List.of(LEAF, INTERMEDIATE, ROOT));
        Path file = directory.resolve("server.p12");

        KeyStores.write(KeyStores.pkcs12(id, "moat", PASSWORD), PASSWORD, file);

        KeyStore loaded = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            loaded.load(in, PASSWORD);
        }
        assertThat(Collections.list(loaded.aliases())).containsExactly("moat");
        assertThat(loaded.getKey("moat", PASSWORD).getEncoded()).isEqualTo(RSA_KEYS.getPrivate().getEncoded());
        assertThat(loaded.getCertificateChain("moat")).containsExactly(LEAF, INTERMEDIATE, ROOT);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void writeReplacesAnExistingFile() throws Exception {
        Path file = directory.resolve("trust.p12");
        Files.writeString(file, "old");

        KeyStores.write(KeyStores.trustStore(List.of(ROOT)), PASSWORD, file);

        KeyStore loaded = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            loaded.load(in, PASSWORD);
        }
        assertThat(loaded.size()).isEqualTo(1);
        try (var files = Files.list(directory)) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void trustStoreAliasesAreUnique() throws Exception {
        X509Certificate sameName = Fixtures.selfSigned("mail.example.com", Fixtures.OTHER_RSA_KEYS, "localhost");

        KeyStore store = KeyStores.trustStore(List.of(LEAF, sameName, ROOT, ROOT));

        List<String> aliases = Collections.list(store.aliases());
        assertThat(aliases).hasSize(4).doesNotHaveDuplicates();
        assertThat(aliases).anyMatch(alias -> alias.startsWith("mail.example.com-"))
                .anyMatch(alias -> alias.startsWith("moat-test-root-"));
        List<Certificate> entries = new ArrayList<>();
        for (String alias : aliases) {
            assertThat(store.isCertificateEntry(alias)).isTrue();
            entries.add(store.getCertificate(alias));
        }
        assertThat(entries).containsExactlyInAnyOrder(LEAF, sameName, ROOT, ROOT);
    }
}
