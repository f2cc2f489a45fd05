package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHashTest {

    @Test
    void hashVerifiesTheRightPasswordOnly() {
        String hash = PasswordHash.hash("correct horse".toCharArray());
        assertThat(hash).startsWith("pbkdf2-sha256$").doesNotContain("correct horse");
        assertThat(PasswordHash.matches("correct horse".toCharArray(), hash)).isTrue();
        assertThat(PasswordHash.matches("correct horsE".toCharArray(), hash)).isFalse();
        assertThat(PasswordHash.matches("".toCharArray(), hash)).isFalse();
    }

    @Test
    void samePasswordHashesDifferentlyEachTime() {
        assertThat(PasswordHash.hash("pw".toCharArray())).isNotEqualTo(PasswordHash.hash("pw".toCharArray()));
    }

    @Test
    void malformedStoredValueNeverMatches() {
        assertThat(PasswordHash.matches("pw".toCharArray(), "plain:pw")).isFalse();
    }

    @Test
    void configuredPasswordComparisonIsExact() {
        assertThat(PasswordHash.equalsConfigured("s3cret".toCharArray(), "s3cret")).isTrue();
        assertThat(PasswordHash.equalsConfigured("s3cret ".toCharArray(), "s3cret")).isFalse();
    }

    @Test
    void generatedPasswordsAreLongAndDiffer() {
        String a = PasswordHash.generate();
        assertThat(a).hasSize(20).matches("[a-zA-Z2-9]+");
        assertThat(PasswordHash.generate()).isNotEqualTo(a);
    }
}
