package io.moat.smtp.api;

import java.io.IOException;
import java.io.InputStream;

/**
 * The message listener type of the SMTP resource adapter. An MDB implementing it receives the SMTP conversation's
 * decisions and messages.
 *
 * <p>
 * {@link #deliver} is called inside the adapter's {@code beforeDelivery}/{@code afterDelivery} bracket: the
 * client is answered {@code 250} only after {@code afterDelivery} has committed, so a message is acknowledged
 * only once it is durable. Any exception, or a failed commit, is answered {@code 451 4.3.0}.
 */
public interface SmtpMessageListener {

    /**
     * Decides whether the gateway takes mail for this recipient from this client and sender (relay control, and
     * whether a security rule takes it).
     *
     * @param mailFrom the reverse path of the transaction, {@code ""} for the null sender
     * @return {@code null} to accept, or the rejection to send
     */
    SmtpReply checkRecipient(SmtpClientInfo client, String mailFrom, String recipient);

    /**
     * Stores one accepted message. The stream is the message content exactly as received (dot-unstuffed), it
     * throws {@link MessageTooLargeException} when the endpoint's size limit is passed.
     *
     * @return the queue id the client is told in the {@code 250} reply
     */
    String deliver(SmtpEnvelope envelope, InputStream content) throws IOException;
}
