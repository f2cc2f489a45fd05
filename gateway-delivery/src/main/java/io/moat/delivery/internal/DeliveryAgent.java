package io.moat.delivery.internal;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Hands a spooled message to the downstream server with Angus Mail's SMTP transport, byte for byte: the spool file
 * is streamed after the headers we add, never re-encoded. The server's answer decides: 2xx delivered, 4xx or a
 * connection failure temporary, 5xx permanent.
 */
public final class DeliveryAgent {

    /** How an attempt ended. */
    public enum Outcome {
        DELIVERED, TEMPORARY, PERMANENT
    }

    /** The outcome, the server tried and its final reply (or what went wrong on the way). */
    public record Result(Outcome outcome, String server, String reply) {
    }

    private final URI downstream;
    private final String heloName;
    private final Duration timeout;

    /**
     * @param downstream {@code smtp://host:port}
     */
    public DeliveryAgent(URI downstream, String heloName, Duration timeout) {
        if (!"smtp".equalsIgnoreCase(downstream.getScheme()) || downstream.getHost() == null) {
            throw new IllegalArgumentException("moat.downstream.url must look like smtp://host:port, was "
                    + downstream);
        }
        this.downstream = downstream;
        this.heloName = heloName;
        this.timeout = timeout;
    }

    public String server() {
        return "smtp://" + downstream.getHost() + ":" + port();
    }

    private int port() {
        return downstream.getPort() > 0 ? downstream.getPort() : 25;
    }

    public Result deliver(Path message, byte[] addedHeaders, String mailFrom, List<String> recipients) {
        Properties props = new Properties();
        props.setProperty("mail.smtp.host", downstream.getHost());
        props.setProperty("mail.smtp.port", Integer.toString(port()));
        props.setProperty("mail.smtp.localhost", heloName);
        props.setProperty("mail.smtp.connectiontimeout", Long.toString(timeout.toMillis()));
        props.setProperty("mail.smtp.timeout", Long.toString(timeout.toMillis()));
        Session session = Session.getInstance(props);
        Address[] to;
        try {
            to = new Address[recipients.size()];
            for (int i = 0; i < to.length; i++) {
                to[i] = new InternetAddress(recipients.get(i), false);
            }
        } catch (AddressException e) {
            return new Result(Outcome.PERMANENT, server(), "553 5.1.3 invalid recipient address: " + e.getMessage());
        }
        SpooledMessage spooled = new SpooledMessage(session, message, addedHeaders);
        spooled.setEnvelopeFrom(mailFrom.isEmpty() ? "<>" : mailFrom);
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(spooled, to);
            return new Result(Outcome.DELIVERED, server(), transport.getLastServerResponse().strip());
        } catch (SMTPSendFailedException e) {
            return byCode(e.getReturnCode(), e.getMessage());
        } catch (SendFailedException e) {
            for (Exception next = e.getNextException(); next != null; next = next instanceof MessagingException m
                    ? m.getNextException()
                    : null) {
                if (next instanceof SMTPAddressFailedException failed) {
                    return byCode(failed.getReturnCode(), failed.getMessage());
                }
            }
            return new Result(Outcome.TEMPORARY, server(), "send failed: " + e.getMessage());
        } catch (MessagingException e) {
            return new Result(Outcome.TEMPORARY, server(), "connection to " + server() + " failed: " + describe(e));
        }
    }

    private Result byCode(int code, String reply) {
        Outcome outcome = code >= 500 ? Outcome.PERMANENT : Outcome.TEMPORARY;
        return new Result(outcome, server(), reply == null ? Integer.toString(code) : reply.strip());
    }

    private static String describe(MessagingException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e.getNextException();
        return cause == null ? e.getMessage() : e.getMessage() + " (" + cause + ")";
    }

    /** A message whose bytes are our added headers followed by the spool file, written as they are. */
    private static final class SpooledMessage extends SMTPMessage {
        private final Path file;
        private final byte[] addedHeaders;

        SpooledMessage(Session session, Path file, byte[] addedHeaders) {
            super(session);
            this.file = file;
            this.addedHeaders = addedHeaders.clone();
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            writeTo(out, null);
        }

        @Override
        public void writeTo(OutputStream out, String[] ignoreList) throws IOException {
            out.write(addedHeaders);
            try (InputStream in = Files.newInputStream(file)) {
                in.transferTo(out);
            }
        }

        @Override
        public int getSize() {
            return -1;
        }
    }
}
