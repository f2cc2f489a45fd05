package io.moat.web;

import java.time.Instant;
import java.util.List;

/** A trusted CA or server certificate entry; {@code fromFile} entries come from {@code <data dir>/trust/}. */
public record TrustedCertificateDto(String id, String name, boolean fromFile, Instant addedAt,
        List<CertificateDto.ChainEntry> certificates) {
}
