package io.moat.tls.internal;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Whether a private key belongs to a public key, by arithmetic rather than a trial signature: the RSA modulus (and
 * public exponent) must be equal; for EC the private scalar times the generator must be the public point.
 */
public final class KeyMatch {

    private KeyMatch() {
    }

    /** RSA and EC keys are what the gateway serves and {@link #matches} understands. */
    public static boolean supported(PrivateKey key) {
        return key instanceof RSAPrivateKey || key instanceof ECPrivateKey;
    }

    public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        if (privateKey instanceof RSAPrivateKey rsa && publicKey instanceof RSAPublicKey rsaPublic) {
            return rsa.getModulus().equals(rsaPublic.getModulus()) && (!(rsa instanceof RSAPrivateCrtKey crt)
                    || crt.getPublicExponent().equals(rsaPublic.getPublicExponent()));
        }
        if (privateKey instanceof ECPrivateKey ec && publicKey instanceof ECPublicKey ecPublic) {
            return matches(ec, ecPublic);
        }
        return false;
    }

    private static boolean matches(ECPrivateKey privateKey, ECPublicKey publicKey) {
        ECParameterSpec params = privateKey.getParams();
        ECParameterSpec publicParams = publicKey.getParams();
        if (!params.getCurve().equals(publicParams.getCurve())
                || !params.getGenerator().equals(publicParams.getGenerator())
                || !params.getOrder().equals(publicParams.getOrder())) {
            return false;
        }
        ECCurve curve = EC5Util.convertCurve(params.getCurve());
        ECPoint q = EC5Util.convertPoint(curve, params.getGenerator()).multiply(privateKey.getS()).normalize();
        return !q.isInfinity() && q.getAffineXCoord().toBigInteger().equals(publicKey.getW().getAffineX())
                && q.getAffineYCoord().toBigInteger().equals(publicKey.getW().getAffineY());
    }
}
