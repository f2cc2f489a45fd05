package io.moat.settings.certificates;

import io.moat.persistence.ServerProfileRepository;
import io.moat.persistence.SettingRepository;
import io.moat.persistence.TrustedCertificateEntity;
import io.moat.settings.ChangesSettings;
import io.moat.settings.GatewaySettings;
import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.tls.DigitalId;
import io.moat.tls.KeyStores;
import io.moat.tls.OpportunisticTrustManager;
import io.moat.tls.Pem;
import io.moat.tls.SwappableKeyManager;
import io.moat.tls.TlsException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The gateway's trust store for its outbound TLS (downstream SMTP servers, Core): the certificates added over REST
 * (CA or server certificates), the PEM files an operator drops into {@code <data dir>/trust/}, and — unless switched
 * off — the JVM's default CAs. Every outbound context is built from the trust store as it is at that moment, so a
 * change applies to the next connection.
 */
@ApplicationScoped
@Transactional
public class TrustStoreService {

    private static final Logger LOG = Logger.getLogger(TrustStoreService.class.getName());
    static final String JVM_DEFAULT_CAS = "trust.jvm-default-cas";
    static final String TRUST_DIRECTORY = "trust";

    @Inject
    ServerProfileRepository repository;

    @Inject
    SettingRepository settings;

    @Inject
    GatewaySettings gateway;

    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    /** Another node changed what is trusted: outbound contexts are built again (SettingsWatcher). */
    public void changed() {
        changes.incrementAndGet();
    }

    /**
     * Changes whenever what is trusted may have changed (an entry added or removed, the JVM CAs switched, a file
     * in the trust directory changed): outbound contexts built for an older signature are built again.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public String signature() {
        long modified = 0;
        try {
            Path directory = trustDirectory();
            if (Files.isDirectory(directory)) {
                modified = Files.getLastModifiedTime(directory).toMillis();
            }
        } catch (IOException e) {
            modified = -1;
        }
        return changes.get() + "/" + modified;
    }

    /** One trusted entry: its certificates, never anything secret. */
    public record Trusted(String id, String name, List<X509Certificate> certificates, boolean fromFile,
            Instant addedAt) {
    }

    public List<Trusted> list() {
        List<Trusted> all = new ArrayList<>();
        for (TrustedCertificateEntity t : repository.trusted()) {
            all.add(new Trusted(t.getId(), t.getName(), parse(t.getCertificatePem(), t.getName()), false,
                    t.getCreatedAt()));
        }
        all.addAll(fromDirectory());
        return all;
    }

    /** Trusts the certificate(s) of {@code pem}: a CA, or a server's own certificate. */
    @ChangesSettings
    public Trusted add(String name, String pem) {
        if (pem == null || pem.isBlank()) {
            throw new RefusedException(Reason.INVALID, "'pem' is missing: the CA or server certificate in PEM");
        }
        List<X509Certificate> certificates;
        try {
            certificates = Pem.parseCertificates(pem);
        } catch (TlsException e) {
            throw new RefusedException(Reason.INVALID, e.getMessage());
        }
        String label = name == null || name.isBlank()
                ? certificates.get(0).getSubjectX500Principal().getName()
                : name.strip();
        TrustedCertificateEntity entity = new TrustedCertificateEntity(UUID.randomUUID().toString(), label,
                Pem.encodeCertificates(certificates), Instant.now());
        repository.addTrusted(entity);
        changes.incrementAndGet();
        LOG.info(() -> "trusting " + label + " for outbound TLS from the next connection");
        return new Trusted(entity.getId(), label, certificates, false, entity.getCreatedAt());
    }

    @ChangesSettings
    public void delete(String id) {
        if (id.startsWith("file:")) {
            throw new RefusedException(Reason.INVALID, "'" + id.substring(5) + "' is a file in "
                    + trustDirectory() + "; remove the file there");
        }
        if (!repository.deleteTrusted(id)) {
            throw new RefusedException(Reason.NOT_FOUND, "no trusted certificate with id '" + id + "'");
        }
        changes.incrementAndGet();
        LOG.info(() -> "trusted certificate " + id + " removed; the next connection no longer trusts it");
    }

    public boolean jvmDefaultCas() {
        return settings.get(JVM_DEFAULT_CAS).map(Boolean::parseBoolean).orElse(true);
    }

    @ChangesSettings
    public void jvmDefaultCas(boolean trusted) {
        settings.put(JVM_DEFAULT_CAS, Boolean.toString(trusted));
        changes.incrementAndGet();
    }

    /**
     * A client context trusting the trust store as it is now (and {@code extra} certificates), presenting
     * {@code clientId} when the server asks for a client certificate. A server whose certificate does not verify
     * fails the handshake.
     */
    public SSLContext clientContext(Optional<DigitalId> clientId, List<X509Certificate> extra) {
        return context(clientId, anyOf(extra));
    }

