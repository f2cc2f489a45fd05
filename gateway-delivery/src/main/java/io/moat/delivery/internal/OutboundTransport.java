package io.moat.delivery.internal;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP transport ({@code smtp}, or {@code smtps} for implicit TLS), telling afterwards how STARTTLS went:
 * whether the server offered it and why it failed. Angus reports both only as a {@link MessagingException} from
 * {@code connect}, indistinguishable from other connection failures. One per connection, used on one thread.
 */
final class OutboundTransport extends SMTPTransport {

    private Boolean startTlsOffered;
    private MessagingException startTlsFailure;

    /**
     * @param implicitTls {@code smtps}: the session's properties are then read under {@code mail.smtps.*}
     */
    OutboundTransport(Session session, boolean implicitTls) {
        super(session, null, implicitTls ? "smtps" : "smtp", implicitTls);
    }

    /** The server answered this transaction's {@code MAIL FROM} with 250. */
    private boolean mailAccepted;

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
        mailAccepted = false;
        super.sendMessage(message, addresses);
    }

    @Override
    protected void mailFrom() throws MessagingException {
        super.mailFrom();
        mailAccepted = true;
    }

    /**
     * Whether the last {@link #sendMessage} got as far as an accepted {@code MAIL FROM}: before that, the server has
     * taken nothing of the transaction, and a failure says only that the connection is no longer usable.
     */
    boolean mailAccepted() {
        return mailAccepted;
    }

    /** Angus asks once, after EHLO, when STARTTLS is enabled and the connection is not TLS yet. */
    @Override
    public boolean supportsExtension(String extension) {
        boolean supported = super.supportsExtension(extension);
        if ("STARTTLS".equalsIgnoreCase(extension) && !isSSL()) {
            startTlsOffered = supported;
        }
        return supported;
    }

    @Override
    protected void startTLS() throws MessagingException {
        try {
            super.startTLS();
        } catch (MessagingException e) {
            startTlsFailure = e;
            throw e;
        }
    }

    /** {@code false} if the server's EHLO reply had no STARTTLS; {@code null} if that was not looked at. */
    Boolean startTlsOffered() {
        return startTlsOffered;
    }

    /** Why STARTTLS failed (refused, or the handshake or certificate check failed), or {@code null}. */
    MessagingException startTlsFailure() {
        return startTlsFailure;
    }
}
