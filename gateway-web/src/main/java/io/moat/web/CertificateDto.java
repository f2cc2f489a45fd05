package io.moat.web;

import java.time.Instant;
import java.util.List;

/**
 * A stored key/certificate pair as the API shows it: the leaf certificate's facts, the chain, where it is used and
 * what the validator noticed. Never the private key.
 */
public record CertificateDto(String id, String name, boolean readOnly, String subject, String issuer,
        List<String> subjectAlternativeNames, Instant notBefore, Instant notAfter, String sha256Fingerprint,
        String keyAlgorithm, int keySize, boolean selfSigned, List<ChainEntry> chain, List<String> usedBy,
        List<String> warnings, Instant createdAt, Instant updatedAt) {

    /** One certificate of the chain, leaf first. */
    public record ChainEntry(String subject, String issuer, Instant notAfter, String sha256Fingerprint) {
    }
}
