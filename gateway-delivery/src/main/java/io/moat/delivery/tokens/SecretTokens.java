package io.moat.delivery.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Secret tokens: of rescan links, and of Core's callbacks. A token is {@value #TOKEN_BYTES} bytes from {@link SecureRandom} (256 bits: no one
 * guesses one, however many links exist or requests are made), written base64url without padding (RFC 4648 section
 * 5: safe in a URL's query and in a mail, {@value #TOKEN_LENGTH} characters). Only its SHA-256 is stored: a token has
 * all the entropy a hash needs, so no salt or slow hash is wanted, and a copy of the database opens no message and forges no callback. A
 * string that is not a token's shape is refused before any look-up.
 */
public final class SecretTokens {

    static final int TOKEN_BYTES = 32;
    static final int TOKEN_LENGTH = 43;
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{" + TOKEN_LENGTH + "}");

    private final SecureRandom random;

    public SecretTokens(SecureRandom random) {
        this.random = random;
    }

    /** A new token, the value to give out and the hash to store. */
    public Token next() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return new Token(value, sha256(value));
    }

    /** The hash {@code token} is stored under (hex); empty for a string that cannot be one of ours. */
    public static Optional<String> hashOf(String token) {
        if (token == null || !SHAPE.matcher(token).matches()) {
            return Optional.empty();
        }
        return Optional.of(sha256(token));
    }

    /** Whether two hashes are equal, in a time that does not depend on where they differ. */
    public static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** A token as given out ({@code value}) and as stored ({@code hash}); its text never shows the value. */
    public record Token(String value, String hash) {

        @Override
        public String toString() {
            return "Token[hash=" + hash + "]";
        }
    }
}
