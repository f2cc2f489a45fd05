package io.moat.tls;

import io.moat.tls.internal.BouncyCastle;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptor;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.encoders.Hex;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Keys, certificates and PEM texts for the tests, all made here with BouncyCastle. Keys are generated once per test
 * run (RSA 2048 takes a while) and shared.
 */
final class Fixtures {

    private static final AtomicLong SERIAL = new AtomicLong(1000);

    static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

    static final KeyPair ROOT_KEYS = ec();
    static final KeyPair INTERMEDIATE_KEYS = ec();
    static final KeyPair RSA_KEYS = rsa();
    static final KeyPair OTHER_RSA_KEYS = rsa();
    static final KeyPair EC_KEYS = ec();

    static final X509Certificate ROOT = ca("Moat Test Root", ROOT_KEYS.getPublic(), "Moat Test Root", ROOT_KEYS);
    static final X509Certificate INTERMEDIATE = ca("Moat Test Intermediate", INTERMEDIATE_KEYS.getPublic(),
            "Moat Test Root", ROOT_KEYS);
    /** RSA leaf issued by the intermediate, for mail.example.com and localhost. */
    static final X509Certificate LEAF = leaf("mail.example.com", RSA_KEYS.getPublic(), NOW.minus(Duration.ofDays(10)),
            NOW.plus(Duration.ofDays(300)), "mail.example.com", "localhost");
    /** EC leaf issued by the intermediate. */
    static final X509Certificate EC_LEAF = leaf("ec.example.com", EC_KEYS.getPublic(), NOW.minus(Duration.ofDays(10)),
            NOW.plus(Duration.ofDays(300)), "ec.example.com", "localhost");

    private Fixtures() {
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate ca(String cn, PublicKey key, String issuerCn, KeyPair issuerKeys) {
        return certificate(cn, key, issuerCn, issuerKeys.getPrivate(), NOW.minus(Duration.ofDays(1000)),
                NOW.plus(Duration.ofDays(3000)), true, List.of(), null);
    }

    /** A leaf issued by {@link #INTERMEDIATE}, with these DNS names. */
    static X509Certificate leaf(String cn, PublicKey key, Instant notBefore, Instant notAfter, String... dnsNames) {
        return certificate(cn, key, "Moat Test Intermediate", INTERMEDIATE_KEYS.getPrivate(), notBefore, notAfter,
                false, List.of(dnsNames), KeyPurposeId.id_kp_serverAuth);
    }

    /** A self-signed leaf. */
    static X509Certificate selfSigned(String cn, KeyPair keys, String... dnsNames) {
        return certificate(cn, keys.getPublic(), cn, keys.getPrivate(), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(100)), false, List.of(dnsNames), KeyPurposeId.id_kp_serverAuth);
    }

    static X509Certificate certificate(String cn, PublicKey key, String issuerCn, PrivateKey issuerKey,
            Instant notBefore, Instant notAfter, boolean ca, List<String> dnsNames, KeyPurposeId purpose) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuerCn),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    new X500Name("CN=" + cn), key);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            }
            if (!dnsNames.isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                dnsNames.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            if (purpose != null) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            String algorithm = issuerKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Objects as PEM, by BouncyCastle's writer. */
    static String pem(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    static String pkcs8(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Like {@code openssl pkcs8 -topk8 -v2 aes-256-cbc}: PBES2, AES-256-CBC, PBKDF2 with HMAC-SHA256. */
    static String encryptedPkcs8(PrivateKey key, String passphrase) {
        try {
            return pem(new JcaPKCS8Generator(key,
                    new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                            .setPRF(PKCS8Generator.PRF_HMACSHA256)
                            .setIterationCount(2048).setProvider(BouncyCastle.PROVIDER)
                            .setPassword(passphrase.toCharArray()).build())
                    .generate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The key as openssl's legacy commands write it: PKCS#1 "RSA PRIVATE KEY", or SEC1 "EC PRIVATE KEY" naming its
     * curve (BouncyCastle's own writer leaves the curve out of SEC1 for keys coming from the JDK).
     */
    static String legacy(PrivateKey key) {
        PemObject block = legacyBlock(key);
        return pem(block);
    }

    /** PKCS#1 / SEC1 with "Proc-Type: 4,ENCRYPTED" headers, as {@code openssl rsa -aes256} writes. */
    static String legacyEncrypted(PrivateKey key, String passphrase) {
        PemObject plain = legacyBlock(key);
        PEMEncryptor encryptor = new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(BouncyCastle.PROVIDER)
                .build(passphrase.toCharArray());
        try {
            byte[] encrypted = encryptor.encrypt(plain.getContent());
            return pem(new PemObject(plain.getType(), List.of(new PemHeader("Proc-Type", "4,ENCRYPTED"),
                    new PemHeader("DEK-Info", encryptor.getAlgorithm() + "," + Hex.toHexString(encryptor.getIV())
                            .toUpperCase(Locale.ROOT))),
                    encrypted));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PemObject legacyBlock(PrivateKey key) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            if (key.getAlgorithm().equals("RSA")) {
                return new PemObject("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
            }
            ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
            ASN1Primitive curve = info.getPrivateKeyAlgorithm().getParameters().toASN1Primitive();
            int bits = ((java.security.interfaces.ECPrivateKey) key).getParams().getOrder().bitLength();
            return new PemObject("EC PRIVATE KEY",
                    new ECPrivateKey(bits, inner.getKey(), inner.getPublicKey(), curve).getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The "EC PARAMETERS" block {@code openssl ecparam -genkey} writes before the key. */
    static String ecParameters() {
        try {
            return pem(new PemObject("EC PARAMETERS", SECObjectIdentifiers.secp256r1.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String certificates(X509Certificate... certificates) {
        return pem((Object[]) certificates);
    }
}
