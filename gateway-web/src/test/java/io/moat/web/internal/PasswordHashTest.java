package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.web.internal.PasswordHash.Verification;
import org.junit.jupiter.api.Test;

class PasswordHashTest {

    /** Fewer iterations than in production: these tests are about the format and the logic, not the cost. */
    private final PasswordHash hashes = new PasswordHash(1_000);

    @Test
    void hashVerifiesTheRightPasswordOnly() {
        String hash = hashes.hash("correct horse".toCharArray());
        assertThat(hash).startsWith("pbkdf2-sha256$1000$").doesNotContain("correct horse");
        assertThat(hashes.verify("correct horse".toCharArray(), hash)).isEqualTo(Verification.MATCH);
        assertThat(hashes.verify("correct horsE".toCharArray(), hash)).isEqualTo(Verification.NO_MATCH);
        assertThat(hashes.verify("".toCharArray(), hash)).isEqualTo(Verification.NO_MATCH);
    }

    @Test
    void productionHashesHaveTheIterationsOwaspAsksForAndStillVerify() {
        PasswordHash production = new PasswordHash();
        assertThat(PasswordHash.ITERATIONS).isGreaterThanOrEqualTo(600_000);
        String hash = production.hash("pw".toCharArray());
        assertThat(hash).startsWith("pbkdf2-sha256$600000$");
        assertThat(production.verify("pw".toCharArray(), hash)).isEqualTo(Verification.MATCH);
    }

    @Test
    void aHashWithFewerIterationsStillVerifiesAndSaysItIsOutdated() {
        String old = new PasswordHash(500).hash("pw".toCharArray()); // as Moat stored 120,000 before
        assertThat(hashes.verify("pw".toCharArray(), old)).isEqualTo(Verification.MATCH_OUTDATED);
        assertThat(hashes.verify("wrong".toCharArray(), old)).isEqualTo(Verification.NO_MATCH);
        assertThat(Verification.MATCH_OUTDATED.matches()).isTrue();
    }

    @Test
    void everyVerificationDerivesExactlyOnceEvenWithNothingValidStored() {
        String hash = hashes.hash("pw".toCharArray());
        long before = hashes.derivations();
        hashes.verify("pw".toCharArray(), hash);
        hashes.verify("wrong".toCharArray(), hash);
        hashes.verify("pw".toCharArray(), "plain:pw");
        hashes.verify("pw".toCharArray(), "pbkdf2-sha256$999999999$AAAA$AAAA");
        hashes.verify("pw".toCharArray(), null);
        assertThat(hashes.verifyNobody("pw".toCharArray())).isEqualTo(Verification.NO_MATCH);
        assertThat(hashes.derivations() - before).isEqualTo(6);
    }

    @Test
    void malformedStoredValuesNeverMatch() {
        assertThat(hashes.verify("pw".toCharArray(), "plain:pw")).isEqualTo(Verification.NO_MATCH);
        assertThat(hashes.verify("pw".toCharArray(), "pbkdf2-sha256$x$AAAA$AAAA")).isEqualTo(Verification.NO_MATCH);
        assertThat(hashes.verify("pw".toCharArray(), "pbkdf2-sha256$1000$!!$AAAA")).isEqualTo(Verification.NO_MATCH);
    }

    @Test
    void samePasswordHashesDifferentlyEachTime() {
        assertThat(hashes.hash("pw".toCharArray())).isNotEqualTo(hashes.hash("pw".toCharArray()));
    }

    @Test
    void generatedPasswordsAreLongAndDiffer() {
        String a = PasswordHash.generate();
        assertThat(a).hasSize(20).matches("[a-zA-Z2-9]+");
        assertThat(PasswordHash.generate()).isNotEqualTo(a);
    }
}
