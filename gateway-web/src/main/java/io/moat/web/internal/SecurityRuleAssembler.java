package io.moat.web.internal;

import io.moat.settings.rules.SecurityRule;
import io.moat.settings.rules.SecurityRule.Actions;
import io.moat.settings.rules.SecurityRule.Cdr;
import io.moat.settings.rules.SecurityRule.Disclaimer;
import io.moat.settings.rules.SecurityRule.Filter;
import io.moat.settings.rules.SecurityRule.Mark;
import io.moat.settings.rules.SecurityRule.Marks;
import io.moat.web.ProblemException;
import io.moat.web.SecurityRuleDto;
import io.moat.web.SecurityRuleDto.ActionsDto;
import io.moat.web.SecurityRuleDto.CdrDto;
import io.moat.web.SecurityRuleDto.DisclaimerDto;
import io.moat.web.SecurityRuleDto.FilterDto;
import io.moat.web.SecurityRuleDto.MarkDto;
import io.moat.web.SecurityRuleDto.MarksDto;

/** Security rules between the API's JSON and the settings: enumerations parsed with the field's name. */
public final class SecurityRuleAssembler {

    private SecurityRuleAssembler() {
    }

    /** The settings' input for a body; a wrong enumeration value is a 400 naming its field. */
    public static SecurityRule input(SecurityRuleDto body) {
        if (body == null) {
            throw new ProblemException(400, "Missing body", "Send the rule as JSON: {\"name\", \"filter\": {...},"
                    + " \"actions\": {...}}.");
        }
        FilterDto f = body.filter();
        Filter filter = f == null
                ? null
                : new Filter(f.endpoints(), f.previousHops(), f.senders(), f.recipients(),
                        parse(SecurityRule.Direction.class, f.direction(), "filter.direction"));
        ActionsDto a = body.actions();
        Actions actions = a == null
                ? null
                : new Actions(parse(SecurityRule.Blocked.class, a.blocked(),
                        "actions.blocked"), parse(SecurityRule.Encrypted.class, a.encrypted(), "actions.encrypted"),
                        parse(SecurityRule.ScanError.class, a.scanError(), "actions.scanError"));
        MarksDto m = body.marks();
        Marks marks = m == null
                ? null
                : new Marks(mark(m.allowed(), "marks.allowed"),
                        mark(m.blocked(), "marks.blocked"), mark(m.encrypted(), "marks.encrypted"),
                        mark(m.scanError(), "marks.scanError"));
        CdrDto c = body.cdr();
        Cdr cdr = c == null
                ? null
                : new Cdr(c.useSanitized(), parse(SecurityRule.CdrFailure.class, c.onFailure(), "cdr.onFailure"));
        return new SecurityRule(null, body.name(), body.enabled(), body.position(), filter, body.coreProfile(),
                body.coreRule(), body.relayProfile(), body.scanBody(), actions, marks, body.scanErrorAfter(), cdr);
    }

    private static Mark mark(MarkDto m, String field) {
        if (m == null) {
            return null;
        }
        DisclaimerDto d = m.disclaimer();
        Disclaimer disclaimer = d == null
                ? null
                : new Disclaimer(d.text(), d.html(),
                        parse(SecurityRule.Position.class, d.position(), field + ".disclaimer.position"),
                        parse(SecurityRule.Style.class, d.style(), field + ".disclaimer.style"));
        return new Mark(m.subjectTag(), m.headers(), disclaimer);
    }

    public static SecurityRuleDto dto(SecurityRule r) {
        Filter f = r.filter();
        Actions a = r.actions();
        Marks m = r.marks();
        return new SecurityRuleDto(r.id(), r.name(), r.enabled(), r.position(),
                new FilterDto(f.endpoints(), f.previousHops(), f.senders(), f.recipients(), f.direction().name()),
                r.coreProfile(), r.coreRule(), r.relayProfile(), r.scanBody(),
                new ActionsDto(a.blocked().name(), a.encrypted().name(), a.scanError().name()),
                new MarksDto(mark(m.allowed()), mark(m.blocked()), mark(m.encrypted()), mark(m.scanError())),
                r.scanErrorAfter(), r.cdr() == null
                        ? null
                        : new CdrDto(r.cdr().uses(), r.cdr().onFailure() == null ? null : r.cdr().onFailure().name()));
    }

    private static MarkDto mark(Mark m) {
        if (m == null) {
            return null;
        }
        Disclaimer d = m.disclaimer();
        return new MarkDto(m.subjectTag(), m.headers(), d == null
                ? null
                : new DisclaimerDto(d.text(), d.html(),
                        d.position().name(), d.style().name()));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String field) {
        return EnumValues.parse(type, value, field, "Invalid security rule");
    }
}
