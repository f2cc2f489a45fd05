package io.moat.delivery.outbound;

import io.moat.mime.Octets;
import io.moat.settings.profiles.SmtpTarget;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.smtp.client.Credentials;
import io.moat.smtp.client.Replies;
import io.moat.smtp.client.Reply;
import io.moat.smtp.client.SmtpClient;
import io.moat.smtp.client.SmtpConnection;
import io.moat.smtp.client.SmtpFailure;
import io.moat.tls.OpportunisticTrustManager;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.logging.Logger;
import javax.net.SocketFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;

/**
 * Hands a spooled message to a downstream server with our SMTP client ({@link SmtpClient}, ADR 0028), byte for
 * byte: the spool file is streamed after the headers we add, never re-encoded. The servers are tried in order until
 * one answers the transaction; its answer decides: 2xx delivered, 4xx temporary, 5xx permanent. Failing to reach
 * every server is temporary.
 * <p>
 * TLS towards each server is as its {@link SmtpTarget} says: optional STARTTLS is opportunistic (RFC 7435): it keeps
 * the encryption when the server's certificate does not verify, and falls back to clear text, on a second connection,
 * only where STARTTLS is not offered or the handshake fails; the result's {@link Result#note() note} says which.
 * Required STARTTLS and implicit TLS verify and never fall back.
 * <p>
 * What the client declared when the message came in ({@link MailOptions}) goes on: {@code SMTPUTF8} (RFC 6531) and
 * {@code BODY=8BITMIME} (RFC 6152) on {@code MAIL FROM} where the server offers them. Where it does not offer
 * SMTPUTF8, the recipients that need it fail for good with {@code 5.6.7}; where it does not offer 8BITMIME, a message
 * declared 8-bit that does hold 8-bit octets fails for good with {@code 5.6.3} (ADR 0022). Safe for concurrent use.
 */
public final class DeliveryAgent {

    private static final Logger LOG = Logger.getLogger(DeliveryAgent.class.getName());
    /** How long a connection waits, after a delivery, for the next message to the same server. */
    static final Duration IDLE_LIMIT = Duration.ofSeconds(5);
    /** Transactions on one connection before it is closed (servers limit their sessions too). */
    static final int REUSE_LIMIT = 100;
    /** Connections kept waiting per server (one per pipeline worker is plenty). */
    private static final int IDLE_PER_SERVER = 32;

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
     * The parameters the client gave on {@code MAIL FROM} when the message came in.
     *
     * @param smtpUtf8 {@code SMTPUTF8} (RFC 6531): the message may have UTF-8 in its addresses and header fields
     * @param eightBitMime {@code BODY=8BITMIME} (RFC 6152): its text may have octets above 127
     */
    public record MailOptions(boolean smtpUtf8, boolean eightBitMime) {
        /** Neither: a message as plain SMTP (RFC 5321) carries it. */
        public static final MailOptions NONE = new MailOptions(false, false);
    }

