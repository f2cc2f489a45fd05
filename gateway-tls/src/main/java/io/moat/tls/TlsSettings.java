package io.moat.tls;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * Protocol versions and cipher suites to enable, by their JSSE names. No protocols means the JDK's defaults
 * (TLSv1.2 and TLSv1.3 as the provisioned server configures it); no cipher suites means Moat's defaults,
 * {@link #FORWARD_SECRET_AEAD}, never the JDK's longer list (ADR 0022). Null lists are taken as empty.
 */
public record TlsSettings(List<String> protocols, List<String> cipherSuites) {

    public static final List<String> KNOWN_PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    /**
     * The default cipher suites of every TLS surface: TLS 1.3's, and TLS 1.2's with an ephemeral elliptic-curve key
     * exchange (forward secrecy) and an AEAD cipher (AES-GCM, ChaCha20-Poly1305), in the server's order of
     * preference. No static RSA key exchange, no CBC (padding oracles: Lucky13, POODLE-TLS), no 3DES or RC4, and no
     * finite-field DHE: every TLS 1.2 stack of the last decade does ECDHE, and DHE lets a client make the server
     * compute far more than it does itself (CVE-2002-20001).
     */
    public static final List<String> FORWARD_SECRET_AEAD = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * Forward-secret suites with AES-CBC, after {@link #FORWARD_SECRET_AEAD}: TLS 1.0 and 1.1 have no AEAD suite, so
     * an endpoint that names those versions gets these too; and opportunistic outbound TLS offers them, where the
     * alternative is clear text.
     */
    public static final List<String> FORWARD_SECRET_CBC = List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");

    /** The cipher suites that only TLS 1.3 uses, and that TLS 1.3 uses only. */
    private static final Set<String> TLS13_SUITES = Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256");
    private static final String TLS13 = "TLSv1.3";
    /** The versions that have no AEAD cipher suite. */
    private static final Set<String> WITHOUT_AEAD = Set.of("TLSv1", "TLSv1.1");

    public TlsSettings {
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
        cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
    }

    /** The JDK's protocol versions and Moat's default cipher suites. */
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

    /**
     * The cipher suites to enable: those named, else {@link #FORWARD_SECRET_AEAD}, followed by
     * {@link #FORWARD_SECRET_CBC} when TLSv1 or TLSv1.1 is named (they have no other); only those this runtime
     * supports.
     */
    public List<String> effectiveCipherSuites() {
        if (!cipherSuites.isEmpty()) {
            return cipherSuites;
        }
        if (protocols.stream().noneMatch(WITHOUT_AEAD::contains)) {
            return supported(FORWARD_SECRET_AEAD);
        }
        List<String> suites = new ArrayList<>(FORWARD_SECRET_AEAD);
        suites.addAll(FORWARD_SECRET_CBC);
        return supported(suites);
    }

    /**
     * The protocols given, if any, and the {@link #effectiveCipherSuites() cipher suites} on {@code parameters}; a
     * server picks by their order (the strongest suite both sides have), not by the client's.
     */
    public void applyTo(SSLParameters parameters) {
        if (!protocols.isEmpty()) {
            parameters.setProtocols(protocols.toArray(String[]::new));
        }
        parameters.setCipherSuites(effectiveCipherSuites().toArray(String[]::new));
        parameters.setUseCipherSuitesOrder(true);
    }

    /** Those of {@code suites} this Java runtime supports, in their order. */
    public static List<String> supported(List<String> suites) {
        return suites.stream().filter(Supported.CIPHER_SUITES::contains).toList();
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
