package io.moat.web;

/**
 * The JSON body that adds or replaces a pair: {@code privateKey} and {@code certificate} (PEM texts), or the
 * combined {@code pem}; {@code passphrase} only for an encrypted key. Multipart forms use the same field names.
 */
public record CertificateRequest(String name, String privateKey, String certificate, String pem,
        String passphrase) {

    @Override
    public String toString() {
        return "CertificateRequest[" + name + "]"; // never the key or the passphrase
    }
}
