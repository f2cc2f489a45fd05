package io.moat.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The private key and its certificate chain, leaf first. Whether the key belongs to the leaf is for
 * {@link Validator} to say; {@link Pem} only returns IDs whose key matches.
 */
public record DigitalId(PrivateKey privateKey, List<X509Certificate> chain) {

    public DigitalId {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a digital ID needs at least one certificate");
        }
    }

    /** The leaf certificate, the one the private key belongs to. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Names the certificate only: the key never appears in logs. */
    @Override
    public String toString() {
        return "DigitalId[" + certificate().getSubjectX500Principal().getName() + ", chain of " + chain.size() + "]";
    }
}
