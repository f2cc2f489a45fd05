package io.moat.web;

import jakarta.json.bind.annotation.JsonbNillable;
import java.util.List;
import java.util.Map;

/**
 * A security rule as integrators send and read it (field names kept stable; see the README's "Security rules").
 * Enumerations are strings here so that a wrong value is refused with the field's name; profiles by name or id.
 */
public record SecurityRuleDto(String id, String name, Boolean enabled, Integer position, FilterDto filter,
        String coreProfile, String coreRule, String relayProfile, Boolean scanBody, ActionsDto actions,
        MarksDto marks, String scanErrorAfter, CdrDto cdr) {

    /**
     * Deep CDR: {@code useSanitized} (attachments Core sanitized are delivered as its sanitized files) and
     * {@code onFailure}: BLOCK or DELIVER_ORIGINAL (what a failed sanitization does).
     */
    public record CdrDto(Boolean useSanitized, String onFailure) {
    }

    /** Which mail the rule takes: {@code direction} INBOUND or OUTBOUND. */
    public record FilterDto(List<String> endpoints, List<String> previousHops, List<String> senders,
            List<String> recipients, String direction) {
    }

    /**
     * {@code blocked}: QUARANTINE, DELETE_CONTENT or DELIVER_TAGGED; {@code encrypted}: QUARANTINE, BLOCK or
     * DELIVER_TAGGED; {@code scanError}: RETRY, FAIL or BYPASS.
     */
    public record ActionsDto(String blocked, String encrypted, String scanError) {
    }

    /** The marks per outcome that is delivered. */
    public record MarksDto(MarkDto allowed, MarkDto blocked, MarkDto encrypted, MarkDto scanError) {
    }

    /** What is added to a delivered message. */
    public record MarkDto(String subjectTag, Map<String, String> headers, DisclaimerDto disclaimer) {
    }

    /** {@code position} TOP or BOTTOM; {@code style} INFO, WARNING or CRITICAL. */
    public record DisclaimerDto(String text, String html, String position, String style) {
    }

    /** The dry run's question: an envelope as it would arrive. */
    public record EvaluationRequest(String endpoint, String clientAddress, String sender, List<String> recipients) {
    }

    /** The dry run's answer: the rule each recipient matches ({@code rule} null: none, refused at RCPT). */
    public record EvaluationDto(List<RecipientRule> recipients) {
    }

    /** One recipient and its rule; {@code rule} is written as null when none takes it. */
    @JsonbNillable
    public record RecipientRule(String address, String rule) {
    }

    /** A move: the new position, 1 the first. */
    public record MoveRequest(Integer position) {
    }
}