    /**
     * The outcome, the server that answered last (or the last one tried), its final reply (or what went wrong on the
     * way), the recipients it took and those it refused. Every recipient is in exactly one of the two lists.
     *
     * @param tlsProtocol the TLS version of the connection that carried the transaction, {@code null} in clear text
     *            or when no connection got that far
     * @param tlsCipher its cipher suite, {@code null} likewise
     * @param note {@code null}, or, for optional STARTTLS, why the connection is in clear text or not verified, e.g.
     *            {@code "clear text: the server offered no STARTTLS"} or {@code "TLS without verification: ..."}
     */
    public record Result(Outcome outcome, String server, String reply, List<String> delivered,
            List<Refusal> refused, String tlsProtocol, String tlsCipher, String note) {

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

    private final SmtpClient client;
    /** Connections that delivered a message and may carry the next one to the same server, newest last. */
    private final Map<PoolKey, Deque<Idle>> idle = new ConcurrentHashMap<>();

    /**
     * @param heloName the name we give in EHLO
     * @param timeout for connecting, for each read, and for each write of a message's text (a server that stops
     *            reading has its connection closed then)
     */
    public DeliveryAgent(String heloName, Duration timeout) {
        this(heloName, timeout, SocketFactory.getDefault());
    }

    /** With the factory of the plain sockets the connections start on (SMTP, STARTTLS and implicit TLS). */
    DeliveryAgent(String heloName, Duration timeout, SocketFactory plainSockets) {
        if (heloName == null || heloName.isBlank()) {
            throw new IllegalArgumentException("a delivery agent needs a host name for EHLO");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        this.client = new SmtpClient(heloName, timeout, plainSockets);
    }

    /**
     * Delivers to the first server that takes up the transaction. The servers are tried in order while connecting
     * fails: cannot connect, time-out, a failed TLS handshake or an untrusted certificate, TLS required but not
     * offered, a greeting or EHLO refused, authentication refused. The first answer to MAIL, RCPT or DATA decides,
     * and no further server is tried.
     *
     * @param servers at least one
     * @param message the spool file, sent as it is after {@code addedHeaders}
     * @param mailFrom the reverse path, empty for the null sender
     */
    public Result deliver(List<SmtpTarget> servers, Path message, byte[] addedHeaders, String mailFrom,
            List<String> recipients) {
        return deliver(servers, message, addedHeaders, mailFrom, recipients, MailOptions.NONE);
    }

    /**
     * As {@link #deliver(List, Path, byte[], String, List)}, for a message that came in with {@code options}.
     */
    public Result deliver(List<SmtpTarget> servers, Path message, byte[] addedHeaders, String mailFrom,
            List<String> recipients, MailOptions options) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server to deliver to");
        }
        try {
            addresses(recipients);
        } catch (AddressException e) {
            return new Connection(servers.get(0).uri(), null, null).allRefused(recipients, true,
                    "553 5.1.3 invalid recipient address: " + e.getMessage());
        }
        Envelope envelope = new Envelope(message, addedHeaders.clone(), mailFrom.isEmpty() ? "<>" : mailFrom,
                List.copyOf(recipients), options);
        Result result = null;
        for (int i = 0; i < servers.size(); i++) {
            Attempt attempt = attempt(servers.get(i), envelope);
            result = attempt.result();
            if (attempt.answered()) {
                return result;
            }
            if (i + 1 < servers.size()) {
                String reason = result.reply();
                String next = servers.get(i + 1).uri();
                LOG.info(() -> reason + "; trying " + next);
            }
        }
        return result;
    }

    /**
     * One server; for optional STARTTLS whose handshake failed (or that the server refused), a second connection in
     * clear text. A certificate that does not verify is no such failure: the opportunistic socket factory lets the
     * handshake complete and the connection is noted as unverified.
     */
    private Attempt attempt(SmtpTarget target, Envelope envelope) {
        if (target.mode() != SmtpEncryption.STARTTLS_OPTIONAL) {
            return transact(target, target.mode(), envelope);
        }
        Attempt tls = transact(target, SmtpEncryption.STARTTLS_OPTIONAL, envelope);
        if (tls.tlsFailure() == null) {
            return tls;
        }
        LOG.info(() -> "STARTTLS with " + target.uri() + " failed, delivering in clear text: " + tls.tlsFailure());
        Attempt clear = transact(target, SmtpEncryption.NONE, envelope);
        Result r = clear.result();
        return new Attempt(new Result(r.outcome(), r.server(), r.reply(), r.delivered(), r.refused(),
                r.tlsProtocol(), r.tlsCipher(), "clear text after STARTTLS failed: " + tls.tlsFailure()),
                clear.answered(), null);
    }

    /**
     * One connection with TLS as {@code mode} says, and on it one transaction. The connection of an earlier delivery
     * to the same server is used again while it is fresh and answers RSET (as Postfix's connection cache does); its
     * TLS facts are those of its handshake. If a kept connection fails before its {@code MAIL FROM} is accepted (the
     * server closed it after the RSET, or refuses more messages on it), the server has taken nothing and the
     * transaction is made again on a new connection. Only a connection whose last transaction succeeded is kept.
     */
    private Attempt transact(SmtpTarget target, SmtpEncryption mode, Envelope envelope) {
        PoolKey key = new PoolKey(mode, mode == SmtpEncryption.NONE ? null : target.socketFactory(),
                target.verifyHostname(), target.host(), target.port(), target.username());
        Idle reused = takeIdle(key);
        if (reused != null) {
            Attempt attempt = send(key, reused, envelope);
            if (attempt != null) {
                return attempt;
            }
            LOG.fine(() -> "the kept connection to " + reused.connection.server()
                    + " was gone before MAIL was accepted; sending on a new connection");
        }
        String server = target.uri();
        SmtpConnection smtp;
        try {
            smtp = client.connect(target.endpoint(mode), credentials(target));
        } catch (SmtpFailure e) {
            return connectFailed(target, e, envelope.recipients());
        }
        TlsFacts facts = TlsFacts.of(smtp.tls(), mode == SmtpEncryption.STARTTLS_OPTIONAL);
        String note = null;
        if (mode == SmtpEncryption.STARTTLS_OPTIONAL) {
            if (facts == null) {
                note = "clear text: the server offered no STARTTLS";
            } else if (facts.unverified() != null) {
                note = "TLS without verification: " + facts.unverified();
                LOG.info(() -> "the certificate of " + server + " does not verify (" + facts.unverified()
                        + "); optional STARTTLS goes on over TLS without verification on this connection");
            }
        }
        return send(key, new Idle(smtp, new Connection(server, facts, note)), envelope);
    }

