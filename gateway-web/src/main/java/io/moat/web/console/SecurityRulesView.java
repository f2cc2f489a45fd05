package io.moat.web.console;

import io.moat.settings.RefusedException;
import io.moat.settings.endpoints.SmtpEndpoint;
import io.moat.settings.endpoints.SmtpEndpointService;
import io.moat.settings.profiles.ServerProfile;
import io.moat.settings.profiles.ServerProfile.Type;
import io.moat.settings.profiles.ServerProfileService;
import io.moat.settings.rules.SecurityRule;
import io.moat.settings.rules.SecurityRule.Blocked;
import io.moat.settings.rules.SecurityRule.CdrFailure;
import io.moat.settings.rules.SecurityRule.Direction;
import io.moat.settings.rules.SecurityRule.Encrypted;
import io.moat.settings.rules.SecurityRule.Position;
import io.moat.settings.rules.SecurityRule.ScanError;
import io.moat.settings.rules.SecurityRule.Style;
import io.moat.settings.rules.SecurityRuleService;
import io.moat.settings.rules.SecurityRuleService.Evaluation;
import io.moat.settings.rules.SecurityRules.Envelope;
import io.moat.web.internal.SecurityRuleForm;
import io.moat.web.internal.TextLists;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.function.Function;

/**
 * Settings &gt; Security rules: the rules in their order (first match wins) with moves, enable/disable and delete;
 * the rule editor; and the dry run, which says which rule takes each recipient of an envelope as the RCPT check
 * would now. Every change goes through {@link SecurityRuleService}, which checks it and names the field it refuses;
 * the refusal is shown next to that field.
 */
