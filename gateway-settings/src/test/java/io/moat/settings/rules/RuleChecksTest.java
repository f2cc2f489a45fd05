package io.moat.settings.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.settings.RefusedException;
import io.moat.settings.rules.SecurityRule.Actions;
import io.moat.settings.rules.SecurityRule.Blocked;
import io.moat.settings.rules.SecurityRule.Direction;
import io.moat.settings.rules.SecurityRule.Disclaimer;
import io.moat.settings.rules.SecurityRule.Encrypted;
import io.moat.settings.rules.SecurityRule.Filter;
import io.moat.settings.rules.SecurityRule.Mark;
import io.moat.settings.rules.SecurityRule.Marks;
import io.moat.settings.rules.SecurityRule.Position;
import io.moat.settings.rules.SecurityRule.ScanError;
import io.moat.settings.rules.SecurityRule.Style;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleChecksTest {

    @Test
    void anEmptyRuleGetsTheDefaultRulesBehaviour() {
        assertThat(RuleChecks.actions(null))
                .isEqualTo(new Actions(Blocked.QUARANTINE, Encrypted.QUARANTINE, ScanError.RETRY));
        Filter filter = RuleChecks.filter(null);
        assertThat(filter.direction()).isEqualTo(Direction.INBOUND);
        assertThat(filter.endpoints()).isEmpty();
        assertThat(RuleChecks.marks(null)).isEqualTo(new Marks(null, null, null, null));
        assertThat(RuleChecks.scanErrorAfter(null)).isNull();
        assertThat(RuleChecks.coreRule("  ")).isNull();
    }

    @Test
    void eachRefusalNamesItsField() {
        assertRefused(() -> RuleChecks.name("two words"), "name:");
        assertRefused(() -> RuleChecks.filter(new Filter(List.of("ok", "not ok"), null, null, null, null)),
                "filter.endpoints[1]");
        assertRefused(() -> RuleChecks.filter(new Filter(null, List.of("10.0.0.0/8", "mail.example.org"), null,
                null, null)), "filter.previousHops[1]");
        assertRefused(() -> RuleChecks.filter(new Filter(null, List.of("192.0.2.0/33"), null, null, null)),
                "filter.previousHops[0]");
        // a null entry in the JSON ("senders": [null]) is named like any other bad entry, not a server error
        assertRefused(() -> RuleChecks.filter(new Filter(null, null, java.util.Arrays.asList((String) null), null,
                null)), "filter.senders[0]");
        assertRefused(() -> RuleChecks.filter(new Filter(null, null, List.of("nobody"), null, null)),
                "filter.senders[0]");
        assertRefused(() -> RuleChecks.scanErrorAfter("ten minutes"), "scanErrorAfter");
        assertRefused(() -> RuleChecks.scanErrorAfter("PT1S"), "scanErrorAfter");
        assertRefused(() -> RuleChecks.coreRule("a\nb"), "coreRule");
        assertRefused(() -> RuleChecks.marks(new Marks(null, new Mark("[X]\r\nBcc: a@b.test", null, null), null,
                null)), "marks.blocked.subjectTag");
        assertRefused(() -> RuleChecks.marks(new Marks(new Mark(null, Map.of("Bad Name", "v"), null), null, null,
                null)), "marks.allowed.headers");
        assertRefused(() -> RuleChecks.marks(new Marks(new Mark(null, Map.of("X-A", "one\r\nX-B: two"), null), null,
                null, null)), "marks.allowed.headers.X-A");
        assertRefused(() -> RuleChecks.marks(new Marks(null, null, null, new Mark(null, null,
                new Disclaimer(" ", null, null, null)))), "marks.scanError.disclaimer");
    }

    @Test
    void aMarkMayNotAddASecondStructuralHeader() {
        for (String name : List.of("Subject", "content-type", "Content-Transfer-Encoding", "MIME-Version", "From",
                "X-Moat-Scan", "Message-ID")) {
            assertRefused(() -> RuleChecks.marks(new Marks(new Mark(null, Map.of(name, "x"), null), null, null,
                    null)), "marks.allowed.headers." + name);
        }
    }

    @Test
    void aDisclaimerGetsItsPositionAndStyleByDefaultAndAnEmptyMarkIsNone() {
        Marks marks = RuleChecks.marks(new Marks(new Mark(" ", Map.of(), null), null, null,
                new Mark(null, null, new Disclaimer("Not scanned.", null, null, null))));
        assertThat(marks.allowed()).isNull();
        assertThat(marks.scanError().disclaimer())
                .isEqualTo(new Disclaimer("Not scanned.", null, Position.BOTTOM, Style.INFO));
    }

    @Test
    void aDurationIsKeptInItsIsoForm() {
        assertThat(RuleChecks.scanErrorAfter(" pt10m ")).isEqualTo("PT10M");
    }

    @Test
    void deepCdrIsOffWithoutASettingAndAFailureBlocksByDefault() {
        assertThat(RuleChecks.cdr(null)).isEqualTo(new SecurityRule.Cdr(false, SecurityRule.CdrFailure.BLOCK));
        assertThat(RuleChecks.cdr(new SecurityRule.Cdr(true, null)))
                .isEqualTo(new SecurityRule.Cdr(true, SecurityRule.CdrFailure.BLOCK));
        assertThat(RuleChecks.cdr(new SecurityRule.Cdr(true, SecurityRule.CdrFailure.DELIVER_ORIGINAL)).onFailure())
                .isEqualTo(SecurityRule.CdrFailure.DELIVER_ORIGINAL);
    }

    @Test
    void aFailureActionWithoutSayingWhetherSanitizedFilesAreUsedIsRefusedNamingTheField() {
        assertRefused(() -> RuleChecks.cdr(new SecurityRule.Cdr(null, SecurityRule.CdrFailure.DELIVER_ORIGINAL)),
                "cdr.useSanitized");
    }

    @Test
    void aStoredRuleWithoutDeepCdrReadsAsNotUsingIt() {
        StoredRule stored = StoredRule.read("{\"scanBody\":true}");
        assertThat(RuleChecks.cdr(stored.cdr()).uses()).isFalse();
        StoredRule withCdr = StoredRule.read("{\"cdr\":{\"useSanitized\":true,\"onFailure\":\"DELIVER_ORIGINAL\"}}");
        assertThat(RuleChecks.cdr(withCdr.cdr()))
                .isEqualTo(new SecurityRule.Cdr(true, SecurityRule.CdrFailure.DELIVER_ORIGINAL));
        assertThat(StoredRule.read(withCdr.write()).cdr()).isEqualTo(withCdr.cdr());
    }

    private static void assertRefused(Runnable check, String field) {
        assertThatThrownBy(check::run).isInstanceOf(RefusedException.class).hasMessageContaining(field);
    }
}
