package io.moat.tls.internal;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The module's one BouncyCastle provider instance, handed to the builders that need it. It is never registered as a
 * global JCA provider: the rest of the server keeps the JDK's providers. Created on first use.
 */
public final class BouncyCastle {

    public static final Provider PROVIDER = new BouncyCastleProvider();

    private BouncyCastle() {
    }
}
