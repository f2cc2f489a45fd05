package io.moat.tls;

import io.moat.tls.internal.Certificates;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.List;

/**
 * What an admin sees of a certificate, never a key. {@code sha256Fingerprint} is upper-case hex pairs separated by
 * ':', exactly as {@code openssl x509 -noout -fingerprint -sha256} prints it after '='. Subject alternative names
 * read like "DNS:localhost", "IP:127.0.0.1". {@code keyAlgorithm} is the JDK's name ("RSA", "EC"); {@code keySize}
 * is in bits: the RSA modulus or the EC field size (e.g. 256), 0 for other algorithms.
 */
public record CertificateInfo(String subject, String issuer, List<String> subjectAlternativeNames,
        Instant notBefore, Instant notAfter, String sha256Fingerprint, String keyAlgorithm, int keySize,
        boolean selfSigned) {

    public CertificateInfo {
        subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
    }

    public static CertificateInfo of(X509Certificate certificate) {
        PublicKey key = certificate.getPublicKey();
        return new CertificateInfo(Certificates.subject(certificate), Certificates.issuer(certificate),
                Certificates.subjectAlternativeNames(certificate), certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant(), Certificates.sha256Fingerprint(certificate),
                key.getAlgorithm(), keySize(key), Certificates.selfSigned(certificate));
    }

    private static int keySize(PublicKey key) {
        if (key instanceof RSAKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        if (key instanceof DSAKey dsa) {
            return dsa.getParams().getP().bitLength();
        }
        return 0;
    }
}
