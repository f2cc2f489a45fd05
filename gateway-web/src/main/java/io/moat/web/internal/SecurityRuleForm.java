package io.moat.web.internal;

import io.moat.settings.rules.SecurityRule;
import io.moat.settings.rules.SecurityRule.Actions;
import io.moat.settings.rules.SecurityRule.Blocked;
import io.moat.settings.rules.SecurityRule.Cdr;
import io.moat.settings.rules.SecurityRule.CdrFailure;
import io.moat.settings.rules.SecurityRule.Direction;
import io.moat.settings.rules.SecurityRule.Disclaimer;
import io.moat.settings.rules.SecurityRule.Encrypted;
import io.moat.settings.rules.SecurityRule.Filter;
import io.moat.settings.rules.SecurityRule.Mark;
import io.moat.settings.rules.SecurityRule.Marks;
import io.moat.settings.rules.SecurityRule.Position;
import io.moat.settings.rules.SecurityRule.ScanError;
import io.moat.settings.rules.SecurityRule.Style;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A security rule as the console edits it: a mutable copy of {@link SecurityRule} for Faces, turned back into the
 * service's record on save. It checks nothing itself ({@code SecurityRuleService} does, and names the field it
 * refuses); lists are edited as text ({@link TextLists}), header fields as {@code Name: value} lines. The service's
 * field names map back to this form's inputs ({@link #inputOf(String)}), so that a refusal is shown where it belongs.
 */
