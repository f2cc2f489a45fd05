package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.settings.rules.SecurityRule;
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
import io.moat.web.internal.SecurityRuleForm.MarkForm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityRuleFormTest {

    private static final Map<String, String> HEADERS = new LinkedHashMap<>(Map.of("X-Moat-Rule", "{rule}"));

    private static final SecurityRule PARTNERS = new SecurityRule("id-1", "partners", false, 2,
            new Filter(List.of("default", "submission"), List.of("192.0.2.0/24"), List.of("@partner.example"),
                    List.of("@example.net", "!ceo@example.net"), Direction.OUTBOUND),
            "core-b", "multiscan", "downstream-b", false,
            new Actions(Blocked.DELETE_CONTENT, Encrypted.BLOCK, ScanError.BYPASS),
            new Marks(null, new Mark("[REMOVED]", HEADERS, new Disclaimer("removed", "<p>removed</p>",
                    Position.TOP, Style.WARNING)), null, new Mark(null, Map.of(),
                            new Disclaimer("unscanned", null,
                                    Position.BOTTOM, Style.CRITICAL))),
            "PT10M", new SecurityRule.Cdr(true, SecurityRule.CdrFailure.DELIVER_ORIGINAL));

    @Test
    void aStoredRuleComesBackUnchanged() {
        SecurityRule back = SecurityRuleForm.of(PARTNERS).toRule();
        assertThat(back).isEqualTo(PARTNERS);
    }

    @Test
    void listsAreTypedOnePerLineOrCommaSeparatedAndKeepTheirExclusions() {
        SecurityRuleForm form = SecurityRuleForm.blank();
        form.setName(" inbound ");
        form.setRecipients("@example.net, !ceo@example.net\n.sub.example.org");
        form.setPreviousHops("192.0.2.0/24\n\n2001:db8::/32");
        SecurityRule rule = form.toRule();
        assertThat(rule.name()).isEqualTo("inbound");
        assertThat(rule.filter().recipients()).containsExactly("@example.net", "!ceo@example.net",
                ".sub.example.org");
        assertThat(rule.filter().previousHops()).containsExactly("192.0.2.0/24", "2001:db8::/32");
        assertThat(rule.filter().endpoints()).isEmpty();
    }

    @Test
    void aBlankRuleIsTheDefaultRulesChoicesAppendedAndEmptyProfilesAreTheDefaults() {
        SecurityRuleForm form = SecurityRuleForm.blank();
        form.setName("r");
        form.setCoreProfile("");
        form.setRelayProfile(" ");
        SecurityRule rule = form.toRule();
        assertThat(rule.id()).isNull();
        assertThat(rule.position()).isNull();
        assertThat(rule.enabled()).isTrue();
        assertThat(rule.scanBody()).isTrue();
        assertThat(rule.coreProfile()).isNull();
        assertThat(rule.relayProfile()).isNull();
        assertThat(rule.actions()).isEqualTo(new Actions(Blocked.QUARANTINE, Encrypted.QUARANTINE, ScanError.RETRY));
        assertThat(rule.marks()).isEqualTo(new Marks(null, null, null, null));
        assertThat(rule.scanErrorAfter()).isNull();
    }

    @Test
    void headerFieldsAreNameColonValueLinesAndALineWithoutAColonGoesToTheServiceToBeRefused() {
        SecurityRuleForm form = SecurityRuleForm.blank();
        MarkForm blocked = form.getMarks().get("blocked");
        blocked.setHeaders("X-Moat-Rule: {rule}\n\nX-Verdict:  {verdict} : {outcome} \nX-Broken");
        Mark mark = form.toRule().marks().blocked();
        assertThat(mark.headers()).containsExactly(Map.entry("X-Moat-Rule", "{rule}"),
                Map.entry("X-Verdict", "{verdict} : {outcome}"), Map.entry("X-Broken", ""));
        assertThat(mark.subjectTag()).isNull();
        assertThat(mark.disclaimer()).isNull();
    }

    @Test
    void aDisclaimerNeedsItsTextOrItsHtmlAndAnEmptyMarkIsNone() {
        SecurityRuleForm form = SecurityRuleForm.blank();
        MarkForm allowed = form.getMarks().get("allowed");
        allowed.setPosition(Position.TOP);
        allowed.setDisclaimerText("  ");
        assertThat(allowed.isSet()).isFalse();
        assertThat(form.toRule().marks().allowed()).isNull();

        allowed.setDisclaimerHtml("<p>scanned</p>");
        assertThat(form.toRule().marks().allowed().disclaimer()).isEqualTo(new Disclaimer("  ", "<p>scanned</p>",
                Position.TOP, Style.INFO));
    }

    @Test
    void aRefusalIsShownAtTheInputOfTheFieldTheServiceNames() {
        assertThat(SecurityRuleForm.inputOf("filter.previousHops[1]: '10.0.0.300' is not an IP address"))
                .isEqualTo("rule-previous-hops");
        assertThat(SecurityRuleForm.inputOf("filter.recipients: at most 1000 entries")).isEqualTo("rule-recipients");
        assertThat(SecurityRuleForm.inputOf("name: a rule named 'x' exists already")).isEqualTo("rule-name");
        assertThat(SecurityRuleForm.inputOf("relayProfile: no SMTP server profile named 'y'"))
                .isEqualTo("rule-relay-profile");
        assertThat(SecurityRuleForm.inputOf("marks.blocked.headers.X-A: the value must be 1-900 characters"))
                .isEqualTo("blocked-headers");
        assertThat(SecurityRuleForm.inputOf("marks.scanError.disclaimer: give its text, its html, or both"))
                .isEqualTo("scanError-disclaimer-text");
        assertThat(SecurityRuleForm.inputOf("marks.allowed.subjectTag: at most 64 characters"))
                .isEqualTo("allowed-tag");
        assertThat(SecurityRuleForm.inputOf("cdr.useSanitized: say whether sanitized files are used"))
                .isEqualTo("rule-cdr-use");
        assertThat(SecurityRuleForm.inputOf("at most 500 security rules")).isNull();
        assertThat(SecurityRuleForm.inputOf("marks.other.subjectTag: x")).isNull();
        assertThat(SecurityRuleForm.inputOf(null)).isNull();
    }

    @Test
    void aNewRuleDoesNotUseSanitizedFilesAndBlocksOnFailureUntilTheAdminSaysSo() {
        SecurityRule blank = SecurityRuleForm.blank().toRule();

        assertThat(blank.cdr()).isEqualTo(new SecurityRule.Cdr(false, SecurityRule.CdrFailure.BLOCK));
        SecurityRuleForm form = SecurityRuleForm.blank();
        form.setUseSanitized(true);
        form.setCdrOnFailure(SecurityRule.CdrFailure.DELIVER_ORIGINAL);
        assertThat(form.toRule().cdr())
                .isEqualTo(new SecurityRule.Cdr(true, SecurityRule.CdrFailure.DELIVER_ORIGINAL));
    }

    @Test
    void theListDescribesAFilterInALine() {
        assertThat(SecurityRuleForm.describe(PARTNERS.filter())).isEqualTo("endpoint default, submission · from"
                + " hosts 192.0.2.0/24 · senders @partner.example · recipients @example.net, !ceo@example.net");
        assertThat(SecurityRuleForm.describe(new Filter(null, null, null, null, null))).isEqualTo("all mail");
    }
}
