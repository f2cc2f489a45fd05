package io.moat.web.console;

import io.moat.delivery.Actor;
import io.moat.delivery.Quarantine;
import io.moat.delivery.QuarantineFilter;
import io.moat.delivery.QuarantineItemDto;
import io.moat.settings.RefusedException;
import io.moat.settings.rules.SecurityRule;
import io.moat.settings.rules.SecurityRuleService;
import io.moat.web.internal.QuarantineFormInput;
import io.moat.web.internal.TextLists;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Console › Quarantine: what the security rules hold, newest first. The filters are a plain GET form, so every search
 * is a link (the dashboard links here); dates are whole UTC days, {@code to} included, as under Messages. The
 * messages ticked in the list can be released (to all their recipients), rescanned (under their own rule) or deleted
 * (after a confirmation), each on its own: one refused does not stop the others, and the page says how each went.
 */
@Named("quarantine")
@ViewScoped
public class QuarantineView implements Serializable {

    private static final long serialVersionUID = 1L;
    static final int PAGE = 50;
    /** The request parameter of the list's check boxes: one value, a message id, per ticked row. */
    static final String TICKED = "ticked";

    @Inject
    Quarantine quarantine;

    @Inject
    SecurityRuleService rules;

    @Inject
    Viewer who;

    private String reason;
    private String rule;
    private String sender;
    private String recipient;
    private String from;
    private String to;
    private int page;
    /** Read again for each rendering after an action; not part of the view's state. */
    private transient List<QuarantineItemDto> found;
    /** The ticked messages a deletion waits to be confirmed for; null when none waits. */
    private List<String> confirmDelete;

    /**
     * Reads the list before the page is rendered (preRenderView), so that a bad filter is reported next to its field:
     * read while rendering the list, it would be found after the field had been written.
     */
    public void search() {
        getFound();
    }

    /** The page of held messages matching the filters; a bad filter is reported next to its field. */
    public List<QuarantineItemDto> getFound() {
        if (found == null) {
            found = quarantine.list(new QuarantineFilter(reason(reason), TextLists.stripped(rule),
                    TextLists.stripped(sender), TextLists.stripped(recipient), MessagesView.day("from", from, 0),
                    MessagesView.day("to", to, 1)), page * PAGE, PAGE + 1);
        }
        return found.size() > PAGE ? found.subList(0, PAGE) : found;
    }

    public boolean isMore() {
        getFound();
        return found.size() > PAGE;
    }

    private static String reason(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Quarantine.reason(text).name();
        } catch (RefusedException e) {
            Feedback.error("search-reason", "'" + text + "' is not a reason; choose one from the list.");
            return null;
        }
    }

    public List<String> getReasons() {
        return Arrays.stream(Quarantine.Reason.values()).map(Enum::name).toList();
    }

    /** The rules' names as they are now, offered in the rule field (a deleted rule's mail is found by name too). */
    public List<String> getRuleNames() {
        return rules.list().stream().map(SecurityRule::name).toList();
    }

    // ---- bulk actions on the ticked messages

    /** Releases each ticked message to all its held recipients, delivered as it came. */
    @AdminOnly
    public void release() {
        Actor actor = who.actor();
        each(ticked(), id -> quarantine.release(id, null, actor), "Released", "each goes to all its held recipients"
                + " as it came, within a few seconds (follow them under Messages)");
    }

    /** Scans each ticked message again under its own rule; the pipeline then decides as for new mail. */
    @AdminOnly
    public void rescan() {
        Actor actor = who.actor();
        each(ticked(), id -> quarantine.rescan(id, Map.of(), null, actor), "Rescanning", "each under its own rule;"
                + " the scan decides again, as for new mail");
    }

    /** The first step of a deletion: the page asks to confirm it for the messages ticked. */
    @AdminOnly
    public void askDelete() {
        confirmDelete = ticked();
    }

    /** Deletes the messages the confirmation was asked for: their files go, their records stay. */
    @AdminOnly
    public void delete() {
        List<String> ids = confirmDelete;
        confirmDelete = null;
        Actor actor = who.actor();
        each(ids, id -> quarantine.delete(id, actor), "Deleted", "their files are gone; their records stay under"
                + " Messages, as DELETED, until the records' retention");
    }

    public void keep() {
        confirmDelete = null;
    }

    public List<String> getConfirmDelete() {
        return confirmDelete;
    }

    /** The ids ticked in the list as it was shown; null (and said so) when none or too many. */
    private static List<String> ticked() {
        try {
            return QuarantineFormInput.selected(FacesContext.getCurrentInstance().getExternalContext()
                    .getRequestParameterValuesMap().get(TICKED));
        } catch (RefusedException e) {
            Feedback.refused(null, e);
            return null;
        }
    }

    /** {@code action} on each message, each refusal in the service's words, then how many it was done to. */
    private void each(List<String> ids, Consumer<String> action, String verb, String done) {
        if (ids == null) {
            return;
        }
        int count = 0;
        for (String id : ids) {
            try {
                action.accept(id);
                count++;
            } catch (RefusedException e) {
                Feedback.refused(null, e);
            }
        }
        if (count > 0) {
            Feedback.done(verb + " " + count + (count == 1 ? " message: " : " messages: ") + done + ".");
        }
        found = null;
    }

    // ---- the filters, as view parameters

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getRule() {
        return rule;
    }

    public void setRule(String rule) {
        this.rule = rule;
    }

    public String getSender() {
        return sender;
    }

    public void setSender(String sender) {
        this.sender = sender;
    }

    public String getRecipient() {
        return recipient;
    }

    public void setRecipient(String recipient) {
        this.recipient = recipient;
    }

    public String getFrom() {
        return from;
    }

    public void setFrom(String from) {
        this.from = from;
    }

    public String getTo() {
        return to;
    }

    public void setTo(String to) {
        this.to = to;
    }

    public int getPage() {
        return page;
    }

    public void setPage(int page) {
        this.page = Math.max(0, page);
    }
}
