package io.moat.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client's trust for opportunistic TLS (RFC 7435; Postfix's {@code smtp_tls_security_level = may}): a server's
 * certificate chain is checked as {@code verifying} checks it (trust anchors, validity, and the host name where the
 * connection asks for endpoint identification), but a chain that fails the check does not end the handshake.
 * Encryption without an authenticated server still keeps a passive eavesdropper out, which clear text does not;
 * what the check found is kept with the TLS session and told by {@link #unverified(SSLSession)}, so that the
 * connection can be recorded as unverified.
 * <p>
 * Use it only in an {@code SSLContext} of its own: a context's sessions are resumed without a new check, and a
 * session made here must never be resumed by a connection that requires verification.
 */
public final class OpportunisticTrustManager extends X509ExtendedTrustManager {

    /** The session value naming the outcome; TLS 1.3 resumption carries a session's values to the resumed one. */
    private static final String OUTCOME = OpportunisticTrustManager.class.getName() + ".outcome";

    private final X509ExtendedTrustManager verifying;

    /** What the check of a session's chain found: {@code reason} is {@code null} when the chain verified. */
    private record Outcome(String reason) {
    }

    /** @param verifying the check a verified connection would make; it decides nothing here, it only informs */
    public OpportunisticTrustManager(X509ExtendedTrustManager verifying) {
        this.verifying = Objects.requireNonNull(verifying, "verifying");
    }

    /**
     * Why the server of an opportunistic connection is not authenticated (the check's own words, e.g. "PKIX path
     * building failed: ..." or "No subject alternative names matching IP address ..."), or empty when its chain
     * verified. Only for sessions made with this trust manager: any other session is reported as not checked.
     */
    public static Optional<String> unverified(SSLSession session) {
        Object outcome = session.getValue(OUTCOME);
        if (outcome instanceof Outcome checked) {
            return Optional.ofNullable(checked.reason());
        }
        return Optional.of("the server's certificate was not checked on this connection");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        SSLSession session = socket instanceof SSLSocket tls ? tls.getHandshakeSession() : null;
        try {
            verifying.checkServerTrusted(chain, authType, socket);
            record(session, null);
        } catch (CertificateException e) {
            record(session, reason(e));
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        SSLSession session = engine == null ? null : engine.getHandshakeSession();
        try {
            verifying.checkServerTrusted(chain, authType, engine);
            record(session, null);
        } catch (CertificateException e) {
            record(session, reason(e));
        }
    }

    /** Without a connection there is no session to tell: the check decides, as a verifying one would. */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verifying.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verifying.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verifying.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verifying.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return verifying.getAcceptedIssuers();
    }

    private static void record(SSLSession session, String reason) {
        if (session != null) {
            session.putValue(OUTCOME, new Outcome(reason));
        }
    }

    private static String reason(CertificateException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
