package io.moat.delivery.marks;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.mime.Marks;
import io.moat.settings.rules.SecurityRule.Direction;
import io.moat.settings.rules.SecurityRule.Disclaimer;
import io.moat.settings.rules.SecurityRule.Mark;
import io.moat.settings.rules.SecurityRule.Outcome;
import io.moat.settings.rules.SecurityRule.Position;
import io.moat.settings.rules.SecurityRule.Style;
import io.moat.settings.rules.SecurityRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CopyMarksTest {

    private static SecurityRules.Applied rule(io.moat.settings.rules.SecurityRule.Marks marks) {
        SecurityRules.Applied d = SecurityRules.Applied.standIn("x");
        return new SecurityRules.Applied("id", "partners", Direction.OUTBOUND, null, null, null, true, d.blocked(),
                d.encrypted(), d.scanError(), null, marks, d.cdr());
    }

    private static io.moat.settings.rules.SecurityRule.Marks marks(Mark allowed, Mark blocked, Mark scanError) {
        return new io.moat.settings.rules.SecurityRule.Marks(allowed, blocked, null, scanError);
    }

    @Test
    void mailDeliveredAsItIsGetsNoCopy() {
        CopyMarks.Plan plan = CopyMarks.plan(SecurityRules.Applied.standIn("default"), Outcome.ALLOWED, "DELIVER",
                "clean; 1 part scanned", List.of());
        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void placeholdersAreFilledInAndEscapedInHtml() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Moat-Rule", "{rule} ({direction})");
        headers.put("X-Moat-Verdict", "{outcome}/{action}: {verdict}");
        Mark mark = new Mark("[{outcome}]", headers, new Disclaimer("Checked by {rule}: {verdict}",
                "<p>Checked by {rule}: {verdict}</p>", Position.TOP, Style.CRITICAL));
        Marks plan = CopyMarks.plan(rule(marks(mark, null, null)), Outcome.ALLOWED, "DELIVER", "<b>clean</b>",
                List.of()).marks();
        assertThat(plan.subjectTag()).isEqualTo("[ALLOWED]");
        assertThat(plan.headers()).containsExactly(new Marks.Header("X-Moat-Rule", "partners (OUTBOUND)"),
                new Marks.Header("X-Moat-Verdict", "ALLOWED/DELIVER: <b>clean</b>"));
        assertThat(plan.disclaimer().text()).isEqualTo("Checked by partners: <b>clean</b>");
        assertThat(plan.disclaimer().html()).isEqualTo("<p>Checked by partners: &lt;b&gt;clean&lt;/b&gt;</p>");
        assertThat(plan.disclaimer().position()).isEqualTo(Marks.Disclaimer.Position.TOP);
        assertThat(plan.disclaimer().style()).isEqualTo(Marks.Disclaimer.Style.CRITICAL);
    }

    @Test
    void aQuoteInAValueCannotEndAnAttributeOfTheHtmlDisclaimer() {
        Mark mark = new Mark(null, null, new Disclaimer(null, "<p title='{verdict}'>Checked</p>", Position.TOP,
                Style.INFO));
        Marks plan = CopyMarks.plan(rule(marks(mark, null, null)), Outcome.ALLOWED, "DELIVER",
                "a' onmouseover='alert(1)", List.of()).marks();
        assertThat(plan.disclaimer().html())
                .isEqualTo("<p title='a&#39; onmouseover=&#39;alert(1)'>Checked</p>");
    }

    @Test
    void threatsDeliveredTaggedAreTaggedEvenWithoutAMarkOfTheRules() {
        Marks plan = CopyMarks.plan(rule(marks(null, null, null)), Outcome.BLOCKED, "DELIVER_TAGGED", "x", List.of())
                .marks();
        assertThat(plan.subjectTag()).isEqualTo("[SUSPICIOUS]");
        assertThat(CopyMarks.plan(rule(marks(null, null, null)), Outcome.ENCRYPTED, "DELIVER_TAGGED", "x",
                List.of()).marks().subjectTag()).isEqualTo("[ENCRYPTED]");
        assertThat(CopyMarks.plan(rule(marks(null, new Mark("[CAREFUL]", null, null), null)), Outcome.BLOCKED,
                "DELIVER_TAGGED", "x", List.of()).marks().subjectTag()).isEqualTo("[CAREFUL]");
    }

    @Test
    void bypassedMailAlwaysSaysItWasNotScanned() {
        Marks plan = CopyMarks.plan(rule(marks(null, null, null)), Outcome.SCAN_ERROR, "BYPASS", "Core unavailable",
                List.of()).marks();
        assertThat(plan.subjectTag()).isEqualTo("[UNSCANNED]");
        assertThat(plan.disclaimer().text()).contains("NOT scanned").contains("Core unavailable")
                .contains("partners");
        assertThat(plan.disclaimer().style()).isEqualTo(Marks.Disclaimer.Style.WARNING);
        Marks own = CopyMarks.plan(rule(marks(null, null, new Mark(null, null, new Disclaimer("Unscanned: {verdict}",
                null, Position.BOTTOM, Style.INFO)))), Outcome.SCAN_ERROR, "BYPASS", "Core down", List.of()).marks();
        assertThat(own.disclaimer().text()).isEqualTo("Unscanned: Core down");
        assertThat(own.subjectTag()).isEqualTo("[UNSCANNED]");
    }

    @Test
    void cutsBecomeRemovals() {
        Marks plan = CopyMarks.plan(rule(marks(null, null, null)), Outcome.BLOCKED, "DELETE_CONTENT", "x",
                List.of(new CopyMarks.Cut(10, 20, "removed"))).marks();
        assertThat(plan.removals()).containsExactly(new Marks.Removal(10, 20, "removed"));
        assertThat(plan.subjectTag()).isNull();
    }
}
