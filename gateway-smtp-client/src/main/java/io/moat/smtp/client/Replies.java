package io.moat.smtp.client;

import java.util.List;

/**
 * The replies to one {@link SmtpConnection#transact transaction}: to {@code MAIL FROM}, to the {@code RCPT TO}s in
 * their order (fewer if the transaction ended before them), to {@code DATA} and to the end of the text; {@code null}
 * where that command was not sent or the transaction ended before its reply. They are all a caller needs to sort the
 * recipients: taken at {@code RCPT} and the end taken, refused at {@code RCPT} with their own reply, or sharing the
 * reply that ended the transaction.
 */
public record Replies(Reply mail, List<Reply> recipients, Reply data, Reply end) {

    public Replies {
        recipients = List.copyOf(recipients);
    }
}
