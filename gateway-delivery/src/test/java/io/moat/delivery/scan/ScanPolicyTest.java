package io.moat.delivery.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.core.VerdictCategory;
import io.moat.delivery.scan.ScanPolicy.Action;
import io.moat.delivery.scan.ScanPolicy.Result;
import io.moat.delivery.scan.ScanPolicy.Verdict;
import io.moat.settings.rules.SecurityRule.Blocked;
import io.moat.settings.rules.SecurityRule.Encrypted;
import io.moat.settings.rules.SecurityRule.Outcome;
import io.moat.settings.rules.SecurityRules;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ScanPolicyTest {

    /** The default rule: what the gateway did before rules (quarantine, hold for a password, retry). */
    private static final SecurityRules.Applied DEFAULT = SecurityRules.Applied.standIn("default");

    private static Result decide(List<Verdict> verdicts) {
        return ScanPolicy.decide(verdicts, DEFAULT);
    }

    /** The decision in the words of the policy before rules, which the default rule keeps. */
    private static String decision(Result r) {
        return switch (r.action()) {
            case QUARANTINE -> r.outcome() == Outcome.BLOCKED ? "BLOCK" : "QUARANTINE";
            default -> r.action().name();
        };
    }

    private static SecurityRules.Applied rule(Blocked blocked, Encrypted encrypted) {
        SecurityRules.Applied d = DEFAULT;
        return new SecurityRules.Applied("r1", "partners", d.direction(), null, null, null, true, blocked, encrypted,
                d.scanError(), null, d.marks(), d.cdr());
    }

    @Test
    void deletingBlockedContentCutsOutEachThreatsEntityAndDeliversTheRest() {
        Result result = ScanPolicy.decide(List.of(new Verdict("ok.pdf", VerdictCategory.CLEAN, "No threat", 100L, 200L),
                new Verdict("evil.exe", VerdictCategory.INFECTED, "EICAR", 200L, 350L)),
                rule(Blocked.DELETE_CONTENT, Encrypted.QUARANTINE));
        assertThat(result.action()).isEqualTo(Action.DELETE_CONTENT);
        assertThat(result.outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(result.removals()).singleElement().satisfies(r -> {
            assertThat(r.start()).isEqualTo(200L);
            assertThat(r.end()).isEqualTo(350L);
            assertThat(r.text()).contains("evil.exe").contains("EICAR").contains("partners");
        });
        assertThat(result.summary()).isEqualTo("removed: evil.exe (EICAR)");
    }

    @Test
    void aThreatThatCannotBeLocatedIsQuarantinedEvenWhenTheRuleDeletesContent() {
        Result result = ScanPolicy.decide(List.of(new Verdict("(message structure)", VerdictCategory.SUSPICIOUS,
                "ambiguous MIME structure")), rule(Blocked.DELETE_CONTENT, Encrypted.QUARANTINE));
        assertThat(result.action()).isEqualTo(Action.QUARANTINE);
        assertThat(result.outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(result.removals()).isEmpty();
    }

    @Test
    void uninspectedContentIsQuarantinedWhateverTheRuleDoesWithThreats() {
        Result result = ScanPolicy.decide(List.of(new Verdict("evil.exe", VerdictCategory.INFECTED, "EICAR", 1L, 9L),
                new Verdict("(message structure)", VerdictCategory.UNINSPECTED, "more than 1000 MIME parts")),
                rule(Blocked.DELIVER_TAGGED, Encrypted.DELIVER_TAGGED));
        assertThat(result.outcome()).isEqualTo(Outcome.UNINSPECTED);
        assertThat(result.action()).isEqualTo(Action.QUARANTINE);
    }

    @Test
    void aRuleThatDeliversThreatsTaggedStillRetriesAFailedScan() {
        SecurityRules.Applied tagged = rule(Blocked.DELIVER_TAGGED, Encrypted.QUARANTINE);
        Result delivered = ScanPolicy.decide(List.of(verdict("evil.exe", VerdictCategory.INFECTED)), tagged);
        assertThat(delivered.action()).isEqualTo(Action.DELIVER_TAGGED);
        assertThat(delivered.outcome()).isEqualTo(Outcome.BLOCKED);
        Result failed = ScanPolicy.decide(List.of(verdict("evil.exe", VerdictCategory.INFECTED),
                verdict("x.bin", VerdictCategory.FAILED)), tagged);
        assertThat(failed.action()).isEqualTo(Action.RESCAN);
    }

    @Test
    void encryptedContentIsBlockedOrDeliveredTaggedAsTheRuleSays() {
        List<Verdict> locked = List.of(verdict("ok.txt", VerdictCategory.CLEAN),
                new Verdict("locked.zip", VerdictCategory.PASSWORD_REQUIRED, "Encrypted archive"));
        Result blocked = ScanPolicy.decide(locked, rule(Blocked.QUARANTINE, Encrypted.BLOCK));
        assertThat(blocked.action()).isEqualTo(Action.BLOCK);
        assertThat(blocked.outcome()).isEqualTo(Outcome.ENCRYPTED);
        Result tagged = ScanPolicy.decide(locked, rule(Blocked.QUARANTINE, Encrypted.DELIVER_TAGGED));
        assertThat(tagged.action()).isEqualTo(Action.DELIVER_TAGGED);
        assertThat(tagged.outcome()).isEqualTo(Outcome.ENCRYPTED);
        assertThat(tagged.action().delivers()).isTrue();
    }

    @Test
    void bodiesTheRuleDidNotScanAreNotCountedAsScanned() {
        Result result = decide(List.of(verdict("body.txt", VerdictCategory.SKIPPED),
                verdict("a.pdf", VerdictCategory.CLEAN)));
        assertThat(result.action()).isEqualTo(Action.DELIVER);
        assertThat(result.summary())
                .isEqualTo("clean; 1 part scanned, 1 text body not scanned (the rule scans attachments only)");
    }

    private static Verdict verdict(String name, VerdictCategory category) {
        return new Verdict(name, category, category.name().toLowerCase());
    }

    @Test
    void anEmptyMessageIsDeliveredAndSaysItHadNothingToScanNotThatItIsClean() {
        Result result = decide(List.of());
        assertThat(decision(result)).isEqualTo("DELIVER");
        assertThat(result.summary()).isEqualTo("nothing to scan; the message is empty");
    }

    @Test
    void oneCleanPartIsDeliveredWithSingularSummary() {
        Result result = decide(List.of(new Verdict("a.pdf", VerdictCategory.CLEAN, "No threat")));
        assertThat(decision(result)).isEqualTo("DELIVER");
        assertThat(result.summary()).isEqualTo("clean; 1 part scanned");
    }

    @Test
    void allCleanAttachmentsAreDeliveredWithTheirCount() {
        Result result = decide(List.of(verdict("a.pdf", VerdictCategory.CLEAN),
                verdict("b.doc", VerdictCategory.CLEAN), verdict("c.zip", VerdictCategory.CLEAN)));
        assertThat(decision(result)).isEqualTo("DELIVER");
        assertThat(result.summary()).isEqualTo("clean; 3 parts scanned");
    }

    @ParameterizedTest
    @EnumSource(value = VerdictCategory.class, names = {"INFECTED", "SUSPICIOUS"})
    void aThreatBlocksWhateverTheOtherVerdictsAre(VerdictCategory threat) {
        List<Verdict> verdicts = List.of(verdict("locked.zip", VerdictCategory.PASSWORD_REQUIRED),
                verdict("broken.bin", VerdictCategory.FAILED), verdict("later.doc", VerdictCategory.PENDING),
                verdict("fine.txt", VerdictCategory.CLEAN), new Verdict("evil.exe", threat, "Bad.Thing"));
        Result result = decide(verdicts);
        assertThat(decision(result)).isEqualTo("BLOCK");
        assertThat(result.summary()).isEqualTo("blocked: evil.exe (Bad.Thing)");
    }

    @Test
    void contentThatCouldNotBeInspectedIsQuarantinedNeverDelivered() {
        Result result = decide(List.of(verdict("fine.txt", VerdictCategory.CLEAN),
                verdict("locked.zip", VerdictCategory.PASSWORD_REQUIRED),
                verdict("broken.bin", VerdictCategory.FAILED),
                new Verdict("(message structure)", VerdictCategory.UNINSPECTED,
                        "could not be fully inspected: more than 1000 MIME parts")));
        assertThat(decision(result)).isEqualTo("QUARANTINE");
        assertThat(result.summary())
                .isEqualTo("quarantined: could not be fully inspected: more than 1000 MIME parts");
    }

    @Test
    void aThreatFoundBesideUninspectedContentStillBlocks() {
        Result result = decide(List.of(new Verdict("(message structure)", VerdictCategory.UNINSPECTED,
                "could not be fully inspected: MIME nesting deeper than 20 levels"),
                new Verdict("eicar.com", VerdictCategory.INFECTED, "Infected")));
        assertThat(decision(result)).isEqualTo("BLOCK");
        assertThat(result.summary()).isEqualTo("blocked: eicar.com (Infected)");
    }

    @ParameterizedTest
    @EnumSource(value = VerdictCategory.class, names = {"INFECTED", "SUSPICIOUS"})
    void aThreatBlocksWhenItComesFirstToo(VerdictCategory threat) {
        Result result = decide(List.of(new Verdict("evil.exe", threat, "Bad.Thing"),
                verdict("locked.zip", VerdictCategory.PASSWORD_REQUIRED)));
        assertThat(decision(result)).isEqualTo("BLOCK");
    }

    @Test
    void everyThreatIsNamedInTheSummary() {
        Result result = decide(List.of(new Verdict("a.exe", VerdictCategory.INFECTED, "EICAR"),
                verdict("ok.txt", VerdictCategory.CLEAN), new Verdict("b.js", VerdictCategory.SUSPICIOUS, "Odd")));
        assertThat(decision(result)).isEqualTo("BLOCK");
        assertThat(result.summary()).isEqualTo("blocked: a.exe (EICAR), b.js (Odd)");
    }

    @Test
    void passwordProtectedWithoutThreatsIsHeldForAPassword() {
        Result result = decide(List.of(verdict("ok.txt", VerdictCategory.CLEAN),
                new Verdict("locked.zip", VerdictCategory.PASSWORD_REQUIRED, "Encrypted archive"),
                verdict("broken.bin", VerdictCategory.FAILED)));
        assertThat(decision(result)).isEqualTo("HOLD_FOR_PASSWORD");
        assertThat(result.summary()).isEqualTo("password required: locked.zip (Encrypted archive)");
    }

    @ParameterizedTest
    @EnumSource(value = VerdictCategory.class, names = {"FAILED", "PENDING"})
    void anUnfinishedScanIsScannedAgainNeverDelivered(VerdictCategory unfinished) {
        Result result = decide(List.of(verdict("ok.txt", VerdictCategory.CLEAN),
                new Verdict("x.bin", unfinished, "Scan failed")));
        assertThat(decision(result)).isEqualTo("RESCAN");
        assertThat(result.summary()).isEqualTo("scan failed: x.bin (Scan failed)");
    }

    @Test
    void onlyUnfinishedScansAreStillNotDelivered() {
        Result result = decide(List.of(verdict("x.bin", VerdictCategory.FAILED),
                verdict("y.bin", VerdictCategory.PENDING)));
        assertThat(decision(result)).isEqualTo("RESCAN");
        assertThat(result.summary()).contains("x.bin").contains("y.bin");
    }

    @Test
    void onlyAllCleanDelivers() {
        for (VerdictCategory other : VerdictCategory.values()) {
            if (other == VerdictCategory.CLEAN || other == VerdictCategory.SKIPPED) {
                // SKIPPED: a body the rule chose not to scan (tested on its own below)
                continue;
            }
            List<Verdict> verdicts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                verdicts.add(verdict("clean" + i, VerdictCategory.CLEAN));
            }
            verdicts.add(verdict("odd", other));
            assertThat(decision(decide(verdicts))).as("clean files and one %s", other)
                    .isNotEqualTo("DELIVER");
        }
    }

    @Test
    void lineBreaksInFileNamesCannotReachAHeader() {
        Result result = decide(List.of(new Verdict("evil\r\nBcc: victim@example.com\r\n.exe",
                VerdictCategory.INFECTED, "Trojan\nX-Injected: yes")));
        assertThat(decision(result)).isEqualTo("BLOCK");
        assertThat(result.summary()).doesNotContain("\r").doesNotContain("\n")
                .isEqualTo("blocked: evil??Bcc: victim@example.com??.exe (Trojan?X-Injected: yes)");
    }

    @Test
    void nonAsciiAndControlCharactersBecomeQuestionMarks() {
        Result result = decide(List.of(new Verdict("Rechnung_M\u00e4rz\t\u20ac.pdf\u0000",
                VerdictCategory.PASSWORD_REQUIRED, "verschl\u00fcsselt")));
        assertThat(result.summary()).isEqualTo("password required: Rechnung_M?rz??.pdf? (verschl?sselt)");
        assertThat(result.summary().chars()).allMatch(c -> c >= 32 && c < 127);
    }

    @Test
    void missingNamesAndLabelsAreShownAsQuestionMarks() {
        Result result = decide(List.of(new Verdict(null, VerdictCategory.FAILED, null)));
        assertThat(decision(result)).isEqualTo("RESCAN");
        assertThat(result.summary()).isEqualTo("scan failed: ? (?)");
    }

    @Test
    void longFileNamesAreShortened() {
        String name = "x".repeat(300) + ".exe";
        Result result = decide(List.of(new Verdict(name, VerdictCategory.INFECTED, "EICAR")));
        assertThat(result.summary()).isEqualTo("blocked: " + "x".repeat(100) + "... (EICAR)");
    }
}
