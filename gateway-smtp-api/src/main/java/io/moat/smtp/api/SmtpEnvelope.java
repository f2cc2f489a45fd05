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
 * @param smtpUtf8 the client gave {@code SMTPUTF8} on MAIL (RFC 6531): addresses and header fields may be UTF-8, and
 *            the message must go on only to servers that offer SMTPUTF8
 * @param eightBitMime the client gave {@code BODY=8BITMIME} on MAIL (RFC 6152): the text may hold octets above 127
 */
public record SmtpEnvelope(SmtpClientInfo client, String sessionId, String mailFrom, List<String> recipients,
        Instant receivedAt, boolean smtpUtf8, boolean eightBitMime) {

    public SmtpEnvelope {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(mailFrom, "mailFrom");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** An envelope whose MAIL command had neither SMTPUTF8 nor BODY=8BITMIME. */
    public SmtpEnvelope(SmtpClientInfo client, String sessionId, String mailFrom, List<String> recipients,
            Instant receivedAt) {
        this(client, sessionId, mailFrom, recipients, receivedAt, false, false);
    }
}