@Named("rules")
@ViewScoped
public class SecurityRulesView implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String FORM = "rule-form:";
    private static final String SAVE = FORM + "rule-save";

    @Inject
    SecurityRuleService service;

    @Inject
    ServerProfileService profiles;

    @Inject
    SmtpEndpointService endpoints;

    /** Read from the services when first needed after a change; not part of the view's state. */
    private transient List<SecurityRule> all;
    private transient List<ServerProfile> allProfiles;

    private SecurityRuleForm form;
    private String editingName;
    private String confirmDelete;

    private String dryEndpoint;
    private String dryClient;
    private String drySender;
    private String dryRecipients;
    private List<Evaluation> dryResult;

    // ---- the list

    public List<SecurityRule> getRules() {
        if (all == null) {
            all = service.list();
        }
        return all;
    }

    /** What a rule's filter takes, in a line. */
    public String describe(SecurityRule rule) {
        return SecurityRuleForm.describe(rule.filter());
    }

    public boolean isLast(SecurityRule rule) {
        return rule.position() != null && rule.position() >= getRules().size();
    }

    @AdminOnly
    public void moveUp(String id) {
        change(id, r -> moved(service.move(id, Math.max(1, r.position() - 1))));
    }

    @AdminOnly
    public void moveDown(String id) {
        change(id, r -> moved(service.move(id, r.position() + 1)));
    }

    private static String moved(SecurityRule rule) {
        return "Rule '" + rule.name() + "' is now at position " + rule.position() + ": from the next recipient, the"
                + " first enabled rule that takes it decides.";
    }

    /** Turns a rule on or off; a disabled rule keeps its place and takes no mail. */
    @AdminOnly
    public void toggle(String id) {
        change(id, r -> {
            boolean enable = Boolean.FALSE.equals(r.enabled());
            service.update(id, new SecurityRule(r.id(), r.name(), enable, r.position(), r.filter(), r.coreProfile(),
                    r.coreRule(), r.relayProfile(), r.scanBody(), r.actions(), r.marks(), r.scanErrorAfter(),
                    r.cdr()));
            return "Rule '" + r.name() + "' " + (enable
                    ? "enabled: it takes mail from the next recipient."
                    : "disabled: the rules after it take its mail from the next recipient.");
        });
    }

    /** The first step of a deletion (the row asks to confirm); {@code null} keeps the rule. */
    @AdminOnly
    public void askDelete(String id) {
        confirmDelete = id;
    }

    @AdminOnly
    public void delete(String id) {
        change(id, r -> {
            service.delete(id);
            if (form != null && id.equals(form.getId())) {
                cancel();
            }
            return "Rule '" + r.name() + "' deleted. Its mail still on its way is decided as the default rule did"
                    + " when rules came.";
        });
    }

    /**
     * A change of one rule in the list, told to the admin in the words {@code change} returns; the rule as it is now
     * is read first, since another admin may have moved or deleted it meanwhile.
     */
    private void change(String id, Function<SecurityRule, String> change) {
        try {
            SecurityRule rule = service.find(id).orElseThrow(() -> new RefusedException(
                    RefusedException.Reason.NOT_FOUND, "no security rule with id '" + id + "': someone deleted it"
                            + " meanwhile; the list shows the rules as they are now"));
            Feedback.done(change.apply(rule));
        } catch (RefusedException e) {
            Feedback.refused(null, e);
        } finally {
            confirmDelete = null;
            reload();
        }
    }

    public String getConfirmDelete() {
        return confirmDelete;
    }

    // ---- the editor

    @AdminOnly
    public void add() {
        form = SecurityRuleForm.blank();
        editingName = null;
        confirmDelete = null;
    }

    /** Opens the editor on the rule as it is now. */
    @AdminOnly
    public void edit(String id) {
        confirmDelete = null;
        form = service.find(id).map(SecurityRuleForm::of).orElse(null);
        editingName = form == null ? null : form.getName();
        if (form == null) {
            Feedback.error("The rule is gone: someone deleted it meanwhile. The list shows the rules as they are now.");
            reload();
        }
    }

    public void cancel() {
        form = null;
        editingName = null;
    }

    /**
     * Creates or updates the rule in the editor; on a refusal the editor stays open and the service's reason is shown
     * next to the field it names (or by the Save button).
     */
    @AdminOnly
    public void save() {
        if (form == null) {
            return;
        }
        boolean created = form.isAdding();
        try {
            SecurityRule input = form.toRule();
            SecurityRule saved = created ? service.create(input) : service.update(form.getId(), input);
            Feedback.done("Rule '" + saved.name() + "' " + (created ? "created" : "saved") + " at position "
                    + saved.position() + (Boolean.FALSE.equals(saved.enabled()) ? ", disabled" : "")
                    + "; it applies from the next recipient.");
            form = null;
            editingName = null;
        } catch (RefusedException e) {
            String input = SecurityRuleForm.inputOf(e.getMessage());
            Feedback.refused(input == null ? SAVE : FORM + input, e);
        } finally {
            reload();
        }
    }

    public SecurityRuleForm getForm() {
        return form;
    }

    public String getEditingName() {
        return editingName;
    }

    public List<String> getOutcomes() {
        return SecurityRuleForm.OUTCOMES;
    }

    /** An outcome's marks fieldset's legend. */
    public String outcomeLabel(String outcome) {
        return switch (outcome) {
            case "allowed" -> "Allowed (clean)";
            case "blocked" -> "Blocked, when delivered (content deleted or tagged)";
            case "encrypted" -> "Encrypted, when delivered tagged";
            case "scanError" -> "Scan error, when bypassed (unscanned)";
            default -> outcome;
        };
    }

    /** An action in words, for the list and the editor's selects. */
    public String label(Enum<?> action) {
        if (action == null) {
            return "";
        }
        return switch (action.name()) {
            case "QUARANTINE" -> action instanceof Encrypted
                    ? "quarantine, hold for a password (default)"
                    : "block and quarantine (default)";
            case "DELETE_CONTENT" -> "delete the blocked content, deliver the rest";
            case "DELIVER_TAGGED" -> "deliver with its marks";
            case "BLOCK" -> action instanceof CdrFailure
                    ? "block and quarantine (default)"
                    : "block like infected mail";
            case "DELIVER_ORIGINAL" -> "deliver the original, tagged [NOT SANITIZED]";
            case "RETRY" -> "retry, then fail with a DSN (default)";
            case "FAIL" -> "fail at once: quarantine, DSN";
            case "BYPASS" -> "bypass: deliver unscanned, marked";
            default -> action.name();
        };
    }

    public Direction[] getDirections() {
        return Direction.values();
    }

    public Blocked[] getBlockedActions() {
        return Blocked.values();
    }

    public Encrypted[] getEncryptedActions() {
        return Encrypted.values();
    }

    public CdrFailure[] getCdrFailureActions() {
        return CdrFailure.values();
    }

    public ScanError[] getScanErrorActions() {
        return ScanError.values();
    }

    public Position[] getPositions() {
        return Position.values();
    }

    public Style[] getStyles() {
        return Style.values();
    }

    /** The names of the Core profiles a rule may scan with. */
    public List<String> getCoreProfiles() {
        return profileNames(Type.CORE);
    }

    /** The names of the SMTP profiles a rule may relay to. */
    public List<String> getSmtpProfiles() {
        return profileNames(Type.SMTP);
    }

    private List<String> profileNames(Type type) {
        if (allProfiles == null) {
            allProfiles = profiles.list();
        }
        return allProfiles.stream().filter(p -> p.type() == type).map(ServerProfile::name).toList();
    }

    // ---- the dry run

    public List<String> getEndpointNames() {
        return endpoints.list().stream().map(SmtpEndpoint::name).toList();
    }

    /** Which rule takes each recipient of the envelope typed in, as the RCPT check would find it now. */
    public void evaluate() {
        List<String> recipients = TextLists.entries(dryRecipients);
        if (recipients.isEmpty()) {
            Feedback.error("dry-run:dry-recipients", "Enter at least one recipient address.");
            dryResult = null;
            return;
        }
        try {
            dryResult = service.evaluate(new Envelope(dryEndpoint, dryClient, drySender == null
                    ? ""
                    : drySender.strip()), recipients);
        } catch (RefusedException e) {
            dryResult = null;
            String message = e.getMessage();
            Feedback.refused(message != null && message.startsWith("clientAddress")
                    ? "dry-run:dry-client"
                    : "dry-run:dry-recipients", e);
        }
    }

    public List<Evaluation> getDryResult() {
        return dryResult;
    }

    public String getDryEndpoint() {
        return dryEndpoint;
    }

    public void setDryEndpoint(String dryEndpoint) {
        this.dryEndpoint = dryEndpoint;
    }

    public String getDryClient() {
        return dryClient;
    }

    public void setDryClient(String dryClient) {
        this.dryClient = dryClient;
    }

    public String getDrySender() {
        return drySender;
    }

    public void setDrySender(String drySender) {
        this.drySender = drySender;
    }

    public String getDryRecipients() {
        return dryRecipients;
    }

    public void setDryRecipients(String dryRecipients) {
        this.dryRecipients = dryRecipients;
    }

    private void reload() {
        all = null;
        allProfiles = null;
    }
}
