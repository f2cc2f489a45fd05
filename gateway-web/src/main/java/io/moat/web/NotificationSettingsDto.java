package io.moat.web;

import java.util.List;

/**
 * Settings &gt; Notifications as integrators send and read them (see the README): in a {@code PUT}, an omitted field
 * takes its default; a {@code GET} answers every field, each template as it is in effect. {@code adminOutcomes} are
 * strings (BLOCKED, ENCRYPTED, SCAN_ERROR, UNINSPECTED, PROCESSING_FAILED) so that a wrong one is refused with the
 * field's name; {@code relayProfile} an SMTP profile by name or id (answered by name), null for the held message's
 * rule's.
 */
public record NotificationSettingsDto(String from, Boolean recipient, Boolean sender, List<String> admins,
        List<String> adminOutcomes, Integer digestMinutes, String relayProfile, TemplatesDto templates) {

    /** A template per kind of notification. */
    public record TemplatesDto(TemplateDto recipient, TemplateDto sender, TemplateDto admin) {
    }

    /** One kind's words: a one-line subject, the text and the HTML, with placeholders such as {@code {subject}}. */
    public record TemplateDto(String subject, String text, String html) {
    }
}