    private static Credentials credentials(SmtpTarget target) {
        return target.authenticates() ? new Credentials(target.username(), target.password()) : null;
    }

    /**
     * One transaction on an open connection; afterwards the connection waits for the next message, or is closed.
     * {@code null} if the connection was kept from an earlier message and failed before {@code MAIL FROM} was
     * accepted (closed by the server meanwhile, or refused with e.g. 421 by a server that limits its messages per
     * connection): the server has taken nothing, and the message goes on a new connection.
     */
    private Attempt send(PoolKey key, Idle open, Envelope envelope) {
        SmtpConnection smtp = open.smtp;
        Connection connection = open.connection;
        boolean keep = false;
        Offer offer = envelope.asIs();
        try {
            offer = offer(smtp, envelope, connection.server());
            if (offer.recipients().isEmpty()) {
                keep = true; // nothing was sent: the connection is as good as before
                return new Attempt(connection.allRefused(offer.refused()), true, null);
            }
            Replies replies = smtp.transact(envelope.mailFrom(), offer.recipients(), offer.parameters(), out -> {
                out.write(envelope.addedHeaders());
                copySpoolFile(envelope.message(), out);
            });
            if (open.used > 0 && !replies.mail().positive()) {
                return null;
            }
            Result result = connection.also(connection.replied(replies, offer.recipients()), offer.refused());
            keep = result.outcome() == Outcome.DELIVERED || result.outcome() == Outcome.PARTIAL;
            return new Attempt(result, true, null);
        } catch (IOException e) {
            if (open.used > 0 && !smtp.mailAccepted()) {
                return null;
            }
            // on a new connection, or once MAIL was accepted (the message may even have arrived): final for this
            // server
            return new Attempt(connection.also(connection.allRefused(offer.recipients(), false,
                    "connection to " + connection.server() + " failed: " + reply(e)), offer.refused()), true,
                    null);
        } finally {
            open.used++;
            if (keep && open.used < REUSE_LIMIT && putIdle(key, open)) {
                LOG.finest(() -> "keeping the connection to " + connection.server() + " for the next message");
            } else {
                smtp.close();
            }
        }
    }

    /**
     * A fresh connection that is still open, or {@code null}; stale ones are closed on the way. Whether the server
     * still answers on it is checked with {@code RSET}: here, or, where the server pipelines, as the first command of
     * the next transaction.
     */
    private Idle takeIdle(PoolKey key) {
        closeExpiredIdle();
        Deque<Idle> waiting = idle.get(key);
        if (waiting == null) {
            return null;
        }
        for (Idle candidate = waiting.pollLast(); candidate != null; candidate = waiting.pollLast()) {
            if (candidate.fresh() && candidate.smtp.usable()) {
                return candidate;
            }
            candidate.smtp.close();
        }
        return null;
    }

    private boolean putIdle(PoolKey key, Idle open) {
        Deque<Idle> waiting = idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
        if (waiting.size() >= IDLE_PER_SERVER) {
            return false;
        }
        open.since = System.nanoTime();
        waiting.addLast(open);
        return true;
    }

    /** Closes the connections that waited longer than {@link #IDLE_LIMIT}. */
    private void closeExpiredIdle() {
        for (Deque<Idle> waiting : idle.values()) {
            for (Idle oldest = waiting.peekFirst(); oldest != null && !oldest.fresh(); oldest = waiting.peekFirst()) {
                if (waiting.remove(oldest)) {
                    oldest.smtp.close();
                }
            }
        }
    }