    /**
     * For opportunistic TLS (optional STARTTLS, RFC 7435): a client context that checks the server's certificate as
     * {@link #clientContext} does, but lets a handshake with one that does not verify complete, and records why it
     * did not ({@link OpportunisticTrustManager#unverified}). A context of its own, so that none of its sessions is
     * ever resumed by a connection that must verify.
     */
    public SSLContext opportunisticClientContext(Optional<DigitalId> clientId) {
        return context(clientId, new OpportunisticTrustManager(anyOf(List.of())));
    }

    private static SSLContext context(Optional<DigitalId> clientId, TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            KeyManager[] keys = clientId.map(id -> new KeyManager[]{new SwappableKeyManager(id)}).orElse(null);
            context.init(keys, new TrustManager[]{trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the outbound TLS context: " + e.getMessage(), e);
        }
    }

    /** Trusts what the trust store trusts now, and {@code extra}. */
    private X509ExtendedTrustManager anyOf(List<X509Certificate> extra) {
        try {
            List<X509Certificate> anchors = new ArrayList<>(extra);
            list().forEach(t -> anchors.addAll(t.certificates()));
            List<X509ExtendedTrustManager> managers = new ArrayList<>();
            if (!anchors.isEmpty()) {
                managers.add(trustManager(KeyStores.trustStore(anchors)));
            }
            if (jvmDefaultCas()) {
                managers.add(trustManager(null));
            }
            return new AnyOf(managers);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the outbound TLS context: " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    private List<Trusted> fromDirectory() {
        Path directory = trustDirectory();
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Trusted> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.{pem,crt}")) {
            for (Path file : files) {
                try {
                    found.add(new Trusted("file:" + file.getFileName(), file.getFileName().toString(),
                            Pem.parseCertificates(Files.readString(file)), true,
                            Files.getLastModifiedTime(file).toInstant()));
                } catch (TlsException | IOException e) {
                    LOG.warning(() -> "trust store: " + file + " is not used: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warning(() -> "trust store: cannot read " + directory + ": " + e.getMessage());
        }
        return found;
    }

    private Path trustDirectory() {
        return gateway.dataDirectory().resolve(TRUST_DIRECTORY);
    }

    private static List<X509Certificate> parse(String pem, String name) {
        try {
            return Pem.parseCertificates(pem);
        } catch (TlsException e) {
            throw new IllegalStateException("trusted certificate '" + name + "' is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Trusts a chain when any of the trust managers does. An extended trust manager, so that the JDK checks the host
     * name (where the connection asks for it) within the same check and this class sees the outcome: an untrusted
     * chain is reported as such, naming the trust store; a trusted chain for another name in the JDK's own words.
     */
    private static final class AnyOf extends X509ExtendedTrustManager {
        private final List<X509ExtendedTrustManager> managers;

        AnyOf(List<X509ExtendedTrustManager> managers) {
            this.managers = List.copyOf(managers);
        }

        /** One manager's check of a chain. */
        private interface Check {
            void by(X509ExtendedTrustManager manager) throws CertificateException;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, authType, manager -> manager.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, authType, manager -> manager.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType, manager -> manager.checkServerTrusted(chain, authType));
        }

        /**
         * Passes when a manager passes {@code check}. Otherwise throws the failure of a manager that trusts the chain
         * itself (its certificate names another host), or else that no trust anchor vouches for it.
         */
        private void check(X509Certificate[] chain, String authType, Check check) throws CertificateException {
            CertificateException untrusted = new CertificateException("the server's certificate "
                    + chain[0].getSubjectX500Principal().getName() + " is not trusted: add its CA (or the"
                    + " certificate itself) to the trust store, /api/v1/trusted-certificates");
            CertificateException trustedButRefused = null;
            for (X509ExtendedTrustManager manager : managers) {
                try {
                    check.by(manager);
                    return;
                } catch (CertificateException e) {
                    if (trustedButRefused == null && trusts(manager, chain, authType)) {
                        trustedButRefused = e;
                    } else {
                        untrusted.addSuppressed(e);
                    }
                }
            }
            throw trustedButRefused != null ? trustedButRefused : untrusted;
        }

        /** Whether {@code manager} trusts the chain as such, with no host name checked. */
        private static boolean trusts(X509ExtendedTrustManager manager, X509Certificate[] chain, String authType) {
            try {
                manager.checkServerTrusted(chain, authType);
                return true;
            } catch (CertificateException e) {
                return false;
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not checked by an outbound context");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return managers.stream().flatMap(m -> List.of(m.getAcceptedIssuers()).stream())
                    .toArray(X509Certificate[]::new);
        }
    }
}
