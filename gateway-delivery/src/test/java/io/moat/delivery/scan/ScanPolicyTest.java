package io.moat.delivery.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.core.VerdictCategory;
import io.moat.delivery.scan.ScanPolicy.Decision;
import io.moat.delivery.scan.ScanPolicy.Result;
import io.moat.delivery.scan.ScanPolicy.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ScanPolicyTest {

    private static Verdict verdict(String name, VerdictCategory category) {
        return new Verdict(name, category, category.name().toLowerCase());
    }

    @Test
    void anEmptyMessageIsDeliveredAndSaysItHadNothingToScanNotThatItIsClean() {
        Result result = ScanPolicy.decide(List.of());
        assertThat(result.decision()).isEqualTo(Decision.DELIVER);
        assertThat(result.summary()).isEqualTo("nothing to scan; the message is empty");
    }

    @Test
    void oneCleanPartIsDeliveredWithSingularSummary() {
        Result result = ScanPolicy.decide(List.of(new Verdict("a.pdf", VerdictCategory.CLEAN, "No threat")));
        assertThat(result.decision()).isEqualTo(Decision.DELIVER);
        assertThat(result.summary()).isEqualTo("clean; 1 part scanned");
    }

    @Test
    void allCleanAttachmentsAreDeliveredWithTheirCount() {
        Result result = ScanPolicy.decide(List.of(verdict("a.pdf", VerdictCategory.CLEAN),
                verdict("b.doc", VerdictCategory.CLEAN), verdict("c.zip", VerdictCategory.CLEAN)));
        assertThat(result.decision()).isEqualTo(Decision.DELIVER);
        assertThat(result.summary()).isEqualTo("clean; 3 parts scanned");
    }

    @ParameterizedTest
    @EnumSource(value = VerdictCategory.class, names = {"INFECTED", "SUSPICIOUS"})
    void aThreatBlocksWhateverTheOtherVerdictsAre(VerdictCategory threat) {
        List<Verdict> verdicts = List.of(verdict("locked.zip", VerdictCategory.PASSWORD_REQUIRED),
                verdict("broken.bin", VerdictCategory.FAILED), verdict("later.doc", VerdictCategory.PENDING),
                verdict("fine.txt", VerdictCategory.CLEAN), new Verdict("evil.exe", threat, "Bad.Thing"));
        Result result = ScanPolicy.decide(verdicts);
        assertThat(result.decision()).isEqualTo(Decision.BLOCK);
        assertThat(result.summary()).isEqualTo("blocked: evil.exe (Bad.Thing)");
    }

    @Test
    void contentThatCouldNotBeInspectedIsQuarantinedNeverDelivered() {
        Result result = ScanPolicy.decide(List.of(verdict("fine.txt", VerdictCategory.CLEAN),
                verdict("locked.zip", VerdictCategory.PASSWORD_REQUIRED),
                verdict("broken.bin", VerdictCategory.FAILED),
                new Verdict("(message structure)", VerdictCategory.UNINSPECTED,
                        "could not be fully inspected: more than 1000 MIME parts")));
        assertThat(result.decision()).isEqualTo(Decision.QUARANTINE);
        assertThat(result.summary())
                .isEqualTo("quarantined: could not be fully inspected: more than 1000 MIME parts");
    }

    @Test
    void aThreatFoundBesideUninspectedContentStillBlocks() {
        Result result = ScanPolicy.decide(List.of(new Verdict("(message structure)", VerdictCategory.UNINSPECTED,
                "could not be fully inspected: MIME nesting deeper than 20 levels"),
                new Verdict("eicar.com", VerdictCategory.INFECTED, "Infected")));
        assertThat(result.decision()).isEqualTo(Decision.BLOCK);
        assertThat(result.summary()).isEqualTo("blocked: eicar.com (Infected)");
    }

    @ParameterizedTest
    @EnumSource(value = VerdictCategory.class, names = {"INFECTED", "SUSPICIOUS"})
    void aThreatBlocksWhenItComesFirstToo(VerdictCategory threat) {
        Result result = ScanPolicy.decide(List.of(new Verdict("evil.exe", threat, "Bad.Thing"),
                verdict("locked.zip", VerdictCategory.PASSWORD_REQUIRED)));
        assertThat(result.decision()).isEqualTo(Decision.BLOCK);
    }

    @Test
    void everyThreatIsNamedInTheSummary() {
        Result result = ScanPolicy.decide(List.of(new Verdict("a.exe", VerdictCategory.INFECTED, "EICAR"),
                verdict("ok.txt", VerdictCategory.CLEAN), new Verdict("b.js", VerdictCategory.SUSPICIOUS, "Odd")));
        assertThat(result.decision()).isEqualTo(Decision.BLOCK);
        assertThat(result.summary()).isEqualTo("blocked: a.exe (EICAR), b.js (Odd)");
    }

    @Test
    void passwordProtectedWithoutThreatsIsHeldForAPassword() {
        Result result = ScanPolicy.decide(List.of(verdict("ok.txt", VerdictCategory.CLEAN),
                new Verdict("locked.zip", VerdictCategory.PASSWORD_REQUIRED, "Encrypted archive"),
                verdict("broken.bin", VerdictCategory.FAILED)));
        assertThat(result.decision()).isEqualTo(Decision.HOLD_FOR_PASSWORD);
        assertThat(result.summary()).isEqualTo("password required: locked.zip (Encrypted archive)");
    }

    @ParameterizedTest
    @EnumSource(value = VerdictCategory.class, names = {"FAILED", "PENDING"})
    void anUnfinishedScanIsScannedAgainNeverDelivered(VerdictCategory unfinished) {
        Result result = ScanPolicy.decide(List.of(verdict("ok.txt", VerdictCategory.CLEAN),
                new Verdict("x.bin", unfinished, "Scan failed")));
        assertThat(result.decision()).isEqualTo(Decision.RESCAN);
        assertThat(result.summary()).isEqualTo("scan failed: x.bin (Scan failed)");
    }

    @Test
    void onlyUnfinishedScansAreStillNotDelivered() {
        Result result = ScanPolicy.decide(List.of(verdict("x.bin", VerdictCategory.FAILED),
                verdict("y.bin", VerdictCategory.PENDING)));
        assertThat(result.decision()).isEqualTo(Decision.RESCAN);
        assertThat(result.summary()).contains("x.bin").contains("y.bin");
    }

    @Test
    void onlyAllCleanDelivers() {
        for (VerdictCategory other : VerdictCategory.values()) {
            if (other == VerdictCategory.CLEAN) {
                continue;
            }
            List<Verdict> verdicts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                verdicts.add(verdict("clean" + i, VerdictCategory.CLEAN));
            }
            verdicts.add(verdict("odd", other));
            assertThat(ScanPolicy.decide(verdicts).decision()).as("clean files and one %s", other)
                    .isNotEqualTo(Decision.DELIVER);
        }
    }

    @Test
    void lineBreaksInFileNamesCannotReachAHeader() {
        Result result = ScanPolicy.decide(List.of(new Verdict("evil\r\nBcc: victim@example.com\r\n.exe",
                VerdictCategory.INFECTED, "Trojan\nX-Injected: yes")));
        assertThat(result.decision()).isEqualTo(Decision.BLOCK);
        assertThat(result.summary()).doesNotContain("\r").doesNotContain("\n")
                .isEqualTo("blocked: evil??Bcc: victim@example.com??.exe (Trojan?X-Injected: yes)");
    }

    @Test
    void nonAsciiAndControlCharactersBecomeQuestionMarks() {
        Result result = ScanPolicy.decide(List.of(new Verdict("Rechnung_M\u00e4rz\t\u20ac.pdf\u0000",
                VerdictCategory.PASSWORD_REQUIRED, "verschl\u00fcsselt")));
        assertThat(result.summary()).isEqualTo("password required: Rechnung_M?rz??.pdf? (verschl?sselt)");
        assertThat(result.summary().chars()).allMatch(c -> c >= 32 && c < 127);
    }

    @Test
    void missingNamesAndLabelsAreShownAsQuestionMarks() {
        Result result = ScanPolicy.decide(List.of(new Verdict(null, VerdictCategory.FAILED, null)));
        assertThat(result.decision()).isEqualTo(Decision.RESCAN);
        assertThat(result.summary()).isEqualTo("scan failed: ? (?)");
    }

    @Test
    void longFileNamesAreShortened() {
        String name = "x".repeat(300) + ".exe";
        Result result = ScanPolicy.decide(List.of(new Verdict(name, VerdictCategory.INFECTED, "EICAR")));
        assertThat(result.summary()).isEqualTo("blocked: " + "x".repeat(100) + "... (EICAR)");
    }
}
