package io.moat.testkit;

import io.moat.tls.DigitalId;
import io.moat.tls.KeyStores;
import io.moat.tls.OpportunisticTrustManager;
import io.moat.tls.SelfSigned;
import io.moat.tls.ServerTlsContext;
import io.moat.tls.TlsSettings;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Digital IDs and client socket factories for TLS tests on 127.0.0.1. Keys are made once: RSA is slow. */
public final class TestTls {

    /** Self-signed for localhost, with 127.0.0.1 as an IP subject alternative name. */
    /** The gateway's side in the SMTP adapter's tests, and a second ID for a certificate swapped in. */
    public static final DigitalId ID = SelfSigned.generate("mx.test", Instant.now(), Duration.ofDays(1));
    public static final DigitalId OTHER_ID = SelfSigned.generate("mx2.test", Instant.now(), Duration.ofDays(1));

    public static final DigitalId LOCALHOST = SelfSigned.generate("localhost", Instant.now(), Duration.ofDays(1));
    /** Self-signed, and not used by any server: trusting only this trusts none of them. */
    public static final DigitalId UNRELATED = SelfSigned.generate("unrelated.test", Instant.now(), Duration.ofDays(1));
    /** Self-signed for {@code other.test} alone: no localhost, no 127.0.0.1. */
    public static final DigitalId OTHER_NAME = onlyFor("other.test");

    private TestTls() {
    }

    public static ServerTlsContext server(DigitalId id) {
        return new ServerTlsContext(id, TlsSettings.defaults());
    }

    public static ServerTlsContext server(DigitalId id, String protocol) {
        return new ServerTlsContext(id, new TlsSettings(List.of(protocol), List.of()));
    }

    /**
     * An opportunistic client socket factory (optional STARTTLS), as the server profiles make them: it checks against
     * these certificates, records what it found, and lets any certificate through.
     */
    public static SSLSocketFactory opportunistic(DigitalId... ids) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(KeyStores.trustStore(List.of(ids).stream().map(DigitalId::certificate).toList()));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{new OpportunisticTrustManager(
                    (X509ExtendedTrustManager) trust.getTrustManagers()[0])}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client socket factory trusting these certificates and nothing else. */
    public static SSLSocketFactory trusting(DigitalId... ids) {
        return trusting("TLS", ids);
    }

    /** Likewise, from an {@code SSLContext} of this protocol (e.g. {@code "TLSv1.2"}, which offers no TLS 1.3). */
    public static SSLSocketFactory trusting(String protocol, DigitalId... ids) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(KeyStores.trustStore(List.of(ids).stream().map(DigitalId::certificate).toList()));
            SSLContext context = SSLContext.getInstance(protocol);
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DigitalId onlyFor(String dnsName) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name("CN=" + dnsName);
            Instant now = Instant.now();
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name,
                            keys.getPublic())
                            .addExtension(Extension.subjectAlternativeName, false,
                                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)))
                            .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            return new DigitalId(keys.getPrivate(), List.of(certificate));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a certificate for " + dnsName, e);
        }
    }

    /** A server context for {@link #ID} with the default versions. */
    public static ServerTlsContext server() {
        return new ServerTlsContext(ID, TlsSettings.defaults());
    }

    /** A client context trusting exactly these IDs' certificates. */
    public static SSLContext trustingContext(DigitalId... ids) {
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

    /** A client context that trusts {@link #ID} and {@link #OTHER_ID}. */
    public static SSLContext client() {
        return trustingContext(ID, OTHER_ID);
    }
}
