package io.moat.web.console;

import io.moat.delivery.MessageDetailDto;
import io.moat.delivery.MessageQueries;
import io.moat.delivery.Quarantine;
import io.moat.delivery.QuarantineItemDto;
import io.moat.delivery.QuarantineItemDto.AttachmentDto;
import io.moat.settings.RefusedException;
import io.moat.settings.rules.SecurityRule;
import io.moat.settings.rules.SecurityRuleService;
import io.moat.web.internal.QuarantineFormInput;
import io.moat.web.internal.TextLists;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A quarantined message: envelope, reason, rule, each part's verdict, what was done to it; and the admin's actions
 * (release to all or some recipients, rescan with passwords and under a chosen rule, forward, download, delete). After
 * an action the page is loaded again (post-redirect-get): it says what happened and, once the message has left the
 * quarantine, where it is now. The passwords are plain fields read from the request alone
 * ({@link QuarantineFormInput}), never rendered with a value.
 */
@Named("quarantined")
@ViewScoped
public class QuarantinedMessageView implements Serializable {

    private static final long serialVersionUID = 1L;
    /** The request parameters of the rescan's password fields and of the file name beside each. */
    static final String PASSWORD = "rescan-password";
    static final String PASSWORD_FILE = "rescan-file";

    @Inject
    Quarantine quarantine;

    @Inject
    MessageQueries messages;

    @Inject
    SecurityRuleService rules;

    @Inject
    Viewer who;

    private String id;
    private String copy;
    private List<String> releaseTo;
    private String rescanRule;
    private String forwardTo;
    /** The action waiting for its confirmation: "download" or "delete"; null when none. */
    private String confirm;
    private transient QuarantineItemDto detail;
    private transient String stateNow;

    /** The message if it is held; null if it is not (any more). */
    public QuarantineItemDto getDetail() {
        if (detail == null && id != null) {
            detail = quarantine.detail(id).orElse(null);
            if (detail != null && releaseTo == null) {
                releaseTo = new ArrayList<>(detail.envelope().recipients());
            }
        }
        return detail;
    }

    /** Where a message that is not held is now (its state), null if there is no such message. */
    public String getStateNow() {
        if (stateNow == null && id != null) {
            stateNow = messages.detail(id).map(MessageDetailDto::state).orElse(null);
        }
        return stateNow;
    }

    /** The file names of the parts Core could not open without a password, each once. */
    public List<String> getEncrypted() {
        QuarantineItemDto d = getDetail();
        return d == null
                ? List.of()
                : d.attachments().stream().filter(AttachmentDto::encrypted).map(AttachmentDto::fileName).distinct()
                        .toList();
    }

    public List<String> getRuleNames() {
        return rules.list().stream().map(SecurityRule::name).toList();
    }

    /** Delivers the message as it came to the recipients ticked: all of them, or a copy to some. */
    @AdminOnly
    public String release() {
        try {
            QuarantineItemDto held = fresh();
            List<String> to = QuarantineFormInput.releaseTo(releaseTo, held.envelope().recipients());
            quarantine.release(id, to, who.actor());
            Feedback.done(to == null
                    ? "Released to all its recipients: it has left the quarantine and is delivered as it came within"
                            + " a few seconds."
                    : "Released to " + String.join(", ", to) + ": a copy of their own is delivered as it came (see"
                            + " the actions below); the message stays held for the others.");
            return again(null);
        } catch (RefusedException e) {
            Feedback.refused(e.getMessage().startsWith("recipients:") ? "release-form:release-to" : null, e);
            return null;
        }
    }

    /**
     * Scans the message again under the chosen rule (none: its own), with the passwords typed for its encrypted
     * parts; they are sent to Core with their parts and the arrays cleared, whatever happens.
     */
    @AdminOnly
    public String rescan() {
        Map<String, String[]> request = FacesContext.getCurrentInstance().getExternalContext()
                .getRequestParameterValuesMap();
        Map<String, char[]> passwords = Map.of();
        try {
            fresh();
            passwords = QuarantineFormInput.passwords(request.get(PASSWORD_FILE), request.get(PASSWORD));
            String files = String.join(", ", passwords.keySet());
            String rule = TextLists.stripped(rescanRule);
            quarantine.rescan(id, passwords, rule, who.actor());
            Feedback.done("Scanning again" + (files.isEmpty() ? "" : " with the passwords for " + files)
                    + " under " + (rule == null ? "its own rule" : "rule " + rule) + ": the scan decides again, as for"
                    + " new mail. A wrong password brings it back here, held for a password.");
            return again(null);
        } catch (RefusedException e) {
            Feedback.refused(null, e);
            return null;
        } finally {
            passwords.values().forEach(p -> Arrays.fill(p, '\0'));
        }
    }

