package io.moat.tls.internal;

import io.moat.tls.Finding;
import io.moat.tls.Severity;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Puts certificates in chain order, leaf → issuer → issuer's issuer, by name and signature, and says what was wrong
 * with the order or completeness it found.
 */
public final class Chains {

    /** The chain, leaf first, and what was noticed while building it. */
    public record Ordered(List<X509Certificate> chain, List<Finding> findings) {
    }

    private Chains() {
    }

    /**
     * Builds the chain from {@code leaf} out of {@code certificates} (input order, no duplicates, containing the
     * leaf). Certificates that are not part of the chain are left out, with a warning.
     */
    public static Ordered order(X509Certificate leaf, List<X509Certificate> certificates) {
        List<Finding> findings = new ArrayList<>();
        List<X509Certificate> chain = new ArrayList<>(List.of(leaf));
        List<X509Certificate> remaining = new ArrayList<>(certificates);
        remaining.remove(leaf);
        X509Certificate current = leaf;
        while (!Certificates.selfSigned(current)) {
            X509Certificate issuer = issuer(current, remaining, findings);
            if (issuer == null) {
                break;
            }
            chain.add(issuer);
            remaining.remove(issuer);
            current = issuer;
        }
        for (X509Certificate unused : remaining) {
            findings.add(new Finding(Severity.WARNING, "certificate " + Certificates.subject(unused)
                    + " is not part of the chain of " + Certificates.subject(leaf) + "; it is left out"));
        }
        List<X509Certificate> given = certificates.stream().filter(chain::contains).toList();
        if (!given.equals(chain)) {
            findings.add(0, new Finding(Severity.WARNING, "certificate chain was out of order (found: " + names(given)
                    + "); using leaf → intermediate → root order (" + names(chain) + ")"));
        }
        return new Ordered(List.copyOf(chain), List.copyOf(findings));
    }

    /** The certificate among {@code candidates} that issued {@code certificate}, or null (with a finding). */
    private static X509Certificate issuer(X509Certificate certificate, List<X509Certificate> candidates,
            List<Finding> findings) {
        List<X509Certificate> named = candidates.stream()
                .filter(c -> c.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())).toList();
        for (X509Certificate candidate : named) {
            if (Certificates.signedBy(certificate, candidate)) {
                return candidate;
            }
        }
        String subject = Certificates.subject(certificate);
        String issuer = Certificates.issuer(certificate);
        if (!named.isEmpty()) {
            findings.add(new Finding(Severity.WARNING, "certificate chain broken: the certificate named " + issuer
                    + " in the file did not sign " + subject + " (an outdated intermediate?); get the current"
                    + " intermediate certificate from your certificate authority"));
        } else if (!TrustAnchors.contains(certificate.getIssuerX500Principal())) {
            findings.add(new Finding(Severity.WARNING, "certificate chain incomplete: the issuer of " + subject + " ("
                    + issuer + ") is not in the file; clients that do not already have it will not trust this"
                    + " certificate"));
        }
        return null;
    }

    private static String names(List<X509Certificate> certificates) {
        return certificates.stream().map(Certificates::shortName).collect(Collectors.joining(", "));
    }
}
