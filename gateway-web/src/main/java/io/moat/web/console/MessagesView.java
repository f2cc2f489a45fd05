package io.moat.web.console;

import io.moat.delivery.MessageQueries;
import io.moat.delivery.MessageSummaryDto;
import io.moat.persistence.MessageQuery;
import io.moat.persistence.MessageState;
import io.moat.settings.rules.SecurityRule;
import io.moat.settings.rules.SecurityRule.Outcome;
import io.moat.settings.rules.SecurityRuleService;
import io.moat.web.internal.TextLists;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Messages: the search form is a plain GET form, so every search is a link (the dashboard links to
 * {@code messages.xhtml?state=DEFERRED}); dates are whole UTC days, {@code to} included; {@code rule} is a security
 * rule's name and {@code outcome} what the scan concluded (the dashboard links to {@code outcome=SCAN_ERROR}).
 */
@Named("messages")
@RequestScoped
public class MessagesView {

    static final int PAGE = 50;

    @Inject
    MessageQueries reader;

    @Inject
    SecurityRuleService rules;

    private String state;
    private String sender;
    private String recipient;
    private String subject;
    private String from;
    private String to;
    private String rule;
    private String outcome;
    private int page;
    private List<MessageSummaryDto> found;

    /** The page of messages matching the search, newest first; a bad criterion is reported next to its field. */
    public List<MessageSummaryDto> getFound() {
        if (found == null) {
            MessageState wanted = state(state);
            Instant since = day("from", from, 0);
            Instant before = day("to", to, 1);
            String decided = outcome(outcome);
            found = reader.search(
                    new MessageQuery(wanted, sender, recipient, subject, since, before, TextLists.stripped(rule),
                            decided),
                    page * PAGE, PAGE + 1);
        }
        return found.size() > PAGE ? found.subList(0, PAGE) : found;
    }

    public boolean isMore() {
        getFound();
        return found.size() > PAGE;
    }

    public List<String> getStates() {
        return Arrays.stream(MessageState.values()).map(Enum::name).toList();
    }

    private static MessageState state(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return MessageState.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            Feedback.error("search-state", "'" + text + "' is not a state; choose one from the list.");
            return null;
        }
    }

    /** The rules' names as they are now, offered in the rule field (a deleted rule's mail is found by its name too). */
    public List<String> getRuleNames() {
        return rules.list().stream().map(SecurityRule::name).toList();
    }

    public List<String> getOutcomes() {
        return Arrays.stream(Outcome.values()).map(Enum::name).toList();
    }

    private static String outcome(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Outcome.valueOf(text.strip().toUpperCase(Locale.ROOT)).name();
        } catch (IllegalArgumentException e) {
            Feedback.error("search-outcome", "'" + text + "' is not an outcome; choose one from the list.");
            return null;
        }
    }

    /** A search form's date as the start of that UTC day plus {@code plusDays}; a bad one said next to its field. */
    static Instant day(String field, String text, int plusDays) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip()).plusDays(plusDays).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            Feedback.error("search-" + field, "'" + text + "' is not a date: use the form 2026-11-29.");
            return null;
        }
    }

    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
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

    public String getSubject() {
        return subject;
    }

    public void setSubject(String subject) {
        this.subject = subject;
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

    public String getRule() {
        return rule;
    }

    public void setRule(String rule) {
        this.rule = rule;
    }

    public String getOutcome() {
        return outcome;
    }

    public void setOutcome(String outcome) {
        this.outcome = outcome;
    }

    public int getPage() {
        return page;
    }

    public void setPage(int page) {
        this.page = Math.max(0, page);
    }
}
