package io.moat.tls.internal;

import io.moat.tls.DigitalId;
import io.moat.tls.Finding;
import io.moat.tls.ParsedId;
import io.moat.tls.Severity;
import io.moat.tls.TlsException;
import io.moat.tls.internal.PemText.Block;
import io.moat.tls.internal.PemText.Content;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.X509TrustedCertificateBlock;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads a digital ID from PEM texts: finds the one private key (decrypting it if need be), the certificate it belongs
 * to, and orders the rest of the certificates into that certificate's chain. Keys and certificates come out as the
 * JDK's own types, so that the JDK's TLS and key stores take them as they are.
 */
public final class DigitalIdReader {

    /**
     * A PEM text and how messages name it: {@code what} in sentences ("the key file", "tls.pem"), {@code prefix}
     * before sentences about the key in it ("" or "tls.pem: ").
     */
    public record Source(String text, String what, String prefix) {

        public Source {
            Objects.requireNonNull(text, what);
        }
    }

    private static final Set<String> CERTIFICATE_TYPES = Set.of("CERTIFICATE", "X509 CERTIFICATE",
            "TRUSTED CERTIFICATE");
    private static final Set<String> KEY_TYPES = Set.of("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY",
            "EC PRIVATE KEY");
    /** Comes with SEC1 keys from {@code openssl ecparam -genkey}; the key block names its curve itself. */
    private static final String EC_PARAMETERS = "EC PARAMETERS";

    private DigitalIdReader() {
    }

    /** One text holding key and chain. */
    public static ParsedId read(Source combined, char[] passphrase) throws TlsException {
        return read(combined, combined, List.of(combined), passphrase);
    }

    /** A key text and a certificate text; a certificate in the key text, or a key in the certificate text, counts. */
    public static ParsedId read(Source key, Source certificates, char[] passphrase) throws TlsException {
        return read(key, certificates, List.of(key, certificates), passphrase);
    }

    /** The certificates of a text, in the order given. */
    public static List<X509Certificate> certificates(Source source) throws TlsException {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Block block : PemText.blocks(source.text(), source.what(), Content.CERTIFICATES)) {
            if (CERTIFICATE_TYPES.contains(block.type())) {
                certificates.add(certificate(PemText.decode(block, source.what()), block, source));
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsException(source.what() + " holds no certificate");
        }
        return List.copyOf(certificates);
    }

    private static ParsedId read(Source keySource, Source certificateSource, List<Source> sources,
            char[] passphrase) throws TlsException {
        Contents contents = new Contents();
        for (Source source : sources) {
            Content content = sources.size() == 1
                    ? Content.KEY_AND_CERTIFICATES
                    : source == keySource ? Content.KEY : Content.CERTIFICATES;
            for (Block block : PemText.blocks(source.text(), source.what(), content)) {
                contents.add(source, block);
            }
        }
        if (contents.key == null) {
            throw new TlsException(keySource.what() + " holds no private key");
        }
        if (contents.certificates.isEmpty()) {
            throw new TlsException(certificateSource.what() + " holds no certificate");
        }
        String prefix = contents.keySource.prefix();
        PrivateKey privateKey = privateKey(contents.key, passphrase, prefix);
        X509Certificate leaf = leaf(privateKey, contents.certificates, prefix);
        Chains.Ordered ordered = Chains.order(leaf, contents.certificates);
        List<Finding> findings = new ArrayList<>(contents.findings);
        findings.addAll(ordered.findings());
        return new ParsedId(new DigitalId(privateKey, ordered.chain()), findings);
    }

    /** What the blocks of the texts hold, gathered in the order given: one key, certificates, findings. */
    private static final class Contents {

        final List<Finding> findings = new ArrayList<>();
        final List<X509Certificate> certificates = new ArrayList<>();
        Object key;
        Source keySource;
        Block keyBlock;

        void add(Source source, Block block) throws TlsException {
            if (CERTIFICATE_TYPES.contains(block.type())) {
                X509Certificate certificate = certificate(PemText.decode(block, source.what()), block, source);
                if (certificates.contains(certificate)) {
                    findings.add(new Finding(Severity.WARNING,
                            "certificate " + Certificates.subject(certificate) + " is given twice; it is used once"));
                } else {
                    certificates.add(certificate);
                }
            } else if (block.type().endsWith("PRIVATE KEY")) {
                if (keyBlock != null) {
                    throw new TlsException(keySource == source
                            ? source.what() + " holds more than one private key (" + keyBlock.describe() + " and "
                                    + block.describe() + "); keep only the key that belongs to the certificate"
                            : keySource.what() + " and " + source.what() + " hold more than one private key ("
                                    + keyBlock.describe() + " of " + keySource.what() + " and " + block.describe()
                                    + " of " + source.what() + "); keep only the key that belongs to the certificate");
                }
                if (!KEY_TYPES.contains(block.type())) {
                    throw new TlsException(source.prefix() + "the private key is a " + block.type()
                            + " block, which cannot be read here; use an RSA or EC key as PKCS#8 (PRIVATE KEY),"
                            + " PKCS#1 (RSA PRIVATE KEY) or SEC1 (EC PRIVATE KEY)");
                }
                key = PemText.decode(block, source.what());
                keySource = source;
                keyBlock = block;
            } else if (!block.type().equals(EC_PARAMETERS)) {
                findings.add(new Finding(Severity.WARNING, "ignored " + block.describe() + " in " + source.what()
                        + ": it is neither a private key nor a certificate"));
            }
        }
    }

