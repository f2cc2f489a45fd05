package io.moat.tls.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Small questions about certificates, asked the same way everywhere in the module. */
public final class Certificates {

    private static final HexFormat FINGERPRINT = HexFormat.ofDelimiter(":").withUpperCase();

    private Certificates() {
    }

    /** The subject as RFC 2253 text, e.g. {@code CN=mail.example.com,O=Example}. */
    public static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    public static String issuer(X509Certificate certificate) {
        return certificate.getIssuerX500Principal().getName();
    }

    /** The common name, or the whole subject when there is none: for short lists in messages. */
    public static String shortName(X509Certificate certificate) {
        RDN[] names = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        return names.length == 0 ? subject(certificate) : IETFUtils.valueToString(names[0].getFirst().getValue());
    }

    /** Whether {@code issuer}'s key verifies the signature on {@code certificate}. */
    public static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false; // not this issuer's signature (or an algorithm this runtime lacks): the answer is no
        }
    }

    /** Issued by itself: subject equals issuer and its own key verifies its signature. */
    public static boolean selfSigned(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                && signedBy(certificate, certificate);
    }

    /** Upper-case hex pairs separated by ':', as {@code openssl x509 -noout -fingerprint -sha256} prints them. */
    public static String sha256Fingerprint(X509Certificate certificate) {
        try {
            return FINGERPRINT.formatHex(MessageDigest.getInstance("SHA-256").digest(encoded(certificate)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    public static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate " + subject(certificate) + " cannot be encoded", e);
        }
    }

    /** Subject alternative names as openssl prints them: {@code DNS:localhost}, {@code IP:127.0.0.1}, … */
    public static List<String> subjectAlternativeNames(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException(
                    "certificate " + subject(certificate) + " has an unreadable subject alternative name extension",
                    e);
        }
        if (names == null) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (List<?> name : names) {
            // the JDK gives othername and the like as DER bytes; openssl prints those as <unsupported> too
            Object value = name.get(1) instanceof String text ? text : "<unsupported>";
            result.add(label((Integer) name.get(0)) + ":" + value);
        }
        return List.copyOf(result);
    }

    /** DNS names among the subject alternative names. */
    public static List<String> dnsNames(X509Certificate certificate) {
        return subjectAlternativeNames(certificate).stream().filter(name -> name.startsWith("DNS:"))
                .map(name -> name.substring(4)).toList();
    }

    private static String label(int type) {
        return switch (type) {
            case 0 -> "othername";
            case 1 -> "email";
            case 2 -> "DNS";
            case 3 -> "X400Name";
            case 4 -> "DirName";
            case 5 -> "EdiPartyName";
            case 6 -> "URI";
            case 7 -> "IP";
            case 8 -> "RID";
            default -> "type" + type;
        };
    }
}
