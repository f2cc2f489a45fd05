package io.moat.tls;

import io.moat.tls.internal.Certificates;
import io.moat.tls.internal.KeyMatch;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Checks a digital ID and says exactly what is wrong: ERRORs make it unusable, WARNINGs are worth fixing. */
public final class Validator {

    /** How long before expiry a certificate is worth a warning. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    private Validator() {
    }

    /**
     * ERROR when the key does not belong to the leaf certificate or is not RSA/EC, when the leaf has expired or is
     * not valid yet. WARNING when the leaf expires within 30 days, when another certificate of the chain is outside
     * its validity, when the leaf's extended key usage excludes TLS servers, when 'localhost' is not among its DNS
     * subject alternative names.
     */
    public static List<Finding> validate(DigitalId id, Instant now) {
        List<Finding> findings = new ArrayList<>();
        X509Certificate leaf = id.certificate();
        String subject = Certificates.subject(leaf);
        if (!KeyMatch.supported(id.privateKey())) {
            findings.add(error("the private key is of type " + id.privateKey().getAlgorithm()
                    + ", which the gateway does not serve; use an RSA or EC key"));
        } else if (!KeyMatch.matches(id.privateKey(), leaf.getPublicKey())) {
            findings.add(error("the private key does not match the certificate " + subject
                    + "; put the key and the certificate issued for it together"));
        }
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (now.isAfter(notAfter)) {
            findings.add(error("certificate " + subject + " expired on " + date(notAfter) + "; renew it"));
        } else if (now.isBefore(notBefore)) {
            findings.add(error("certificate " + subject + " is not valid before " + date(notBefore)
                    + "; check this machine's clock, or wait until then"));
        } else if (Duration.between(now, notAfter).compareTo(EXPIRY_WARNING) <= 0) {
            findings.add(warning("certificate " + subject + " expires on " + date(notAfter) + ", "
                    + inDays(Duration.between(now, notAfter)) + "; renew it before then"));
        }
        for (X509Certificate issuer : id.chain().subList(1, id.chain().size())) {
            if (now.isAfter(issuer.getNotAfter().toInstant())) {
                findings.add(warning("certificate " + Certificates.subject(issuer) + " in the chain expired on "
                        + date(issuer.getNotAfter().toInstant()) + "; clients may not trust the chain: get the"
                        + " current intermediate certificate from your certificate authority"));
            } else if (now.isBefore(issuer.getNotBefore().toInstant())) {
                findings.add(warning("certificate " + Certificates.subject(issuer) + " in the chain is not valid"
                        + " before " + date(issuer.getNotBefore().toInstant()) + "; clients may not trust the chain"));
            }
        }
        if (!forServers(leaf)) {
            findings.add(warning("certificate " + subject + " is not meant for TLS servers (its extended key usage"
                    + " lacks serverAuth); clients will refuse it"));
        }
        if (Certificates.dnsNames(leaf).stream().noneMatch("localhost"::equalsIgnoreCase)) {
            findings.add(warning("certificate " + subject + " lacks 'localhost' as a subject alternative name; a"
                    + " Core server profile on localhost over https will fail host name verification"));
        }
        return List.copyOf(findings);
    }

    public static boolean hasErrors(List<Finding> findings) {
        return findings.stream().anyMatch(finding -> finding.severity() == Severity.ERROR);
    }

    private static boolean forServers(X509Certificate certificate) {
        List<String> usages;
        try {
            usages = certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return false; // an unreadable extension will not convince a client either
        }
        return usages == null || usages.contains(SERVER_AUTH) || usages.contains(ANY_EXTENDED_KEY_USAGE);
    }

    private static String date(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String inDays(Duration left) {
        long days = left.toDays();
        return days == 0 ? "in less than a day" : days == 1 ? "in 1 day" : "in " + days + " days";
    }

    private static Finding error(String message) {
        return new Finding(Severity.ERROR, message);
    }

    private static Finding warning(String message) {
        return new Finding(Severity.WARNING, message);
    }
}