    /** Closes every waiting connection (at shutdown, or when the configuration changed). */
    public void closeIdle() {
        for (Deque<Idle> waiting : idle.values()) {
            for (Idle open = waiting.pollFirst(); open != null; open = waiting.pollFirst()) {
                open.smtp.close();
            }
        }
    }

    /** How many connections wait for a next message. */
    int idleConnections() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    /** The connections that wait for a next message. */
    List<SmtpConnection> idleConnectionList() {
        return idle.values().stream().flatMap(Deque::stream).map(open -> open.smtp).toList();
    }

    /** Why connecting failed, in the words of the attempt's reply. */
    private static Attempt connectFailed(SmtpTarget target, SmtpFailure e, List<String> recipients) {
        String server = target.uri();
        String tlsFailure = null;
        String reply = switch (e.stage()) {
            case TLS -> {
                tlsFailure = tlsReason(e);
                yield "TLS handshake with " + server + " failed: " + tlsFailure;
            }
            case STARTTLS_MISSING -> "TLS required but " + server + " offered no STARTTLS";
            case AUTH -> "authentication at " + server + " failed: " + reply(e);
            case CONNECT, GREETING -> "connection to " + server + " failed: " + reply(e);
        };
        return new Attempt(new Connection(server, null, null).allRefused(recipients, false, reply), false,
                tlsFailure);
    }

    /** The connections that may be used for each other: one server, one configuration, one user. */
    private record PoolKey(SmtpEncryption mode, SSLSocketFactory socketFactory, boolean verifyHostname, String host,
            int port, String username) {
    }

    /** An open connection, its TLS facts, and how often and since when it has been used. */
    private static final class Idle {
        private final SmtpConnection smtp;
        private final Connection connection;
        private int used;
        private long since = System.nanoTime();

        Idle(SmtpConnection smtp, Connection connection) {
            this.smtp = smtp;
            this.connection = connection;
        }

        boolean fresh() {
            return System.nanoTime() - since < IDLE_LIMIT.toNanos();
        }
    }

    /**
     * The protocol version and cipher suite a TLS connection negotiated, and, for opportunistic TLS, why the server's
     * certificate did not verify ({@code null} when it did, and always for a verifying connection, whose handshake
     * fails instead).
     */
    record TlsFacts(String protocol, String cipherSuite, String unverified) {

        /** {@code null} for a connection in clear text. */
        static TlsFacts of(SSLSession session, boolean opportunistic) {
            if (session == null) {
                return null;
            }
            String unverified = opportunistic ? OpportunisticTrustManager.unverified(session).orElse(null) : null;
            return new TlsFacts(session.getProtocol(), session.getCipherSuite(), unverified);
        }
    }

    /**
     * The message and its envelope, as the client takes them, and what it needs of a server: SMTPUTF8 for all of
     * it ({@code utf8}: declared, or a non-ASCII sender), or for the recipients with non-ASCII addresses.
     */
    private static final class Envelope {
        private final Path message;
        private final byte[] addedHeaders;
        private final String mailFrom;
        private final List<String> recipients;
        private final MailOptions options;
        private final boolean utf8;
        private final boolean utf8Recipients;
        private final Offer asIs;
        /** Whether the text has octets above 127: read only when a server without 8BITMIME needs to know. */
        private Boolean eightBit;

        Envelope(Path message, byte[] addedHeaders, String mailFrom, List<String> recipients, MailOptions options) {
            this.message = message;
            this.addedHeaders = addedHeaders;
            this.mailFrom = mailFrom;
            this.recipients = recipients;
            this.options = options;
            this.utf8 = options.smtpUtf8() || !Octets.ascii(mailFrom);
            this.utf8Recipients = recipients.stream().anyMatch(r -> !Octets.ascii(r));
            this.asIs = new Offer(recipients, "", List.of());
        }

        /** The envelope for a server as it is: every recipient, no parameters. */
        Offer asIs() {
            return asIs;
        }

        Path message() {
            return message;
        }

        byte[] addedHeaders() {
            return addedHeaders;
        }

        String mailFrom() {
            return mailFrom;
        }

        List<String> recipients() {
            return recipients;
        }

        /** Whether the whole message needs SMTPUTF8, not only some recipients. */
        boolean utf8() {
            return utf8;
        }

