package io.moat.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager whose digital ID can be swapped while in use: the next handshake presents the new certificate. It
 * has one alias, chosen whenever the key type asked for is the ID's (an RSA ID is not offered for an EC signature
 * scheme, so that the JDK moves on to one that fits); the client side ignores the issuers a server asks for.
 *
 * <p>
 * Each ID gets an alias of its own, and the one before the latest swap stays reachable by its alias: a handshake
 * that chose its alias just before a swap still gets that ID's key and chain together.
 */
public final class SwappableKeyManager extends X509ExtendedKeyManager {

    private record Entry(String alias, DigitalId id) {
    }

    private record State(Entry current, Entry previous) {
    }

    private volatile State state;
    private long generation;

    public SwappableKeyManager(DigitalId id) {
        state = new State(new Entry(alias(++generation), Objects.requireNonNull(id, "id")), null);
    }

    /** From the next handshake on, {@code id} is presented. */
    public synchronized void swap(DigitalId id) {
        Objects.requireNonNull(id, "id");
        state = new State(new Entry(alias(++generation), id), state.current());
    }

    public DigitalId current() {
        return state.current().id();
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return alias(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return alias(keyTypes);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Entry entry = entry(alias);
        return entry == null ? null : entry.id().chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Entry entry = entry(alias);
        return entry == null ? null : entry.id().privateKey();
    }

    private Entry entry(String alias) {
        State now = state;
        if (now.current().alias().equals(alias)) {
            return now.current();
        }
        return now.previous() != null && now.previous().alias().equals(alias) ? now.previous() : null;
    }

    private String alias(String... keyTypes) {
        Entry entry = state.current();
        for (String keyType : keyTypes) {
            if (fits(entry.id().certificate(), keyType)) {
                return entry.alias();
            }
        }
        return null;
    }

    private String[] aliases(String keyType) {
        String alias = alias(keyType);
        return alias == null ? null : new String[]{alias};
    }

    private static String alias(long generation) {
        return "digital-id-" + generation;
    }

    /**
     * Whether a certificate serves the key type JSSE asks for: "RSA", "EC", "RSASSA-PSS", … or, for the static ECDH
     * suites of TLS 1.2, key type and signature algorithm of the issuer, "EC_RSA".
     */
    private static boolean fits(X509Certificate certificate, String keyType) {
        if (keyType == null) {
            return false;
        }
        String algorithm = certificate.getPublicKey().getAlgorithm();
        int separator = keyType.indexOf('_');
        if (separator < 0) {
            return keyType.equalsIgnoreCase(algorithm);
        }
        return keyType.substring(0, separator).equalsIgnoreCase(algorithm)
                && certificate.getSigAlgName().toUpperCase(Locale.ROOT)
                        .contains("WITH" + keyType.substring(separator + 1).toUpperCase(Locale.ROOT));
    }
}