    /** Sends a copy, as it came, to the address typed, from the null sender; the message stays held. */
    @AdminOnly
    public String forward() {
        try {
            fresh();
            String sent = quarantine.forward(id, forwardTo, who.actor());
            Feedback.done("Forwarded to " + forwardTo.strip() + " from the null sender, as message " + sent
                    + "; this message stays held.");
            return again(sent);
        } catch (RefusedException e) {
            Feedback.refused(e.getMessage().startsWith("to:") ? "forward-form:forward-to" : null, e);
            return null;
        }
    }

    /** The first step of a download: the page warns what the file may hold and asks to confirm. */
    @AdminOnly
    public void askDownload() {
        confirm = "download";
    }

    /**
     * Sends the message as it came ({@code message/rfc822}, as an attachment); recorded. Served here, not by a link to
     * the REST API, which takes HTTP Basic only and never the console's session (ADR 12).
     */
    @AdminOnly
    public void download() {
        confirm = null;
        FacesContext faces = FacesContext.getCurrentInstance();
        ExternalContext response = faces.getExternalContext();
        try (InputStream in = quarantine.download(id, who.actor())) {
            response.responseReset();
            response.setResponseContentType("message/rfc822");
            response.setResponseHeader("Content-Disposition", "attachment; filename=\""
                    + id.replaceAll("[^A-Za-z0-9._-]", "_") + ".eml\"");
            response.setResponseHeader("X-Content-Type-Options", "nosniff");
            in.transferTo(response.getResponseOutputStream());
            faces.responseComplete();
        } catch (RefusedException e) {
            Feedback.refused(null, e);
        } catch (IOException e) {
            throw new UncheckedIOException("the download of quarantined message " + id + " broke off", e);
        }
    }

    /** The first step of a deletion: the page asks to confirm it. */
    @AdminOnly
    public void askDelete() {
        confirm = "delete";
    }

    /** Takes the message out of the quarantine for good: its files go, its record and actions stay. */
    @AdminOnly
    public String delete() {
        confirm = null;
        try {
            quarantine.delete(id, who.actor());
            Feedback.done("Deleted: its files are gone; its record and what was done to it stay until the records'"
                    + " retention.");
            return again(null);
        } catch (RefusedException e) {
            Feedback.refused(null, e);
            return null;
        }
    }

    public void cancel() {
        confirm = null;
    }

    /** The message as it is now, for an action (the page may have been shown a while ago); CONFLICT if not held. */
    private QuarantineItemDto fresh() {
        detail = null;
        QuarantineItemDto held = getDetail();
        if (held == null) {
            throw new RefusedException(RefusedException.Reason.CONFLICT, "message " + id + " is no longer in the"
                    + " quarantine");
        }
        return held;
    }

    /** This page again, with the feedback, once the action is done (a reload repeats nothing). */
    private String again(String copyId) {
        Feedback.keepOverRedirect();
        return "/quarantine-message.xhtml?faces-redirect=true&id=" + id + (copyId == null ? "" : "&copy=" + copyId);
    }

    public String getConfirm() {
        return confirm;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    /** The id of the copy a forward just sent, to follow under Messages. */
    public String getCopy() {
        return copy;
    }

    public void setCopy(String copy) {
        this.copy = copy;
    }

    public List<String> getReleaseTo() {
        return releaseTo;
    }

    public void setReleaseTo(List<String> releaseTo) {
        this.releaseTo = releaseTo;
    }

    public String getRescanRule() {
        return rescanRule;
    }

    public void setRescanRule(String rescanRule) {
        this.rescanRule = rescanRule;
    }

    public String getForwardTo() {
        return forwardTo;
    }

    public void setForwardTo(String forwardTo) {
        this.forwardTo = forwardTo;
    }
}