        /** Whether any part of the envelope needs SMTPUTF8. */
        boolean needsUtf8() {
            return utf8 || utf8Recipients;
        }

        boolean declared8Bit() {
            return options.eightBitMime();
        }

        /** Whether our headers or the spool file hold an octet above 127 (read once, on first asking). */
        boolean eightBit() throws IOException {
            if (eightBit == null) {
                eightBit = Octets.eightBit(addedHeaders, addedHeaders.length) || hasEightBit(message);
            }
            return eightBit;
        }
    }

    /**
     * What a server is given of an envelope, once its EHLO reply is known: the recipients to send to, the parameters
     * for {@code MAIL FROM} (e.g. {@code " SMTPUTF8 BODY=8BITMIME"}, or empty), and the recipients refused for good
     * before the transaction because the server cannot carry the message to them.
     */
    private record Offer(List<String> recipients, String parameters, List<Refusal> refused) {
    }

    /**
     * RFC 6531 3.2 and RFC 6152 3, decided per connection from the server's EHLO reply: SMTPUTF8 is declared where the
     * message needs it and the server offers it, and where it does not, the recipients that need it fail with
     * {@code 5.6.7} (all of them for a declared message or a non-ASCII sender, else those with a non-ASCII address).
     * {@code BODY=8BITMIME} is declared where the client declared it and the server offers it; where it does not,
     * the message goes without it if it has no 8-bit octet after all, and fails with {@code 5.6.3} if it has (it is
     * not converted: its bytes are sent as they came, or not at all). A message that declared neither costs two
     * flag checks here.
     */
    private static Offer offer(SmtpConnection smtp, Envelope envelope, String server) throws IOException {
        if (!envelope.needsUtf8() && !envelope.declared8Bit()) {
            return envelope.asIs();
        }
        List<String> recipients = envelope.recipients();
        List<Refusal> refused = new ArrayList<>();
        StringBuilder parameters = new StringBuilder();
        if (envelope.needsUtf8()) {
            if (smtp.supports("SMTPUTF8")) {
                parameters.append(" SMTPUTF8");
            } else {
                String reply = "554 5.6.7 " + server + " does not offer SMTPUTF8 (RFC 6531), which "
                        + (envelope.utf8() ? "this message needs" : "this non-ASCII address needs");
                List<String> rest = new ArrayList<>();
                for (String recipient : recipients) {
                    if (envelope.utf8() || !Octets.ascii(recipient)) {
                        refused.add(new Refusal(recipient, true, reply));
                    } else {
                        rest.add(recipient);
                    }
                }
                recipients = rest;
            }
        }
        if (envelope.declared8Bit() && !recipients.isEmpty()) {
            if (smtp.supports("8BITMIME")) {
                parameters.append(" BODY=8BITMIME");
            } else if (envelope.eightBit()) {
                String reply = "554 5.6.3 " + server + " does not offer 8BITMIME (RFC 6152), and this message has"
                        + " 8-bit text, which is never converted";
                recipients.forEach(r -> refused.add(new Refusal(r, true, reply)));
                recipients = List.of();
            }
        }
        return new Offer(recipients, parameters.toString(), refused);
    }

