package io.moat.smtp.internal;

import io.moat.tls.DigitalId;
import io.moat.tls.KeyStores;
import io.moat.tls.SelfSigned;
import io.moat.tls.ServerTlsContext;
import io.moat.tls.TlsSettings;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Digital IDs made once for all tests (RSA key generation is slow), and TLS contexts for both sides. */
final class TestTls {

    static final DigitalId ID = SelfSigned.generate("mx.test", Instant.now(), Duration.ofDays(1));
    static final DigitalId OTHER_ID = SelfSigned.generate("mx2.test", Instant.now(), Duration.ofDays(1));

    private TestTls() {
    }

    static ServerTlsContext server() {
        return new ServerTlsContext(ID, TlsSettings.defaults());
    }

    /** A client context trusting exactly these IDs' certificates. */
    static SSLContext trusting(DigitalId... ids) {
        try {
            TrustManagerFactory factory = TrustManagerFactory
                    .getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(KeyStores.trustStore(Arrays.stream(ids).map(DigitalId::certificate).toList()));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context that trusts both test IDs. */
    static SSLContext client() {
        return trusting(ID, OTHER_ID);
    }
}
