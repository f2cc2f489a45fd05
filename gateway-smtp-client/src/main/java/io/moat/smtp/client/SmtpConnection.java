package io.moat.smtp.client;

import java.io.IOException;
import java.util.List;
import javax.net.ssl.SSLSession;

/**
 * One connection to an SMTP server, greeted, past {@code EHLO}, STARTTLS and AUTH as its {@link Endpoint} asked:
 * ready for transactions, one after the other. Used by one thread at a time; a pool may hand it on between threads.
 */
public interface SmtpConnection extends AutoCloseable {

    /** The server and port it runs to, e.g. {@code mx.example.com:25}. */
    String address();

    /** Whether the server's last EHLO reply offered {@code extension} (its keyword, in any case). */
    boolean supports(String extension);

    /** The TLS session the connection runs in, or {@code null} in clear text. */
    SSLSession tls();

    /**
     * Whether this connection, kept from an earlier transaction, can carry the next: where the server pipelines,
     * whether it is still open on our side (the {@code RSET} at the head of the next transaction checks that the
     * server still answers); else whether it answers a {@code RSET} of its own. A connection that does not is closed.
     */
    boolean usable();

    /**
     * One transaction: {@code MAIL FROM}, a {@code RCPT TO} per recipient, {@code DATA}, the text and its end; where
     * the server offers PIPELINING (RFC 2920) preceded by {@code RSET} on a connection that carried one before, all
     * commands up to {@code DATA} in one write and their replies read afterwards, in order (two round trips a
     * message). Without PIPELINING each command waits for its reply, and the transaction stops at a refused
     * {@code MAIL} or when no recipient was taken. The text is sent only after {@code 354} with a recipient taken,
     * and its end goes in the same write as its last bytes.
     * <p>
     * A server that answers {@code DATA} with 354 when no recipient was taken has its connection closed without an
     * end of data (an end would deliver an empty message); so has any connection on which the transaction fails.
     * Commands go in UTF-8: the same bytes as ASCII for ASCII addresses, what SMTPUTF8 (RFC 6531) asks for otherwise.
     *
     * @param reversePath the sender, {@code <>} for the null reverse path; angle brackets are added where missing
     * @param mailParameters appended to {@code MAIL FROM:<...>}, e.g. {@code " SMTPUTF8 BODY=8BITMIME"}; {@code ""}
     *            for none
     * @throws IOException a failure to write or read (the connection is closed then), a {@code RSET} refused (the
     *             server took nothing), an address with a line break, or what {@code text} throws
     */
    Replies transact(String reversePath, List<String> recipients, String mailParameters, MessageText text)
            throws IOException;

    /** Whether the last {@link #transact} got as far as a {@code MAIL FROM} accepted: before that, nothing was taken. */
    boolean mailAccepted();

    /** {@code QUIT}, its reply awaited within the read time-out, then the socket closed; never fails. */
    @Override
    void close();
}
