package io.moat.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts for the tests' clients that trust exactly the certificates given (PEM files), e.g. the gateway's. */
final class Trust {

    private Trust() {
    }

    static SSLContext trusting(Path... certificates) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        for (int i = 0; i < certificates.length; i++) {
            try (InputStream in = Files.newInputStream(certificates[i])) {
                trust.setCertificateEntry("c" + i, factory.generateCertificate(in));
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