    private static boolean hasEightBit(Path file) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                if (Octets.eightBit(buffer, read)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Each recipient must be an address (RFC 5322 syntax, as Jakarta Mail parses it) before anything is sent. */
    private static void addresses(List<String> recipients) throws AddressException {
        for (String recipient : recipients) {
            new InternetAddress(recipient, false);
        }
    }

    /**
     * What one connection to one server came to. {@code answered}: the server answered the transaction, which ends
     * the attempt. {@code tlsFailure}: why the TLS handshake (or the STARTTLS command) failed, or {@code null}.
     */
    private record Attempt(Result result, boolean answered, String tlsFailure) {
    }

    /** The server and the TLS facts of one connection, for the results made from it. */
    private record Connection(String server, TlsFacts tls, String note) {

        Result result(Outcome outcome, String reply, List<String> delivered, List<Refusal> refused) {
            return new Result(outcome, server, reply, delivered, refused, tls == null ? null : tls.protocol(),
                    tls == null ? null : tls.cipherSuite(), note);
        }

        /**
         * Sorts the recipients of a transaction by the server's replies: delivered if the end of the text was taken
         * (those refused at {@code RCPT} with their own reply); else those refused at {@code RCPT} with their own
         * reply, and the rest with the reply that ended the transaction.
         */
        Result replied(Replies replies, List<String> recipients) {
            Map<String, Refusal> refused = new LinkedHashMap<>();
            List<String> taken = new ArrayList<>();
            Reply ending = replies.mail();
            if (replies.mail().positive()) {
                for (int i = 0; i < replies.recipients().size(); i++) {
                    Reply reply = replies.recipients().get(i);
                    ending = reply;
                    if (reply.positive()) {
                        taken.add(recipients.get(i));
                    } else if (reply.code() != -1) {
                        refused.put(recipients.get(i), new Refusal(recipients.get(i), reply.code() >= 500,
                                reply.text().strip()));
                    }
                }
            }
            ending = replies.end() != null ? replies.end() : replies.data() != null ? replies.data() : ending;
            if (replies.end() != null && replies.end().positive()) {
                if (refused.isEmpty()) {
                    return result(Outcome.DELIVERED, ending.text().strip(), taken, List.of());
                }
                List<Refusal> refusals = List.copyOf(refused.values());
                return result(Outcome.PARTIAL, refusals.get(0).reply(), taken, refusals);
            }
            String reply = ending.code() == -1
                    ? "connection to " + server + " failed: the server closed the connection"
                    : ending.text().strip();
            for (String recipient : recipients) {
                refused.putIfAbsent(recipient, new Refusal(recipient, ending.code() >= 500, reply));
            }
            List<Refusal> refusals = List.copyOf(refused.values());
            Outcome outcome = refusals.stream().allMatch(Refusal::permanent) ? Outcome.PERMANENT : Outcome.TEMPORARY;
            return result(outcome, refusals.get(0).reply(), List.of(), refusals);
        }

        Result allRefused(List<String> recipients, boolean permanent, String reply) {
            return result(permanent ? Outcome.PERMANENT : Outcome.TEMPORARY, reply, List.of(),
                    recipients.stream().map(r -> new Refusal(r, permanent, reply)).toList());
        }

        /** Nothing delivered: every recipient refused, each with its own reply. */
        Result allRefused(List<Refusal> refused) {
            Outcome outcome = refused.stream().allMatch(Refusal::permanent) ? Outcome.PERMANENT : Outcome.TEMPORARY;
            return result(outcome, refused.get(0).reply(), List.of(), refused);
        }

        /** {@code result} with the recipients refused before its transaction added. */
        Result also(Result result, List<Refusal> before) {
            if (before.isEmpty()) {
                return result;
            }
            List<Refusal> refused = new ArrayList<>(before);
            refused.addAll(result.refused());
            if (!result.delivered().isEmpty()) {
                return result(Outcome.PARTIAL, refused.get(0).reply(), result.delivered(), refused);
            }
            Outcome outcome = refused.stream().allMatch(Refusal::permanent) ? Outcome.PERMANENT : Outcome.TEMPORARY;
            return result(outcome, result.reply(), List.of(), refused);
        }
    }

    private static String reply(Exception e) {
        return e.getMessage() == null ? "" : e.getMessage().strip();
    }

    /**
     * The TLS library's own words where there are some (e.g. "PKIX path building failed: ..." for an untrusted
     * certificate, "No subject alternative names matching ..." for the wrong host name), else the server's refusal
     * of STARTTLS or what the client says.
     */
    private static String tlsReason(SmtpFailure e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof CertificateException) {
                return t.getMessage() == null ? t.toString() : t.getMessage();
            }
        }
        return reply(e);
    }

    /**
     * Writes the spool file to {@code out}, and fails if the file was removed from the spool meanwhile. A removed
     * message's file is written over by a later message (its file is reused, {@code MessageSpool}); that happens
     * while a delivery still reads it only if this claim's lease ran out during a slow delivery and another claim
     * delivered and removed the message. The exception then stops the transaction before its end of data, so the
     * downstream server discards what it got instead of delivering a mix of two messages. A name is never used
     * again, so if the file is still under its name once read, everything read was this message's.
     */
    static void copySpoolFile(Path file, OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(out);
        }
        if (!Files.exists(file)) {
            throw new IOException("the spool file " + file.getFileName() + " was removed while it was being sent"
                    + " (another claim of the message finished it); this delivery is abandoned before its end");
        }
    }
}
