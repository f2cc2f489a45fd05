package io.moat.web.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 password hashes in the form {@code pbkdf2-sha256$iterations$salt$hash} (Base64), 600,000
 * iterations: OWASP's Password Storage Cheat Sheet (2023) for PBKDF2-HMAC-SHA256; 0.2 s a derivation on one core of
 * the machine the suite runs on once the JIT has compiled it, 0.5 s and more before. A hash with fewer iterations
 * (Moat stored 120,000 before) still verifies and says so, so that the caller can store a new one.
 *
 * <p>Every verification derives exactly once, whatever is stored, even nothing: an unknown user name is checked
 * against {@link #verifyNobody a dummy} with the same iteration count, so that the time of an answer does not tell
 * whether the name exists.
 */
public final class PasswordHash {

    /** OWASP Password Storage Cheat Sheet, 2023: PBKDF2-HMAC-SHA256 with 600,000 iterations. */
    public static final int ITERATIONS = 600_000;

    /** What a verification found. */
    public enum Verification {
        /** The password is right and its hash has the current iteration count. */
        MATCH,
        /** The password is right; its hash has fewer iterations than now: store a new one. */
        MATCH_OUTDATED,
        /** Wrong password, or nothing (valid) stored. */
        NO_MATCH;

        public boolean matches() {
            return this != NO_MATCH;
        }
    }

    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final String PREFIX = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    /** No stored hash makes a verification cost more than this (a corrupt setting is no lever to stall sign-ins). */
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] dummySalt = new byte[SALT_BYTES];
    private final LongAdder derivations = new LongAdder();

    /** Hashes with {@link #ITERATIONS}. */
    public PasswordHash() {
        this(ITERATIONS);
    }

    /** Hashes with another iteration count: unit tests, which need not spend 0.2 s per derivation. */
    PasswordHash(int iterations) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations " + iterations + " out of 1.." + MAX_ITERATIONS);
        }
        this.iterations = iterations;
        RANDOM.nextBytes(dummySalt);
    }

    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return PREFIX + "$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(derive(password, salt, iterations));
    }

    /** Checks {@code password} against a stored hash; a malformed one costs a dummy derivation and never matches. */
    public Verification verify(char[] password, String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        int storedIterations;
        byte[] salt;
        byte[] expected;
        try {
            if (parts.length != 4 || !parts[0].equals(PREFIX)) {
                throw new IllegalArgumentException("not a " + PREFIX + " hash");
            }
            storedIterations = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            expected = Base64.getDecoder().decode(parts[3]);
            if (storedIterations < 1 || storedIterations > MAX_ITERATIONS || expected.length == 0) {
                throw new IllegalArgumentException("iterations out of range");
            }
        } catch (IllegalArgumentException e) {
            verifyNobody(password);
            return Verification.NO_MATCH;
        }
        if (!MessageDigest.isEqual(expected, derive(password, salt, storedIterations))) {
            return Verification.NO_MATCH;
        }
        return storedIterations < iterations ? Verification.MATCH_OUTDATED : Verification.MATCH;
    }

    /** The work of a verification, for a user name that has no account: one derivation, never a match. */
    public Verification verifyNobody(char[] password) {
        derive(password, dummySalt, iterations);
        return Verification.NO_MATCH;
    }

    /** How many PBKDF2 derivations this instance has run: what a verification really cost. */
    public long derivations() {
        return derivations.sum();
    }

    /** A random password of 20 characters from an unambiguous alphabet. */
    public static String generate() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    private byte[] derive(char[] password, byte[] salt, int rounds) {
        derivations.increment();
        try {
            return SecretKeyFactory.getInstance(ALGORITHM)
                    .generateSecret(new PBEKeySpec(password, salt, rounds, HASH_BITS)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 is not available in this JVM", e);
        }
    }
}
