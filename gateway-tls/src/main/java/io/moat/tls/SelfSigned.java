package io.moat.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * A new self-signed digital ID for first start: RSA 2048, SHA256withRSA, CN=host name, subject alternative names for
 * the host name, localhost and 127.0.0.1, usable as TLS server and client. Clients will not trust it until told to.
 */
public final class SelfSigned {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String LOCALHOST = "localhost";
    private static final String LOOPBACK = "127.0.0.1";

    private SelfSigned() {
    }

    /**
     * Valid from an hour before {@code now} (clients with a slightly slow clock) for {@code validity}. A host name
     * that is an IP address becomes an IP subject alternative name.
     */
    public static DigitalId generate(String hostName, Instant now, Duration validity) {
        if (hostName == null || hostName.isBlank()) {
            throw new IllegalArgumentException("a self-signed digital ID needs a host name");
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, not " + validity);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostName).build();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), name, keys.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false, alternativeNames(hostName))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            return new DigitalId(keys.getPrivate(), List.of(certificate));
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("this Java runtime cannot make an RSA certificate", e);
        }
    }

    private static BigInteger serial() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        BigInteger serial = new BigInteger(1, random);
        return serial.signum() == 0 ? BigInteger.ONE : serial;
    }

    private static GeneralNames alternativeNames(String hostName) {
        List<GeneralName> names = new ArrayList<>();
        names.add(IPAddress.isValid(hostName)
                ? new GeneralName(GeneralName.iPAddress, hostName)
                : new GeneralName(GeneralName.dNSName, hostName));
        if (!hostName.equalsIgnoreCase(LOCALHOST)) {
            names.add(new GeneralName(GeneralName.dNSName, LOCALHOST));
        }
        if (!hostName.equals(LOOPBACK)) {
            names.add(new GeneralName(GeneralName.iPAddress, LOOPBACK));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }
}
