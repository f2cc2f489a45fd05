package io.moat.tls;

import io.moat.tls.internal.Certificates;
import io.moat.tls.internal.SecureFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** PKCS#12 key and trust stores made from digital IDs and certificates, for WildFly (Elytron) and JDK clients. */
public final class KeyStores {

    private static final String PKCS12 = "PKCS12";

    private KeyStores() {
    }

    /** A PKCS#12 key store holding the ID under {@code alias}, the key entry protected by {@code password}. */
    public static KeyStore pkcs12(DigitalId id, String alias, char[] password) {
        KeyStore store = empty();
        try {
            store.setKeyEntry(alias, id.privateKey(), password, id.chain().toArray(X509Certificate[]::new));
        } catch (KeyStoreException e) {
            throw new IllegalStateException("cannot put digital ID " + Certificates.subject(id.certificate())
                    + " into a PKCS#12 key store", e);
        }
        return store;
    }

    /**
     * A PKCS#12 trust store with one trusted-certificate entry per certificate, under aliases made of the subject's
     * common name and the start of the SHA-256 fingerprint ({@code mail.example.com-3f2a9c01}), unique in the store.
     */
    public static KeyStore trustStore(Collection<X509Certificate> certificates) {
        KeyStore store = empty();
        Set<String> aliases = new HashSet<>();
        for (X509Certificate certificate : certificates) {
            String base = alias(certificate);
            String alias = base;
            for (int n = 2; !aliases.add(alias); n++) {
                alias = base + "-" + n;
            }
            try {
                store.setCertificateEntry(alias, certificate);
            } catch (KeyStoreException e) {
                throw new IllegalStateException("cannot put certificate " + Certificates.subject(certificate)
                        + " into a PKCS#12 trust store", e);
            }
        }
        return store;
    }

    /** Writes {@code store} to {@code file} in one step (temporary file, then move), owner read/write only. */
    public static void write(KeyStore store, char[] password, Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            store.store(bytes, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write key store " + file + ": " + e.getMessage(), e);
        }
        SecureFiles.replace(file, bytes.toByteArray());
    }

    private static String alias(X509Certificate certificate) {
        String name = Certificates.shortName(certificate).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.*_-]+", "-")
                .replaceAll("^-+|-+$", "");
        String fingerprint = Certificates.sha256Fingerprint(certificate).replace(":", "").substring(0, 8)
                .toLowerCase(Locale.ROOT);
        return name.isEmpty() ? fingerprint : name + "-" + fingerprint;
    }

    private static KeyStore empty() {
        try {
            KeyStore store = KeyStore.getInstance(PKCS12);
            store.load(null, null);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("this Java runtime offers no PKCS#12 key stores", e);
        }
    }
}
