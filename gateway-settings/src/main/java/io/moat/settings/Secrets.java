package io.moat.settings;

import io.moat.tls.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Seals what the gateway must keep but never show (private keys, SMTP passwords, Core API keys) with the key file
 * {@code <data dir>/secret.key}; each sealed value is bound to what it belongs to (its context).
 */
@ApplicationScoped
public class Secrets {

    static final String KEY_FILE = "secret.key";

    @Inject
    GatewaySettings settings;

    private SecretBox box;

    public String seal(String secret, String context) {
        return box().seal(secret.getBytes(StandardCharsets.UTF_8), context);
    }

    public String seal(byte[] secret, String context) {
        return box().seal(secret, context);
    }

    /** @throws IllegalStateException when it cannot be opened: the key file was replaced, or the value moved */
    public byte[] open(String sealed, String context, String what) {
        try {
            return box().open(sealed, context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(what + " cannot be decrypted: was " + KEY_FILE
                    + " in the data directory replaced?", e);
        }
    }

    public String openString(String sealed, String context, String what) {
        return new String(open(sealed, context, what), StandardCharsets.UTF_8);
    }

    private synchronized SecretBox box() {
        if (box == null) {
            try {
                box = SecretBox.loadOrCreate(settings.dataDirectory().resolve(KEY_FILE));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read or create " + KEY_FILE + " in the data directory "
                        + settings.dataDirectory() + ": " + e.getMessage(), e);
            }
        }
        return box;
    }
}
