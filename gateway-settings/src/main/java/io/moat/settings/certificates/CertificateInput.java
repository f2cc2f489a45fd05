package io.moat.settings.certificates;

/**
 * A key and certificate chain as an admin supplies them: either one combined PEM text, or a key and a certificate
 * PEM text. {@code passphrase} decrypts an encrypted key and is used only while parsing.
 */
public record CertificateInput(String name, String privateKeyPem, String certificatePem, String combinedPem,
        char[] passphrase) {

    @Override
    public String toString() {
        return "CertificateInput[" + name + "]"; // never the key or the passphrase
    }
}
