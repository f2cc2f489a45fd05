package io.moat.web.internal;

import io.moat.settings.certificates.CertificateStore;
import io.moat.tls.CertificateInfo;
import io.moat.tls.Finding;
import io.moat.web.CertificateDto;
import java.security.cert.X509Certificate;

/** Turns certificate store entries into API DTOs. */
public final class CertificateAssembler {

    private CertificateAssembler() {
    }

    public static CertificateDto dto(CertificateStore.Entry entry) {
        CertificateInfo leaf = CertificateInfo.of(entry.chain().get(0));
        return new CertificateDto(entry.id(), entry.name(), entry.readOnly(), leaf.subject(), leaf.issuer(),
                leaf.subjectAlternativeNames(), leaf.notBefore(), leaf.notAfter(), leaf.sha256Fingerprint(),
                leaf.keyAlgorithm(), leaf.keySize(), leaf.selfSigned(),
                entry.chain().stream().map(CertificateAssembler::chainEntry).toList(), entry.usedBy(),
                entry.findings().stream().map(Finding::message).toList(), entry.createdAt(), entry.updatedAt());
    }

    private static CertificateDto.ChainEntry chainEntry(X509Certificate certificate) {
        CertificateInfo info = CertificateInfo.of(certificate);
        return new CertificateDto.ChainEntry(info.subject(), info.issuer(), info.notAfter(), info.sha256Fingerprint());
    }
}