public final class SecurityRuleForm implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Where an outcome's marks are edited: the JSON field's name is the input ids' prefix. */
    public static final List<String> OUTCOMES = List.of("allowed", "blocked", "encrypted", "scanError");

    private String id;
    private String name;
    private boolean enabled = true;
    private Integer position;
    private String endpoints;
    private String previousHops;
    private String senders;
    private String recipients;
    private Direction direction = Direction.INBOUND;
    private String coreProfile;
    private String coreRule;
    private String relayProfile;
    private boolean scanBody = true;
    private Blocked blocked = Blocked.QUARANTINE;
    private Encrypted encrypted = Encrypted.QUARANTINE;
    private ScanError scanError = ScanError.RETRY;
    private String scanErrorAfter;
    private boolean useSanitized;
    private CdrFailure cdrOnFailure = CdrFailure.BLOCK;
    private final Map<String, MarkForm> marks = new LinkedHashMap<>();

    private SecurityRuleForm() {
        OUTCOMES.forEach(outcome -> marks.put(outcome, new MarkForm()));
    }

    /** A new rule with the default rule's choices; an empty position appends it. */
    public static SecurityRuleForm blank() {
        return new SecurityRuleForm();
    }

    /** A stored rule to edit (profiles by name, as the service answers them). */
    public static SecurityRuleForm of(SecurityRule rule) {
        SecurityRuleForm form = new SecurityRuleForm();
        form.id = rule.id();
        form.name = rule.name();
        form.enabled = !Boolean.FALSE.equals(rule.enabled());
        form.position = rule.position();
        Filter f = rule.filter();
        if (f != null) {
            form.endpoints = TextLists.lines(f.endpoints());
            form.previousHops = TextLists.lines(f.previousHops());
            form.senders = TextLists.lines(f.senders());
            form.recipients = TextLists.lines(f.recipients());
            form.direction = f.direction() == null ? Direction.INBOUND : f.direction();
        }
        form.coreProfile = rule.coreProfile();
        form.coreRule = rule.coreRule();
        form.relayProfile = rule.relayProfile();
        form.scanBody = !Boolean.FALSE.equals(rule.scanBody());
        Actions a = rule.actions();
        if (a != null) {
            form.blocked = a.blocked() == null ? Blocked.QUARANTINE : a.blocked();
            form.encrypted = a.encrypted() == null ? Encrypted.QUARANTINE : a.encrypted();
            form.scanError = a.scanError() == null ? ScanError.RETRY : a.scanError();
        }
        form.scanErrorAfter = rule.scanErrorAfter();
        if (rule.cdr() != null) {
            form.useSanitized = rule.cdr().uses();
            form.cdrOnFailure = rule.cdr().onFailure() == null ? CdrFailure.BLOCK : rule.cdr().onFailure();
        }
        Marks m = rule.marks();
        if (m != null) {
            form.marks.put("allowed", MarkForm.of(m.allowed()));
            form.marks.put("blocked", MarkForm.of(m.blocked()));
            form.marks.put("encrypted", MarkForm.of(m.encrypted()));
            form.marks.put("scanError", MarkForm.of(m.scanError()));
        }
        return form;
    }

    /** The input for {@code SecurityRuleService.create}/{@code update}: blank fields are left to its defaults. */
    public SecurityRule toRule() {
        Filter filter = new Filter(TextLists.entries(endpoints), TextLists.entries(previousHops),
                TextLists.entries(senders), TextLists.entries(recipients), direction);
        Marks m = new Marks(marks.get("allowed").toMark(), marks.get("blocked").toMark(),
                marks.get("encrypted").toMark(), marks.get("scanError").toMark());
        return new SecurityRule(id, TextLists.stripped(name), enabled, position, filter,
                TextLists.stripped(coreProfile),
                TextLists.stripped(coreRule), TextLists.stripped(relayProfile), scanBody,
                new Actions(blocked, encrypted, scanError), m, TextLists.stripped(scanErrorAfter),
                new Cdr(useSanitized, cdrOnFailure));
    }

    /**
     * The id (within the editor's form) of the input a refusal is about, from the field the service names at the
     * start of its message ({@code filter.previousHops[1]: ...}, {@code marks.blocked.headers.X-A: ...}); null when
     * the message names no field of this form (it is then shown by the Save button).
     */
    public static String inputOf(String message) {
        if (message == null) {
            return null;
        }
        int colon = message.indexOf(':');
        String field = (colon < 0 ? message : message.substring(0, colon)).strip();
        String[] path = field.replaceAll("\\[\\d+]$", "").split("\\.");
        return switch (path[0]) {
            case "name" -> "rule-name";
            case "position" -> "rule-position";
            case "coreProfile" -> "rule-core-profile";
            case "coreRule" -> "rule-core-rule";
            case "relayProfile" -> "rule-relay-profile";
            case "scanErrorAfter" -> "rule-scan-error-after";
            case "cdr" -> "rule-cdr-use";
            case "filter" -> path.length < 2 ? null : switch (path[1]) {
                case "endpoints" -> "rule-endpoints";
                case "previousHops" -> "rule-previous-hops";
                case "senders" -> "rule-senders";
                case "recipients" -> "rule-recipients";
                default -> null;
            };
            case "marks" -> path.length < 3 || !OUTCOMES.contains(path[1]) ? null : switch (path[2]) {
                case "subjectTag" -> path[1] + "-tag";
                case "headers" -> path[1] + "-headers";
                case "disclaimer" -> path[1] + "-disclaimer-text";
                default -> null;
            };
            default -> null;
        };
    }

    /** What a rule's filter takes, in a line for the list: "endpoints default · from 192.0.2.0/24 · to @example.net". */
    public static String describe(Filter filter) {
        List<String> parts = new ArrayList<>();
        if (!filter.endpoints().isEmpty()) {
            parts.add("endpoint " + String.join(", ", filter.endpoints()));
        }
        if (!filter.previousHops().isEmpty()) {
            parts.add("from hosts " + String.join(", ", filter.previousHops()));
        }
        if (!filter.senders().isEmpty()) {
            parts.add("senders " + String.join(", ", filter.senders()));
        }
        if (!filter.recipients().isEmpty()) {
            parts.add("recipients " + String.join(", ", filter.recipients()));
        }
        return parts.isEmpty() ? "all mail" : String.join(" · ", parts);
    }

    public boolean isAdding() {
        return id == null;
    }

    public String getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Integer getPosition() {
        return position;
    }

    public void setPosition(Integer position) {
        this.position = position;
    }

    public String getEndpoints() {
        return endpoints;
    }

    public void setEndpoints(String endpoints) {
        this.endpoints = endpoints;
    }

    public String getPreviousHops() {
        return previousHops;
    }

    public void setPreviousHops(String previousHops) {
        this.previousHops = previousHops;
    }

    public String getSenders() {
        return senders;
    }

    public void setSenders(String senders) {
        this.senders = senders;
    }

    public String getRecipients() {
        return recipients;
    }

    public void setRecipients(String recipients) {
        this.recipients = recipients;
    }

    public Direction getDirection() {
        return direction;
    }

    public void setDirection(Direction direction) {
        this.direction = direction;
    }

    public String getCoreProfile() {
        return coreProfile;
    }

    public void setCoreProfile(String coreProfile) {
        this.coreProfile = coreProfile;
    }

    public String getCoreRule() {
        return coreRule;
    }

    public void setCoreRule(String coreRule) {
        this.coreRule = coreRule;
    }

    public String getRelayProfile() {
        return relayProfile;
    }

    public void setRelayProfile(String relayProfile) {
        this.relayProfile = relayProfile;
    }

    public boolean isScanBody() {
        return scanBody;
    }

    public void setScanBody(boolean scanBody) {
        this.scanBody = scanBody;
    }

    public Blocked getBlocked() {
        return blocked;
    }

    public void setBlocked(Blocked blocked) {
        this.blocked = blocked;
    }

    public Encrypted getEncrypted() {
        return encrypted;
    }

    public void setEncrypted(Encrypted encrypted) {
        this.encrypted = encrypted;
    }

    public ScanError getScanError() {
        return scanError;
    }

    public void setScanError(ScanError scanError) {
        this.scanError = scanError;
    }

    public String getScanErrorAfter() {
        return scanErrorAfter;
    }

    public void setScanErrorAfter(String scanErrorAfter) {
        this.scanErrorAfter = scanErrorAfter;
    }

    public boolean isUseSanitized() {
        return useSanitized;
    }

    public void setUseSanitized(boolean useSanitized) {
        this.useSanitized = useSanitized;
    }

    public CdrFailure getCdrOnFailure() {
        return cdrOnFailure;
    }

    public void setCdrOnFailure(CdrFailure cdrOnFailure) {
        this.cdrOnFailure = cdrOnFailure;
    }

    /** The marks per outcome, by the names in {@link #OUTCOMES}. */
    public Map<String, MarkForm> getMarks() {
        return marks;
    }

    /** The marks of one outcome that is delivered; a mark without a tag, a header or a disclaimer is none. */
    public static final class MarkForm implements Serializable {

        private static final long serialVersionUID = 1L;

        private String subjectTag;
        private String headers;
        private String disclaimerText;
        private String disclaimerHtml;
        private Position position = Position.BOTTOM;
        private Style style = Style.INFO;

        static MarkForm of(Mark mark) {
            MarkForm form = new MarkForm();
            if (mark == null) {
                return form;
            }
            form.subjectTag = mark.subjectTag();
            List<String> fields = new ArrayList<>();
            mark.headers().forEach((fieldName, value) -> fields.add(fieldName + ": " + value));
            form.headers = String.join("\n", fields);
            Disclaimer d = mark.disclaimer();
            if (d != null) {
                form.disclaimerText = d.text();
                form.disclaimerHtml = d.html();
                form.position = d.position() == null ? Position.BOTTOM : d.position();
                form.style = d.style() == null ? Style.INFO : d.style();
            }
            return form;
        }

        /**
         * The mark, or null when nothing is set. A header line without a colon becomes a field without a value, which
         * the service refuses by the field's name.
         */
        Mark toMark() {
            Map<String, String> fields = new LinkedHashMap<>();
            if (headers != null) {
                headers.lines().filter(line -> !line.isBlank()).forEach(line -> {
                    int colon = line.indexOf(':');
                    fields.put(colon < 0 ? line.strip() : line.substring(0, colon).strip(),
                            colon < 0 ? "" : line.substring(colon + 1).strip());
                });
            }
            Disclaimer disclaimer = TextLists.stripped(disclaimerText) == null
                    && TextLists.stripped(disclaimerHtml) == null
                            ? null
                            : new Disclaimer(disclaimerText, disclaimerHtml, position, style);
            if (TextLists.stripped(subjectTag) == null && fields.isEmpty() && disclaimer == null) {
                return null;
            }
            return new Mark(TextLists.stripped(subjectTag), fields, disclaimer);
        }

        public boolean isSet() {
            return toMark() != null;
        }

        public String getSubjectTag() {
            return subjectTag;
        }

        public void setSubjectTag(String subjectTag) {
            this.subjectTag = subjectTag;
        }

        public String getHeaders() {
            return headers;
        }

        public void setHeaders(String headers) {
            this.headers = headers;
        }

        public String getDisclaimerText() {
            return disclaimerText;
        }

        public void setDisclaimerText(String disclaimerText) {
            this.disclaimerText = disclaimerText;
        }

        public String getDisclaimerHtml() {
            return disclaimerHtml;
        }

        public void setDisclaimerHtml(String disclaimerHtml) {
            this.disclaimerHtml = disclaimerHtml;
        }

        public Position getPosition() {
            return position;
        }

        public void setPosition(Position position) {
            this.position = position;
        }

        public Style getStyle() {
            return style;
        }

        public void setStyle(Style style) {
            this.style = style;
        }
    }
}
