package io.moat.smtp.internal;

import io.moat.smtp.api.SmtpClientInfo;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.smtp.api.SmtpEndpointConfig;
import io.moat.smtp.api.SmtpReply;
import io.moat.smtp.internal.SmtpInput.CommandLine;
import io.moat.tls.WriteDeadlines;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The SMTP conversation on one connection (RFC 5321), in the endpoint's TLS mode (RFC 3207 STARTTLS, RFC 8314
 * implicit TLS). Every reply but the greeting, EHLO/HELO and 354 carries an RFC 3463 enhanced status code.
 *
 * <p>
 * The listener's {@link AcceptLoop} accepts the connection and hands it over; from then on this class owns it: its
 * streams, its TLS layer (implicit or after STARTTLS) and its close (ADR 0027).
 *
 * <p>
 * Time is bounded on every read ({@link ReadDeadlines}: idle timeout, session deadline, DATA rate floor) and on
 * every reply written ({@link WriteDeadlines}: a client that stops reading does not hold the session past the idle
 * timeout or the session deadline). A client over a limit hears {@code 421 4.7.0} and the reason; one over the idle
 * timeout {@code 421 4.4.2}.
 *
 * <p>
 * Per-conversation state lives here and nowhere else. Only {@link #drain()} is called from another thread.
 */
final class SmtpSession {

    private static final Logger LOG = Logger.getLogger(SmtpSession.class.getName());

    /** What {@code STARTTLS_REQUIRED} refuses before TLS (RFC 3207 4). */
    private static final Set<String> NEED_TLS = Set.of("MAIL", "RCPT", "DATA", "BDAT", "AUTH", "VRFY", "EXPN");

    /** Ids of sessions, for the logs: the time of the connection in milliseconds, one more where two share it. */
    private static final AtomicLong LAST_ID = new AtomicLong();

    private final SmtpListener listener;
    private final SmtpEndpointConfig config;
    private final EndpointInvoker invoker;
    /** The connection under any TLS layer: its read timeouts are set, and a write past its deadline closes it. */
    private final Socket tcp;
    private final InetAddress clientAddress;
    private final ReadDeadlines deadlines;
    private final String id;

    /** How long past its deadline a session may take to say so ({@code 421}) before its socket is closed under it. */
    private static final long LIFETIME_GRACE = TimeUnit.SECONDS.toNanos(2);

    private final Object lock = new Object();
    /** Blocked reading the next command; only then may {@link #drain()} close the connection. */
    private boolean awaitingCommand; // guarded by lock
    /** In the implicit TLS handshake: {@link #drain()} may close the connection, without a reply. */
    private boolean handshaking; // guarded by lock
    private boolean draining; // guarded by lock
    private boolean closedForStop; // guarded by lock

    /** The connection as the session reads and writes it: {@link #tcp}, or the TLS layer over it. */
    private volatile Socket socket;
    /** Where replies go: {@link #socket}'s stream, written to once per reply (also by {@link #drain()}). */
    private volatile OutputStream out;
    private SmtpInput input;
    /** The client's name from the last HELO or EHLO; null before (or after STARTTLS, RFC 3207 4.2). */
    private String helo;
    private MailTransaction transaction;
    private boolean open = true;

    /** A session on {@code tcp}, accepted just now; nothing is read or written before {@link #run()}. */
    SmtpSession(Socket tcp, SmtpListener listener, EndpointInvoker invoker) {
        this.listener = listener;
        this.config = listener.config();
        this.invoker = invoker;
        this.tcp = tcp;
        this.socket = tcp;
        this.clientAddress = tcp.getInetAddress();
        this.deadlines = listener.deadlines(tcp);
        long now = System.currentTimeMillis();
        this.id = Long.toString(LAST_ID.updateAndGet(last -> Math.max(now, last + 1)), Character.MAX_RADIX)
                .toUpperCase(Locale.ROOT);
    }

    /** Runs the conversation to its end and closes the connection; never throws. */
    void run() {
        boolean accepted = listener.register(this, clientAddress);
        // the read timeouts bound each read of the TCP socket; under TLS one record or handshake is many such reads,
        // which a client can drip-feed: the session's deadline is also watched as a whole, a moment after it
        WriteDeadlines.Watch lifetime = WriteDeadlines.SHARED.watch(tcp, deadlines.sessionDeadline() + LIFETIME_GRACE);
        try {
            String overLimit = accepted ? listener.overLimit(clientAddress) : null;
            boolean implicit = config.encryption() == SmtpEncryption.IMPLICIT_TLS;
            if (overLimit != null && implicit) {
                // before the handshake: half-open handshakes from one client must not hold the endpoint's slots
                LOG.fine(() -> "SMTP endpoint '" + config.name() + "' closes " + remoteAddress() + " before TLS: "
                        + overLimit);
                return;
            }
            out = tcp.getOutputStream();
            if (implicit && !implicitTls()) {
                return;
            }
            input = new SmtpInput(socket.getInputStream(), deadlines);
            if (!accepted) {
                reply("421 4.3.2 " + host() + " Service shutting down, closing transmission channel");
                return;
            }
            if (overLimit != null) {
                LOG.fine(() -> "SMTP endpoint '" + config.name() + "' refuses " + remoteAddress() + ": " + overLimit);
                reply("421 4.7.0 " + host() + " " + overLimit);
                return;
            }
            reply("220 " + host() + " ESMTP Moat");
            while (open) {
                CommandLine line = nextCommand();
                if (line == null) {
                    return;
                }
                execute(line);
            }
        } catch (SessionLimitException e) {
            LOG.fine(() -> "SMTP client " + remoteAddress() + " on endpoint '" + config.name() + "': "
                    + e.getMessage() + "; closing the connection");
            replyQuietly("421 4.7.0 " + host() + " " + e.getMessage() + ", closing transmission channel");
        } catch (SocketTimeoutException e) {
            LOG.fine(() -> "SMTP client " + remoteAddress() + " on endpoint '" + config.name() + "' timed out");
            replyQuietly("421 4.4.2 " + host() + " Timeout, closing transmission channel");
        } catch (IOException e) {
            LOG.fine(() -> "SMTP connection from " + remoteAddress() + " on endpoint '" + config.name()
                    + "' ended: " + e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "SMTP session with " + remoteAddress() + " on endpoint '" + config.name()
                    + "' failed; closing it", e);
            replyQuietly("421 4.3.0 " + host() + " Local error, closing transmission channel");
        } finally {
            lifetime.close();
            close();
            listener.unregister(this, clientAddress);
        }
    }

    /**
     * The listener stops: from now on this session accepts no new mail transaction. Called for every session
     * before any is {@linkplain #drain() drained}, so that once one client has heard the {@code 421}, no session
     * starts a transaction any more.
     */
    void stopTransactions() {
        synchronized (lock) {
            draining = true;
        }
    }

    /**
     * The listener stops: a session waiting for a command outside a mail transaction is told so and closed now; one
     * within a transaction may finish it, and is told so at its next command after it. A connection still in its
     * implicit TLS handshake is closed now.
     */
    void drain() {
        synchronized (lock) {
            draining = true;
            if (handshaking && !closedForStop) {
                closedForStop = true;
                close();
            } else if (awaitingCommand && transaction == null && !closedForStop) {
                closedForStop = true;
                replyQuietly("421 4.3.2 " + host() + " Service shutting down, closing transmission channel");
                close();
            }
        }
    }

    /** The next command line, or null when the conversation is over. */
    private CommandLine nextCommand() throws IOException {
        synchronized (lock) {
            if (draining && transaction == null) {
                reply("421 4.3.2 " + host() + " Service shutting down, closing transmission channel");
                return null;
            }
            awaitingCommand = true;
        }
        CommandLine line;
        try {
            line = input.readCommand();
        } catch (IOException e) {
            synchronized (lock) {
                awaitingCommand = false;
                if (closedForStop) {
                    return null;
                }
            }
            throw e;
        }
        synchronized (lock) {
            awaitingCommand = false;
            return closedForStop ? null : line;
        }
    }

    private void execute(CommandLine line) throws IOException {
        switch (line.problem()) {
            case TOO_LONG -> {
                reply("500 5.5.2 Line too long");
                return;
            }
            case BARE_NEWLINE -> {
                reply("500 5.5.2 Bare CR or LF in command line, lines must end with CRLF");
                return;
            }
            case NONE -> {
                // a command
            }
        }
        String text = line.text();
        int space = text.indexOf(' ');
        String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String arguments = space < 0 ? "" : text.substring(space + 1).strip();
        if (config.encryption() == SmtpEncryption.STARTTLS_REQUIRED && !tlsActive() && NEED_TLS.contains(verb)) {
            if (!verb.equals("BDAT") || skipChunk(arguments)) {
                reply("530 5.7.0 Must issue a STARTTLS command first");
            }
            return;
        }
        switch (verb) {
            case "EHLO" -> ehlo(arguments);
            case "HELO" -> helo(arguments);
            case "MAIL" -> mail(arguments);
            case "RCPT" -> rcpt(arguments);
            case "DATA" -> data(arguments);
            case "RSET" -> {
                transaction = null;
                reply("250 2.0.0 Ok");
            }
            case "NOOP" -> reply("250 2.0.0 Ok");
            case "QUIT" -> {
                reply("221 2.0.0 " + host() + " closing connection");
                open = false;
            }
            case "STARTTLS" -> startTls(arguments);
            case "HELP" -> reply("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT HELP"
                    + (startTlsOffered() ? " STARTTLS" : ""));
            case "VRFY", "EXPN" -> reply("502 5.5.1 " + verb + " command is disabled");
            case "AUTH" -> reply("502 5.5.1 AUTH not supported on this port");
            case "BDAT" -> {
                if (skipChunk(arguments)) {
                    reply("502 5.5.1 BDAT not supported, CHUNKING is not offered");
                }
            }
            default -> reply("500 5.5.2 Command unrecognized");
        }
    }

    private void ehlo(String arguments) throws IOException {
        if (arguments.isEmpty()) {
            reply("501 5.5.4 Syntax: EHLO hostname");
            return;
        }
        greeted(arguments);
        List<String> lines = new ArrayList<>();
        lines.add(host());
        lines.add("PIPELINING");
        lines.add("SIZE " + config.maxMessageSize());
        lines.add("8BITMIME");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("SMTPUTF8");
        if (startTlsOffered()) {
            lines.add("STARTTLS");
        }
        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            reply.append(i == lines.size() - 1 ? "250 " : "250-").append(lines.get(i));
            if (i < lines.size() - 1) {
                reply.append("\r\n");
            }
        }
        reply(reply.toString());
    }

    private void helo(String arguments) throws IOException {
        if (arguments.isEmpty()) {
            reply("501 5.5.4 Syntax: HELO hostname");
            return;
        }
        greeted(arguments);
        reply("250 " + host());
    }

    /** HELO and EHLO start over (RFC 5321 4.1.4): any transaction is dropped. */
    private void greeted(String arguments) {
        int space = arguments.indexOf(' ');
        helo = space < 0 ? arguments : arguments.substring(0, space);
        transaction = null;
    }

    private void mail(String arguments) throws IOException {
        if (helo == null) {
            reply("503 5.5.1 Send HELO or EHLO first");
            return;
        }
        if (transaction != null) {
            reply("503 5.5.1 Sender already specified");
            return;
        }
        MailPath path = MailPath.parse(arguments, "FROM", true);
        switch (path.problem()) {
            case SYNTAX -> reply("501 5.5.4 Syntax: MAIL FROM:<address> [parameters]");
            case ADDRESS -> reply("501 5.1.7 Bad sender address syntax");
            case NONE -> {
                SmtpReply refusal = checkMailParameters(path.parameters());
                if (refusal != null) {
                    reply(refusal);
                    return;
                }
                if (!path.parameters().containsKey("SMTPUTF8") && !isAscii(path.address())) {
                    reply(NEEDS_SMTPUTF8);
                    return;
                }
                transaction = new MailTransaction(client(), id, path.address(),
                        path.parameters().containsKey("SMTPUTF8"),
                        "8BITMIME".equalsIgnoreCase(path.parameters().get("BODY")), config.maxMessageSize(), invoker);
                reply("250 2.1.0 Ok");
            }
        }
    }

    /**
     * A non-ASCII address in a transaction whose MAIL did not say SMTPUTF8 (RFC 6531 3.5): the message would reach a
     * downstream that was never asked whether it takes such addresses.
     */
    private static final SmtpReply NEEDS_SMTPUTF8 = new SmtpReply(553, "5.6.7",
            "Non-ASCII address not permitted without SMTPUTF8 on MAIL");

    private static boolean isAscii(String address) {
        return address.chars().allMatch(c -> c < 0x80);
    }

    /** SIZE (RFC 1870), BODY (RFC 6152) and SMTPUTF8 (RFC 6531) are offered; nothing else is. */
    private SmtpReply checkMailParameters(Map<String, String> parameters) {
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String value = parameter.getValue();
            switch (parameter.getKey()) {
                case "SIZE" -> {
                    if (value == null || !value.matches("[0-9]+")) {
                        return new SmtpReply(501, "5.5.4", "Syntax error in SIZE parameter");
                    }
                    if (value.length() > 18 || Long.parseLong(value) > config.maxMessageSize()) {
                        return new SmtpReply(552, "5.3.4", "Message size exceeds fixed limit of "
                                + config.maxMessageSize() + " bytes");
                    }
                }
                case "BODY" -> {
                    if (value == null || !(value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))) {
                        return new SmtpReply(555, "5.5.4", "Unsupported BODY type");
                    }
                }
                case "SMTPUTF8" -> {
                    if (value != null) {
                        return new SmtpReply(501, "5.5.4", "SMTPUTF8 takes no value");
                    }
                }
                default -> {
                    return new SmtpReply(555, "5.5.4", "Unsupported parameter " + parameter.getKey());
                }
            }
        }
        return null;
    }

    private void rcpt(String arguments) throws IOException {
        if (transaction == null) {
            reply("503 5.5.1 Need MAIL command");
            return;
        }
        MailPath path = MailPath.parse(arguments, "TO", false);
        switch (path.problem()) {
            case SYNTAX -> reply("501 5.5.4 Syntax: RCPT TO:<address>");
            case ADDRESS -> reply("501 5.1.3 Bad recipient address syntax");
            case NONE -> {
                if (!path.parameters().isEmpty()) {
                    reply("555 5.5.4 Unsupported parameter " + path.parameters().keySet().iterator().next());
                } else if (!transaction.smtpUtf8() && !isAscii(path.address())) {
                    reply(NEEDS_SMTPUTF8);
                } else if (transaction.hasRecipient(path.address())) {
                    reply("250 2.1.5 Ok"); // the same mailbox again: taken once (RFC 5321 leaves duplicates to us)
                } else if (transaction.recipientCount() >= config.maxRecipients()) {
                    reply("452 4.5.3 Too many recipients");
                } else {
                    SmtpReply refusal = transaction.addRecipient(path.address());
                    reply(refusal == null ? "250 2.1.5 Ok" : refusal.line());
                }
            }
        }
    }

    private void data(String arguments) throws IOException {
        if (transaction == null) {
            reply("503 5.5.1 Need MAIL command");
            return;
        }
        if (transaction.recipientCount() == 0) {
            reply("503 5.5.1 Need RCPT command");
            return;
        }
        if (!arguments.isEmpty()) {
            reply("501 5.5.4 Syntax: DATA takes no parameters");
            return;
        }
        reply("354 End data with <CR><LF>.<CR><LF>");
        // at most the size limit and the discard limit are read of one DATA: past them the connection closes
        DataContentStream content = new DataContentStream(input, config.maxMessageSize() + config.maxDiscardSize());
        MailTransaction ending = transaction;
        transaction = null; // whatever the outcome, the next MAIL starts afresh (RFC 5321 4.1.1.4)
        SmtpReply result;
        deadlines.dataStarted();
        try {
            result = ending.deliver(content);
        } finally {
            deadlines.dataEnded();
        }
        reply(result);
        if (content.endedAmbiguously()) {
            // what follows may be a smuggled message: never read it as commands
            input.discardPending();
            open = false;
        } else if (!content.ended()) {
            LOG.fine(() -> "SMTP client " + remoteAddress() + " on endpoint '" + config.name() + "' sent more than "
                    + config.maxDiscardSize() + " octets past the size limit; closing the connection");
            open = false;
        }
    }

    /**
     * Reads past the chunk of a BDAT command, which is never taken (CHUNKING is not offered), so that its octets
     * are not read as commands; a chunk larger than the discard limit is not read at all, and the connection closes.
     *
     * @return false when the chunk was not read (and the command has been answered)
     */
    private boolean skipChunk(String arguments) throws IOException {
        String size = arguments.split(" ", 2)[0];
        if (!size.matches("[0-9]{1,18}")) {
            reply("501 5.5.4 Syntax: BDAT size [LAST]");
            return false;
        }
        long octets = Long.parseLong(size);
        if (octets > config.maxDiscardSize()) {
            reply("552 5.3.4 BDAT is not supported and a chunk of " + octets + " octets is more than this server"
                    + " discards, closing connection");
            open = false;
            return false;
        }
        input.skip(octets);
        return true;
    }

    private void startTls(String arguments) throws IOException {
        if (config.encryption() == SmtpEncryption.NONE) {
            reply("502 5.5.1 STARTTLS not offered on this port");
            return;
        }
        if (tlsActive()) {
            reply("503 5.5.1 TLS already active");
            return;
        }
        if (!arguments.isEmpty()) {
            reply("501 5.5.4 Syntax: STARTTLS takes no parameters");
            return;
        }
        long discarded = input.discardPending();
        if (discarded > 0) {
            LOG.info(() -> "SMTP endpoint '" + config.name() + "': discarded " + discarded + " octets that "
                    + remoteAddress() + " sent in clear text behind STARTTLS");
        }
        reply("220 2.0.0 Ready to start TLS");
        SSLSocket tls;
        try {
            tls = config.tls().layer(tcp, true);
        } catch (IOException | RuntimeException e) {
            listener.handshakeFailed("STARTTLS", remoteAddress(), e);
            open = false;
            return;
        }
        if (!handshake(tls, "STARTTLS")) {
            open = false;
            return;
        }
        // RFC 3207 4.2: the client starts over, knowing nothing from before TLS
        useTls(tls);
        helo = null;
        transaction = null;
        input = new SmtpInput(socket.getInputStream(), deadlines);
    }

    /**
     * Implicit TLS (RFC 8314): the connection is layered with the endpoint's TLS context as it is now, and the
     * handshake comes before anything else.
     *
     * @return false when the session is over (the handshake failed, or the listener stopped meanwhile)
     */
    private boolean implicitTls() throws IOException {
        SSLSocket tls;
        try {
            tls = config.tls().layer(tcp, true);
        } catch (IOException | RuntimeException e) {
            listener.handshakeFailed("implicit TLS", remoteAddress(), e);
            return false;
        }
        synchronized (lock) {
            if (draining) {
                return false; // the listener stops: no handshake begins (drain() closes those under way)
            }
            handshaking = true;
        }
        boolean done = handshake(tls, "implicit TLS");
        synchronized (lock) {
            handshaking = false;
            if (!done || closedForStop) {
                return false;
            }
        }
        useTls(tls);
        return true;
    }

    /** From now on the session reads and writes through {@code tls}. */
    private void useTls(SSLSocket tls) throws IOException {
        out = tls.getOutputStream();
        socket = tls;
        deadlines.socketChanged(); // the layer may have set the TCP socket's read timeout: arm it again
    }

    private boolean handshake(SSLSocket tls, String how) {
        Exception failure;
        try {
            deadlines.beforeRead(); // the handshake's reads are timed like any other
            tls.startHandshake();
            return true;
        } catch (SocketTimeoutException e) {
            failure = deadlines.timedOut(e);
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        synchronized (lock) {
            if (closedForStop) {
                return false; // closed by the stop, not the client's failure
            }
        }
        listener.handshakeFailed(how, remoteAddress(), failure);
        return false;
    }

    private boolean tlsActive() {
        return socket instanceof SSLSocket;
    }

    private boolean startTlsOffered() {
        return (config.encryption() == SmtpEncryption.STARTTLS_OPTIONAL
                || config.encryption() == SmtpEncryption.STARTTLS_REQUIRED) && !tlsActive();
    }

    private SmtpClientInfo client() {
        SSLSession tls = socket instanceof SSLSocket layer ? layer.getSession() : null;
        return new SmtpClientInfo(config.name(), remoteAddress(), helo,
                tls == null ? null : tls.getProtocol(), tls == null ? null : tls.getCipherSuite());
    }

    private String remoteAddress() {
        return clientAddress.getHostAddress();
    }

    private String host() {
        return listener.hostName();
    }

    private void reply(SmtpReply reply) throws IOException {
        reply(reply.line());
    }

    /** Writes {@code reply} and its CRLF in one write, so that a reply under TLS is one record. */
    private void reply(String reply) throws IOException {
        OutputStream to = out;
        if (to == null) {
            return; // the connection's streams were never open: nothing can be said
        }
        byte[] octets = (reply + "\r\n").getBytes(StandardCharsets.UTF_8);
        try (WriteDeadlines.Watch watch = WriteDeadlines.SHARED.watch(tcp, deadlines.writeDeadline())) {
            to.write(octets);
            to.flush();
        }
    }

    private void replyQuietly(String reply) {
        try {
            reply(reply);
        } catch (IOException e) {
            LOG.finest(() -> "could not send '" + reply + "': " + e);
        }
    }

    /** Closes the connection; a TLS layer's close_notify is a write, timed as the replies are. */
    private void close() {
        try (WriteDeadlines.Watch watch = WriteDeadlines.SHARED.watch(tcp, deadlines.writeDeadline())) {
            socket.close();
        } catch (IOException e) {
            LOG.finest(() -> "closing the SMTP connection failed: " + e);
        } finally {
            closeTcp(); // a layer whose close failed may have left it open
        }
    }

    /**
     * The listener's stop has waited long enough: the connection is closed under the session, without a word or a
     * TLS close_notify (which a client that does not read could hold), and the session ends at its next read or
     * write. Called from the stopping thread.
     */
    void closeNow() {
        closeTcp();
    }

    private void closeTcp() {
        try {
            tcp.close();
        } catch (IOException e) {
            LOG.finest(() -> "closing the SMTP connection failed: " + e);
        }
    }
}
