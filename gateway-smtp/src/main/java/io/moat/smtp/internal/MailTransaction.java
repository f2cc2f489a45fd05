package io.moat.smtp.internal;

import io.moat.smtp.api.SmtpClientInfo;
import io.moat.smtp.api.SmtpEnvelope;
import io.moat.smtp.api.SmtpReply;
import jakarta.resource.ResourceException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One mail transaction, from an accepted MAIL to the end of DATA (or RSET). Relay control at RCPT and the DATA
 * hand-off both go to the MDB; every failure becomes an SMTP reply with an enhanced status, never a dropped message
 * and never a {@code 250} for a message that is not stored.
 */
final class MailTransaction {

    private static final Logger LOG = Logger.getLogger(MailTransaction.class.getName());

    private final SmtpClientInfo client;
    private final String sessionId;
    private final String mailFrom;
    private final boolean smtpUtf8;
    private final boolean eightBitMime;
    private final long maxMessageSize;
    private final EndpointInvoker invoker;
    private final List<String> recipients = new ArrayList<>();
    /** The accepted recipients as {@link #mailbox} compares them. */
    private final Set<String> mailboxes = new HashSet<>();

    /**
     * @param client who sends, and over what (fixed for the transaction: EHLO and STARTTLS end it)
     * @param mailFrom the reverse path, {@code ""} for the null sender
     * @param smtpUtf8 MAIL had {@code SMTPUTF8} (RFC 6531)
     * @param eightBitMime MAIL had {@code BODY=8BITMIME} (RFC 6152)
     */
    MailTransaction(SmtpClientInfo client, String sessionId, String mailFrom, boolean smtpUtf8, boolean eightBitMime,
            long maxMessageSize, EndpointInvoker invoker) {
        this.client = client;
        this.sessionId = sessionId;
        this.mailFrom = mailFrom;
        this.smtpUtf8 = smtpUtf8;
        this.eightBitMime = eightBitMime;
        this.maxMessageSize = maxMessageSize;
        this.invoker = invoker;
    }

    /** Whether MAIL said SMTPUTF8: only then may addresses hold other than ASCII. */
    boolean smtpUtf8() {
        return smtpUtf8;
    }

    int recipientCount() {
        return recipients.size();
    }

    /** Whether this mailbox was accepted already: the domain compared in any case, the local part exactly. */
    boolean hasRecipient(String recipient) {
        return mailboxes.contains(mailbox(recipient));
    }

    /**
     * The local part as given (RFC 5321 2.4: it may be case-sensitive) and the domain in lower case; the whole of a
     * recipient without a domain ({@code <Postmaster>}, which is case-insensitive, RFC 5321 4.5.1).
     */
    private static String mailbox(String recipient) {
        int at = recipient.lastIndexOf('@');
        return at < 0
                ? recipient.toLowerCase(Locale.ROOT)
                : recipient.substring(0, at + 1) + recipient.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** Asks the MDB whether it takes mail for {@code recipient}; null when accepted, else the reply to send. */
    SmtpReply addRecipient(String recipient) {
        SmtpReply rejection;
        try {
            rejection = invoker.checkRecipient(client, mailFrom, recipient);
        } catch (ResourceException | RuntimeException e) {
            LOG.log(Level.WARNING, "recipient check failed for <" + recipient + "> from " + client.remoteAddress()
                    + " on SMTP endpoint '" + client.endpoint() + "'; answering 451", e);
            return new SmtpReply(451, "4.3.0", "Temporary failure, try again later");
        }
        if (rejection != null) {
            LOG.fine(() -> "rejected RCPT <" + recipient + "> from " + client.remoteAddress() + ": "
                    + rejection.line());
            return rejection;
        }
        recipients.add(recipient);
        mailboxes.add(mailbox(recipient));
        return null;
    }

    /**
     * Hands the content to the MDB and reads it to its end whatever the MDB did (as far as the content's drain limit
     * lets it: see {@link DataContentStream#ended()}).
     *
     * @return {@code 250} once the MDB's transaction committed; otherwise why not
     * @throws IOException the connection to the client failed (the session ends)
     */
    SmtpReply deliver(DataContentStream content) throws IOException {
        SizeLimitedInputStream limited = new SizeLimitedInputStream(content, maxMessageSize);
        SmtpEnvelope envelope = new SmtpEnvelope(client, sessionId, mailFrom, recipients, Instant.now(), smtpUtf8,
                eightBitMime);
        String queueId;
        try {
            queueId = invoker.deliver(envelope, limited);
        } catch (IOException | ResourceException | RuntimeException e) {
            // the stream's own state says why, whatever the MDB or the container made of its exception
            content.drain(); // throws again if the client's connection failed
            if (limited.exceeded()) {
                return new SmtpReply(552, "5.3.4", "Message size exceeds fixed limit of " + limited.limit()
                        + " bytes");
            }
            if (content.bareNewline()) {
                LOG.info(() -> "refused message from <" + mailFrom + "> (" + client.remoteAddress()
                        + ") on SMTP endpoint '" + client.endpoint() + "': bare CR or LF in DATA"
                        + (content.endedAmbiguously() ? ", ambiguous end of data; closing the connection" : ""));
                return new SmtpReply(550, "5.6.0", "Message refused: bare CR or LF in DATA, lines must end with"
                        + " CRLF");
            }
            LOG.log(Level.WARNING, "could not store message from <" + mailFrom + "> (" + client.remoteAddress()
                    + ") on SMTP endpoint '" + client.endpoint() + "'; answering 451 so that the client retries", e);
            return new SmtpReply(451, "4.3.0", "Message not stored, try again later");
        }
        content.drain(); // what the MDB left unread; it is stored, so the answer stays 250
        return new SmtpReply(250, "2.0.0", "Ok: queued as " + queueId);
    }
}
