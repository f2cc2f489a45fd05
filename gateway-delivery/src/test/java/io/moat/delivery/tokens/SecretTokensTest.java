package io.moat.delivery.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretTokensTest {

    private final SecretTokens tokens = new SecretTokens(new SecureRandom());

    @Test
    void aTokenIs256RandomBitsWrittenAs43Base64urlCharacters() {
        Set<String> seen = new HashSet<>();
        long ones = 0;
        int count = 2000;
        for (int i = 0; i < count; i++) {
            String value = tokens.next().value();
            assertThat(value).hasSize(43).matches("[A-Za-z0-9_-]{43}");
            byte[] bytes = Base64.getUrlDecoder().decode(value);
            assertThat(bytes).hasSize(32);
            for (byte b : bytes) {
                ones += Integer.bitCount(b & 0xff);
            }
            seen.add(value);
        }
        assertThat(seen).as("no token twice").hasSize(count);
        // 512,000 bits from SecureRandom: half of them set, within far more than six standard deviations (0.0007)
        assertThat(ones / (count * 256.0)).isBetween(0.49, 0.51);
    }

    @Test
    void onlyTheTokensSha256IsKeptAndItsTextNeverShowsTheToken() {
        SecretTokens.Token token = tokens.next();

        assertThat(token.hash()).matches("[0-9a-f]{64}").doesNotContain(token.value());
        assertThat(SecretTokens.hashOf(token.value())).contains(token.hash());
        // the SHA-256 of the token's characters (sha256sum of 43 'A's)
        assertThat(SecretTokens.hashOf("A".repeat(43)))
                .contains("0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a");
        assertThat(token.toString()).doesNotContain(token.value()).contains(token.hash());
        assertThat(tokens.next().hash()).isNotEqualTo(token.hash());
    }

    @Test
    void aStringThatCannotBeATokenIsRefusedBeforeAnyLookUp() {
        assertThat(SecretTokens.hashOf(null)).isEmpty();
        assertThat(SecretTokens.hashOf("")).isEmpty();
        assertThat(SecretTokens.hashOf("A".repeat(42))).isEmpty();
        assertThat(SecretTokens.hashOf("A".repeat(44))).isEmpty();
        assertThat(SecretTokens.hashOf("A".repeat(42) + "+")).as("base64, not base64url").isEmpty();
        assertThat(SecretTokens.hashOf("A".repeat(42) + "=")).isEmpty();
        assertThat(SecretTokens.hashOf("A".repeat(42) + "\n")).isEmpty();
        assertThat(SecretTokens.hashOf("A".repeat(43))).isPresent();
    }

    @Test
    void hashesAreComparedWholly() {
        String hash = tokens.next().hash();
        assertThat(SecretTokens.sameHash(hash, new String(hash))).isTrue();
        assertThat(SecretTokens.sameHash(hash, hash.substring(0, 63) + (hash.endsWith("0") ? "1" : "0"))).isFalse();
        assertThat(SecretTokens.sameHash(hash, hash.substring(0, 32))).isFalse();
    }
}
