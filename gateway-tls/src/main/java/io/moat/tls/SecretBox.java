package io.moat.tls;

import io.moat.tls.internal.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts small secrets (private keys, passwords) at rest with AES-256-GCM, under a key kept in a file only its
 * owner may read. A sealed secret reads {@code v1:} + base64(12-byte random IV || ciphertext and tag); the
 * {@code context} (e.g. the id of the certificate the key belongs to) is bound to it as associated data, so that a
 * sealed value copied to another record does not open there.
 */
public final class SecretBox {

    private static final String VERSION = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    private SecretBox(SecretKey key) {
        this.key = key;
    }

    /**
     * The box whose key is in {@code keyFile}: 32 bytes, base64. A missing file is created with a new random key,
     * owner read/write only; a file that does not hold such a key is refused, as every secret sealed with the right
     * one would be lost by replacing it.
     */
    public static SecretBox loadOrCreate(Path keyFile) throws IOException {
        if (!Files.exists(keyFile)) {
            byte[] fresh = new byte[KEY_BYTES];
            RANDOM.nextBytes(fresh);
            try {
                SecureFiles.create(keyFile, Base64.getEncoder().encode(fresh));
                return new SecretBox(new SecretKeySpec(fresh, "AES"));
            } catch (FileAlreadyExistsException e) {
                // created by someone else meanwhile: theirs is the key, read it below
            } finally {
                Arrays.fill(fresh, (byte) 0);
            }
        }
        byte[] stored = Files.readAllBytes(keyFile);
        byte[] raw = null;
        try {
            raw = Base64.getDecoder().decode(new String(stored, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) { // not chained: its message quotes the file's content
            throw new IOException(keyFile + " is not a SecretBox key (not base64); restore the original file:"
                    + " secrets sealed with it cannot be opened without it");
        } finally {
            Arrays.fill(stored, (byte) 0);
        }
        try {
            if (raw.length != KEY_BYTES) {
                throw new IOException(keyFile + " is not a SecretBox key (" + raw.length + " bytes instead of "
                        + KEY_BYTES + "); restore the original file: secrets sealed with it cannot be opened"
                        + " without it");
            }
            return new SecretBox(new SecretKeySpec(raw, "AES"));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** {@code plaintext} sealed, bound to {@code context}. */
    public String seal(byte[] plaintext, String context) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, iv, context);
            ByteBuffer sealed = ByteBuffer.allocate(IV_BYTES + cipher.getOutputSize(plaintext.length));
            sealed.put(iv);
            cipher.doFinal(ByteBuffer.wrap(plaintext), sealed);
            return VERSION + Base64.getEncoder().encodeToString(sealed.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot encrypt with AES-GCM", e);
        }
    }

    /**
     * The plaintext of {@code sealed}. A wrong key, a different context or a changed value is an
     * {@link javax.crypto.AEADBadTagException}; a value that is not a sealed secret at all, a
     * {@link GeneralSecurityException}.
     */
    public byte[] open(String sealed, String context) throws GeneralSecurityException {
        if (!sealed.startsWith(VERSION)) {
            throw new GeneralSecurityException("not a sealed secret: it does not start with '" + VERSION + "'");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not a sealed secret: damaged base64", e);
        }
        if (bytes.length < IV_BYTES + TAG_BITS / 8) {
            throw new GeneralSecurityException("not a sealed secret: too short");
        }
        Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(bytes, IV_BYTES), context);
        return cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES);
    }

    private Cipher cipher(int mode, byte[] iv, String context) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
