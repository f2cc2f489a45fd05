package io.moat.smtp.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The envelope of one message as the SMTP conversation gave it.
 *
 * @param client who sent it, and over what
 * @param sessionId the adapter's id of the SMTP session, for the logs
 * @param mailFrom the reverse path without angle brackets; empty for the null sender {@code <>}
 * @param recipients the accepted forward paths, in order
 * @param receivedAt when DATA started
 */
public record SmtpEnvelope(SmtpClientInfo client, String sessionId, String mailFrom, List<String> recipients,
        Instant receivedAt) {

    public SmtpEnvelope {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(mailFrom, "mailFrom");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
