package io.moat.tls.internal;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * The subjects of the Java runtime's default trust anchors (its {@code cacerts}). A chain that stops below one of
 * them is complete: clients have the root already, and servers are not supposed to send it.
 */
final class TrustAnchors {

    private static final Set<X500Principal> SUBJECTS = load();

    private TrustAnchors() {
    }

    static boolean contains(X500Principal subject) {
        return SUBJECTS.contains(subject);
    }

    private static Set<X500Principal> load() {
        Set<X500Principal> subjects = new HashSet<>();
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate anchor : x509.getAcceptedIssuers()) {
                        subjects.add(anchor.getSubjectX500Principal());
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            // no readable default trust store: every missing issuer is then reported, which errs on the safe side
            return Set.of();
        }
        return Set.copyOf(subjects);
    }
}
