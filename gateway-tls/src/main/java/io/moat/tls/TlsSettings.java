package io.moat.tls;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * Protocol versions and cipher suites to enable, by their JSSE names; an empty list means the JDK's defaults. Null
 * lists are taken as empty.
 */
public record TlsSettings(List<String> protocols, List<String> cipherSuites) {

    public static final List<String> KNOWN_PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    /** The cipher suites that only TLS 1.3 uses, and that TLS 1.3 uses only. */
    private static final Set<String> TLS13_SUITES = Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256");
    private static final String TLS13 = "TLSv1.3";

    public TlsSettings {
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
        cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
    }

    /** The JDK's defaults for both. */
    public static TlsSettings defaults() {
        return new TlsSettings(List.of(), List.of());
    }

    /**
     * These settings, if every protocol is one of {@link #KNOWN_PROTOCOLS}, every cipher suite is supported by this
     * Java runtime, and at least one cipher suite can be used with one of the protocols.
     */
    public TlsSettings validated() throws TlsException {
        for (String protocol : protocols) {
            if (!KNOWN_PROTOCOLS.contains(protocol)) {
                throw new TlsException("unknown TLS protocol '" + protocol + "'; use one of "
                        + String.join(", ", KNOWN_PROTOCOLS));
            }
        }
        for (String suite : cipherSuites) {
            if (!Supported.CIPHER_SUITES.contains(suite)) {
                throw new TlsException("cipher suite '" + suite + "' is not supported by this Java runtime");
            }
        }
        if (!protocols.isEmpty() && !cipherSuites.isEmpty() && !usable()) {
            throw new TlsException("none of the cipher suites " + String.join(", ", cipherSuites)
                    + " can be used with " + String.join(", ", protocols) + ": TLSv1.3 needs one of "
                    + String.join(", ", TLS13_SUITES.stream().sorted().toList())
                    + ", older versions need others (e.g. TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)");
        }
        return this;
    }

    /** Sets the protocols and cipher suites that are given on {@code parameters}; leaves the others alone. */
    public void applyTo(SSLParameters parameters) {
        if (!protocols.isEmpty()) {
            parameters.setProtocols(protocols.toArray(String[]::new));
        }
        if (!cipherSuites.isEmpty()) {
            parameters.setCipherSuites(cipherSuites.toArray(String[]::new));
        }
    }

    private boolean usable() {
        boolean tls13 = protocols.contains(TLS13);
        boolean older = protocols.stream().anyMatch(protocol -> !protocol.equals(TLS13));
        return cipherSuites.stream().anyMatch(suite -> TLS13_SUITES.contains(suite) ? tls13 : older);
    }

    /** What this Java runtime supports, looked up once. */
    private static final class Supported {

        static final Set<String> CIPHER_SUITES = cipherSuites();

        private static Set<String> cipherSuites() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(new KeyManager[0], new TrustManager[0], null); // no key or trust store is read
                return Set.copyOf(Arrays.asList(context.getSupportedSSLParameters().getCipherSuites()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this Java runtime offers no TLS", e);
            }
        }
    }
}
