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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        /** Every recipient accepted. */
        DELIVERED,
        /** Some recipients accepted, the others refused. */
        PARTIAL,
        /** Nothing delivered; at least one recipient may succeed later. */
        TEMPORARY,
        /** Nothing delivered, and every recipient was refused for good. */
        PERMANENT
    }

    /** A recipient the server did not take, and whether it ever will. */
    public record Refusal(String recipient, boolean permanent, String reply) {
    }

    /**
     * The outcome, the server tried, its final reply (or what went wrong on the way), the recipients it took and
     * those it refused. Every recipient is in exactly one of the two lists.
     */
    public record Result(Outcome outcome, String server, String reply, List<String> delivered,
            List<Refusal> refused) {

        public Result {
            delivered = List.copyOf(delivered);
            refused = List.copyOf(refused);
        }

        public List<String> temporarilyRefused() {
            return refused.stream().filter(r -> !r.permanent()).map(Refusal::recipient).toList();
        }

        public List<Refusal> permanentlyRefused() {
            return refused.stream().filter(Refusal::permanent).toList();
        }
    }

    private final URI downstream;
    /** One session for all deliveries: creating one loads Jakarta Mail's providers, which is not cheap. */
    private final Session session;

    /**
     * @param downstream {@code smtp://host:port}
     */
    public DeliveryAgent(URI downstream, String heloName, Duration timeout) {
        if (!"smtp".equalsIgnoreCase(downstream.getScheme()) || downstream.getHost() == null) {
            throw new IllegalArgumentException("moat.downstream.url must look like smtp://host:port, was "
                    + downstream);
        }
        this.downstream = downstream;
        Properties props = new Properties();
        props.setProperty("mail.smtp.host", downstream.getHost());
        props.setProperty("mail.smtp.port", Integer.toString(port()));
        props.setProperty("mail.smtp.localhost", heloName);
        props.setProperty("mail.smtp.connectiontimeout", Long.toString(timeout.toMillis()));
        props.setProperty("mail.smtp.timeout", Long.toString(timeout.toMillis()));
        // a refused recipient must not stop delivery to the others
        props.setProperty("mail.smtp.sendpartial", "true");
        this.session = Session.getInstance(props);
    }

    public String server() {
        return "smtp://" + downstream.getHost() + ":" + port();
    }

    private int port() {
        return downstream.getPort() > 0 ? downstream.getPort() : 25;
    }

    public Result deliver(Path message, byte[] addedHeaders, String mailFrom, List<String> recipients) {
        Address[] to;
        try {
            to = new Address[recipients.size()];
            for (int i = 0; i < to.length; i++) {
                to[i] = new InternetAddress(recipients.get(i), false);
            }
        } catch (AddressException e) {
            return allRefused(recipients, true, "553 5.1.3 invalid recipient address: " + e.getMessage());
        }
        SpooledMessage spooled = new SpooledMessage(session, message, addedHeaders);
        spooled.setEnvelopeFrom(mailFrom.isEmpty() ? "<>" : mailFrom);
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(spooled, to);
            return new Result(Outcome.DELIVERED, server(), transport.getLastServerResponse().strip(), recipients,
                    List.of());
        } catch (SendFailedException e) {
            return sendFailed(e, recipients);
        } catch (MessagingException e) {
            return allRefused(recipients, false, "connection to " + server() + " failed: " + describe(e));
        }
    }

    /**
     * Sorts the recipients of a failed or partly failed transaction: those the server took (valid and sent),
     * those refused at RCPT with their own reply, and the rest, which share the transaction's reply.
     */
    private Result sendFailed(SendFailedException e, List<String> recipients) {
        List<String> delivered = new ArrayList<>();
        if (e.getValidSentAddresses() != null) {
            for (Address address : e.getValidSentAddresses()) {
                delivered.add(((InternetAddress) address).getAddress());
            }
        }
        Map<String, Refusal> refused = new LinkedHashMap<>();
        for (Exception next = e; next != null; next = next instanceof MessagingException m
                ? m.getNextException()
                : null) {
            if (next instanceof SMTPAddressFailedException failed) {
                String recipient = failed.getAddress().getAddress();
                refused.put(recipient, new Refusal(recipient, failed.getReturnCode() >= 500, reply(failed)));
            }
        }
        int code = e instanceof SMTPSendFailedException failed ? failed.getReturnCode() : -1;
        String reply = reply(e);
        for (String recipient : recipients) {
            if (!delivered.contains(recipient) && !refused.containsKey(recipient)) {
                refused.put(recipient, new Refusal(recipient, code >= 500, reply));
            }
        }
        List<Refusal> refusals = List.copyOf(refused.values());
        Outcome outcome = !delivered.isEmpty()
                ? Outcome.PARTIAL
                : refusals.stream().allMatch(Refusal::permanent) ? Outcome.PERMANENT : Outcome.TEMPORARY;
        String summary = refusals.isEmpty() ? reply : refusals.get(0).reply();
        return new Result(outcome, server(), summary, delivered, refusals);
    }

    private Result allRefused(List<String> recipients, boolean permanent, String reply) {
        return new Result(permanent ? Outcome.PERMANENT : Outcome.TEMPORARY, server(), reply, List.of(),
                recipients.stream().map(r -> new Refusal(r, permanent, reply)).toList());
    }

    private static String reply(MessagingException e) {
        return e.getMessage() == null ? "" : e.getMessage().strip();
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
