package io.moat.web.internal;

import io.moat.web.internal.Accounts.Account;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Passwords found right a moment ago, so that an integrator polling the REST API with HTTP Basic costs a PBKDF2
 * derivation (0.2 to 0.5 s of a core at 600,000 iterations) once per {@code ttl}, not once per request.
 *
 * <p>An entry is an HMAC-SHA256 of the user name, the account's current hash and the password, under a random key
 * made when this object is and kept only in memory; its value is when it expires. The password itself is never
 * kept. A wrong password gives another HMAC and misses; so does the right one once the account's hash has changed
 * (a new password, or the hash renewed). At most {@value #MAX_ENTRIES} entries: only right passwords are entered,
 * and there are two accounts.
 */
public final class RecentVerifications {

    static final int MAX_ENTRIES = 64;
    private static final String HMAC = "HmacSHA256";

    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final SecretKeySpec key;
    private final Map<String, Long> expiries = new ConcurrentHashMap<>();

    /** Remembers for {@code ttl}; zero remembers nothing. */
    public RecentVerifications(Duration ttl) {
        this(ttl, System::nanoTime);
    }

    RecentVerifications(Duration ttl, LongSupplier nanoTime) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("a negative time to remember: " + ttl);
        }
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, HMAC);
    }

    /** Whether {@code password} was found right for this account (as it is now) within the time to remember. */
    public boolean contains(Account account, char[] password) {
        if (ttlNanos == 0) {
            return false;
        }
        String entry = entry(account, password);
        Long expiry = expiries.get(entry);
        if (expiry == null) {
            return false;
        }
        if (nanoTime.getAsLong() - expiry >= 0) {
            expiries.remove(entry, expiry);
            return false;
        }
        return true;
    }

    /** Remembers that {@code password} is right for this account, for the time to remember from now. */
    public void remember(Account account, char[] password) {
        if (ttlNanos == 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (expiries.size() >= MAX_ENTRIES) {
            expiries.values().removeIf(expiry -> now - expiry >= 0);
            if (expiries.size() >= MAX_ENTRIES) {
                expiries.clear();
            }
        }
        expiries.put(entry(account, password), now + ttlNanos);
    }

    int size() {
        return expiries.size();
    }

    private String entry(Account account, char[] password) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            update(mac, StandardCharsets.UTF_8.encode(account.name()));
            update(mac, StandardCharsets.UTF_8.encode(account.hash()));
            ByteBuffer secret = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            update(mac, secret);
            if (secret.hasArray()) {
                Arrays.fill(secret.array(), (byte) 0);
            }
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /** Length first: no two different (name, hash, password) triples feed the same bytes. */
    private static void update(Mac mac, ByteBuffer bytes) {
        mac.update(ByteBuffer.allocate(4).putInt(bytes.remaining()).flip());
        mac.update(bytes);
    }
}
