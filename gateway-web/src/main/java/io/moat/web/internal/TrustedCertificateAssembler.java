package io.moat.web.internal;

import io.moat.settings.certificates.TrustStoreService;
import io.moat.tls.CertificateInfo;
import io.moat.web.CertificateDto;
import io.moat.web.TrustedCertificateDto;

/** Turns trust store entries into the DTO the REST API and the console show. */
public final class TrustedCertificateAssembler {

    private TrustedCertificateAssembler() {
    }

    public static TrustedCertificateDto dto(TrustStoreService.Trusted t) {
        return new TrustedCertificateDto(t.id(), t.name(), t.fromFile(), t.addedAt(), t.certificates().stream()
                .map(c -> {
                    CertificateInfo info = CertificateInfo.of(c);
                    return new CertificateDto.ChainEntry(info.subject(), info.issuer(), info.notAfter(),
                            info.sha256Fingerprint());
                }).toList());
    }
}
