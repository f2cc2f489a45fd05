package io.moat.settings.certificates;

import java.util.List;

/**
 * Something that uses stored certificates (the console's HTTPS, SMTP endpoints, server profiles). The certificate
 * store asks every implementation where a certificate is used: to show it, and to refuse deleting it.
 */
public interface CertificateUsage {

    /** @return where the certificate is used, in words an admin recognises (e.g. "console HTTPS"); empty if not */
    List<String> usesOf(String certificateId);

    /** Called after the certificate's key and chain were replaced, so that users serve the new one. */
    default void replaced(String certificateId) {
    }
}
