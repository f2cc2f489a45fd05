package io.moat.tls;

import io.moat.tls.internal.Certificates;
import io.moat.tls.internal.DigitalIdReader;
import io.moat.tls.internal.DigitalIdReader.Source;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * PEM reading and writing. Reading accepts RSA and EC keys as PKCS#1, SEC1 (with or without its EC PARAMETERS block)
 * and PKCS#8, encrypted PKCS#8 and legacy OpenSSL-encrypted PEM with the passphrase; certificates in any order,
 * which come back as a chain, leaf first. Problems are {@link TlsException}s that say what to do.
 */
public final class Pem {

    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[]{'\n'});

    private Pem() {
    }

    /** One text holding a private key and a certificate chain, blocks in any order (the combined tls.pem). */
    public static ParsedId parseDigitalId(String combinedPem, char[] passphrase) throws TlsException {
        return DigitalIdReader.read(new Source(combinedPem, "the PEM text", ""), passphrase);
    }

    /** A key file and a certificate file (key.pem + cert.pem). */
    public static ParsedId parseDigitalId(String keyPem, String certificatePem, char[] passphrase)
            throws TlsException {
        return DigitalIdReader.read(new Source(keyPem, "the key file", ""),
                new Source(certificatePem, "the certificate file", ""), passphrase);
    }

    /** Certificates only (trust store entries), in the order given; at least one. */
    public static List<X509Certificate> parseCertificates(String pem) throws TlsException {
        return DigitalIdReader.certificates(new Source(pem, "the PEM text", ""));
    }

    /** An unencrypted PKCS#8 "PRIVATE KEY" block. */
    public static String encodePrivateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("the private key has no PKCS#8 encoding (format " + key.getFormat()
                    + ")");
        }
        byte[] der = key.getEncoded();
        try {
            return block("PRIVATE KEY", der);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** "CERTIFICATE" blocks in the given order. */
    public static String encodeCertificates(List<X509Certificate> chain) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : chain) {
            pem.append(block("CERTIFICATE", Certificates.encoded(certificate)));
        }
        return pem.toString();
    }

    private static String block(String type, byte[] content) {
        return "-----BEGIN " + type + "-----\n" + new String(BASE64.encode(content), StandardCharsets.US_ASCII)
                + "\n-----END " + type + "-----\n";
    }
}