    private static X509Certificate certificate(Object decoded, Block block, Source source) throws TlsException {
        X509CertificateHolder holder = decoded instanceof X509TrustedCertificateBlock trusted
                ? trusted.getCertificateHolder()
                : (X509CertificateHolder) decoded;
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new TlsException(source.what() + " is damaged: " + block.describe()
                    + " is not a certificate this Java runtime can read", e);
        }
    }

    /** The certificate whose public key belongs to the private key: the first such, in the order given. */
    private static X509Certificate leaf(PrivateKey key, List<X509Certificate> certificates, String prefix)
            throws TlsException {
        for (X509Certificate certificate : certificates) {
            if (KeyMatch.matches(key, certificate.getPublicKey())) {
                return certificate;
            }
        }
        // name the certificate that looks like the leaf: the one that issued none of the others
        X509Certificate endEntity = certificates.stream()
                .filter(c -> certificates.stream().noneMatch(
                        other -> other != c && other.getIssuerX500Principal().equals(c.getSubjectX500Principal())))
                .findFirst().orElse(certificates.get(0));
        throw new TlsException(prefix + "the private key does not match the certificate "
                + Certificates.subject(endEntity) + (certificates.size() > 1 ? " (nor any other in the chain)" : "")
                + "; put the key and the certificate issued for it together");
    }

    /**
     * The key as the JDK's own providers make it (SunEC, SunRsaSign). A JCA provider registered in the server
     * (WildFly has BouncyCastle's) may otherwise answer the look-up with a key whose algorithm is "ECDSA", which
     * SunJSSE will not use for TLS ("No available authentication scheme").
     */
    private static PrivateKey standard(PrivateKey key, String prefix) throws TlsException {
        boolean ec = key instanceof ECKey || "ECDSA".equalsIgnoreCase(key.getAlgorithm())
                || "EC".equalsIgnoreCase(key.getAlgorithm());
        try {
            KeyFactory factory = ec
                    ? KeyFactory.getInstance("EC", "SunEC")
                    : KeyFactory.getInstance("RSA", "SunRsaSign");
            return factory.generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new TlsException(prefix + "the private key cannot be used: " + e.getMessage()
                    + "; use an RSA key or an EC key on a named curve (e.g. P-256)", e);
        }
    }

    private static PrivateKey privateKey(Object decoded, char[] passphrase, String prefix) throws TlsException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter(); // made standard afterwards
        PrivateKey key;
        try {
            if (decoded instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else if (decoded instanceof PEMKeyPair pair) {
                key = converter.getPrivateKey(pair.getPrivateKeyInfo());
            } else if (decoded instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                key = converter.getPrivateKey(decrypt(encrypted, passphrase, prefix));
            } else if (decoded instanceof PEMEncryptedKeyPair encrypted) {
                key = converter.getPrivateKey(decrypt(encrypted, passphrase, prefix).getPrivateKeyInfo());
            } else {
                throw new TlsException(prefix + "the private key block holds no private key");
            }
        } catch (PEMException e) {
            throw new TlsException(prefix + "the private key cannot be used: its algorithm or curve is not"
                    + " supported by this Java runtime; use an RSA key or an EC key on a named curve (e.g. P-256)", e);
        }
        if (!KeyMatch.supported(key)) {
            throw new TlsException(prefix + "the private key is of type " + key.getAlgorithm()
                    + ", which the gateway does not serve; use an RSA or EC key");
        }
        return standard(key, prefix);
    }

    private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo encrypted, char[] passphrase, String prefix)
            throws TlsException {
        requirePassphrase(passphrase, prefix);
        try {
            return encrypted.decryptPrivateKeyInfo(
                    new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BouncyCastle.PROVIDER).build(passphrase));
        } catch (OperatorCreationException e) {
            throw new TlsException(prefix + "the private key is encrypted with an algorithm that cannot be used"
                    + " here; re-encrypt it with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key-new.pem",
                    e);
        } catch (PKCSException | RuntimeException e) {
            throw wrongPassphrase(prefix, e);
        }
    }

    private static PEMKeyPair decrypt(PEMEncryptedKeyPair encrypted, char[] passphrase, String prefix)
            throws TlsException {
        requirePassphrase(passphrase, prefix);
        try {
            return encrypted.decryptKeyPair(
                    new JcePEMDecryptorProviderBuilder().setProvider(BouncyCastle.PROVIDER).build(passphrase));
        } catch (IOException | RuntimeException e) {
            throw wrongPassphrase(prefix, e);
        }
    }

    private static void requirePassphrase(char[] passphrase, String prefix) throws TlsException {
        if (passphrase == null || passphrase.length == 0) {
            throw TlsException.passphrase(prefix + "the private key is encrypted and no passphrase was given", null);
        }
    }

    private static TlsException wrongPassphrase(String prefix, Exception cause) {
        // a wrong passphrase shows as bad padding or as garbage that is not a key; both mean the same to an operator
        return TlsException.passphrase(prefix + "the private key could not be decrypted: wrong passphrase", cause);
    }
}
