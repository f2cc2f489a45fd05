package io.moat.delivery.outbound;

import io.moat.tls.WriteDeadlines;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP transport ({@code smtp}, or {@code smtps} for implicit TLS), telling afterwards how STARTTLS went:
 * whether the server offered it and why it failed. Angus reports both only as a {@link MessagingException} from
 * {@code connect}, indistinguishable from other connection failures.
 * <p>
 * The text of a message goes out through a {@link SmtpDataStream} of our own, written to the connection's socket
 * (Angus keeps its stream to itself; our socket factories show us the sockets they make while this transport
 * connects, see {@link #socketMade}). Where the socket the connection runs on is not known for sure, Angus's own
 * stream is used. Each write of the text must end within the write timeout, or the TCP socket under the connection
 * is closed ({@link WriteDeadlines}); Angus's commands are short and each waits for a reply, which is timed. One per
 * connection, used on one thread.
 */
final class OutboundTransport extends SMTPTransport {

    /** The transport that is connecting on this thread. */
    private static final ThreadLocal<OutboundTransport> CONNECTING = new ThreadLocal<>();

    private Boolean startTlsOffered;
    private MessagingException startTlsFailure;
    /** The socket the connection runs on, as our factories made it; {@code null} if unsure. */
    private Socket socket;
    /** The last socket our factories made while connecting, TLS or not. */
    private Socket lastMade;
    /** The TCP socket under {@link #socket} (the same one in clear text); {@code null} if unsure. */
    private Socket tcp;
    /** The last plain socket made, or put under TLS, while connecting. */
    private Socket lastTcp;
    /** How long each write of a message's text may take (the server must keep reading). */
    private final Duration writeTimeout;
    /** STARTTLS was begun: the socket was replaced. */
    private boolean tlsStarted;
    /** The connection's socket stream, each write timed; made with the first transaction of our own. */
    private OutputStream timed;
    /** The stream for this connection's transactions, made with the first. */
    private SmtpDataStream dataStream;
    /** The stream the current transaction writes to, or {@code null} when it writes to Angus's own. */
    private SmtpDataStream sending;

    /**
     * @param implicitTls {@code smtps}: the session's properties are then read under {@code mail.smtps.*}
     * @param writeTimeout how long each write of a message's text may take before the connection is closed
     */
    OutboundTransport(Session session, boolean implicitTls, Duration writeTimeout) {
        super(session, null, implicitTls ? "smtps" : "smtp", implicitTls);
        this.writeTimeout = writeTimeout;
    }

    /**
     * Our socket factories call this for every socket they make: the last one made on a thread while a transport
     * connects there is, once a step of the connection is done, the one it runs on.
     */
    static void socketMade(Socket made) {
        OutboundTransport connecting = CONNECTING.get();
        if (connecting != null) {
            connecting.lastMade = made;
            if (!(made instanceof SSLSocket)) {
                connecting.lastTcp = made;
            }
        }
    }

    /**
     * Our TLS socket factory calls this with each socket it puts TLS over (Angus's own plain socket for implicit TLS,
     * ours for STARTTLS): the socket to close when a write must be cut off.
     */
    static void tlsLayeredOver(Socket plain) {
        OutboundTransport connecting = CONNECTING.get();
        if (connecting != null) {
            connecting.lastTcp = plain;
        }
    }

    /**
     * Connects, and keeps the socket our factories made for it: with implicit TLS it must be a TLS socket (Angus puts
     * TLS over a plain socket with the JDK's default factory when ours made none), after STARTTLS the TLS socket made
     * for it (see {@link #startTLS}), else a plain one.
     */
    @Override
    protected synchronized boolean protocolConnect(String host, int port, String user, String password)
            throws MessagingException {
        CONNECTING.set(this);
        socket = null;
        lastMade = null;
        tcp = null;
        lastTcp = null;
        tlsStarted = false;
        timed = null;
        dataStream = null;
        carried = false;
        try {
            boolean connected = super.protocolConnect(host, port, user, password);
            if (!tlsStarted && lastMade != null && isSSL() == lastMade instanceof SSLSocket) {
                socket = lastMade;
                tcp = lastTcp;
            }
            return connected;
        } finally {
            CONNECTING.remove();
            lastMade = null;
            lastTcp = null;
        }
    }

    @Override
    protected OutputStream data() throws MessagingException {
        OutputStream angus = super.data(); // DATA, answered 354; Angus's stream is empty (it flushes each command)
        sending = null;
        try {
            if (textStream() == null) {
                return angus;
            }
        } catch (IOException e) {
            return angus;
        }
        sending = dataStream.reset();
        return sending;
    }

    /**
     * The stream a message's text goes out on, each write timed, or {@code null} where Angus's own must be used: a
     * write is not timed by the socket, and a server that stops reading would hold this thread for ever; without the
     * TCP socket under the connection there is nothing safe to close (closing a TLS layer under a blocked write would
     * block the thread that closes it).
     */
    private SmtpDataStream textStream() throws IOException {
        if (dataStream == null) {
            if (socket == null || tcp == null) {
                return null;
            }
            timed = WriteDeadlines.SHARED.timed(socket.getOutputStream(), tcp, writeTimeout,
                    "the server did not take the message's text in time (" + writeTimeout.toSeconds() + " s a write)");
            dataStream = new SmtpDataStream(timed);
        }
        return dataStream;
    }

    /** Sends the rest of the text; Angus then finds its own stream at the start of a line and sends the end. */
    @Override
    protected void finishData() throws IOException, MessagingException {
        if (sending != null) {
            sending.finish();
            sending = null;
        }
        super.finishData();
    }

    /** The socket our stream writes a message's text to, or {@code null} when Angus's stream does. */
    Socket dataSocket() {
        return socket;
    }

    /** The server answered this transaction's {@code MAIL FROM} with 250. */
    private boolean mailAccepted;
    /** A transaction was begun on this connection before. */
    private boolean carried;

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
        mailAccepted = false;
        carried = true;
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

    /** A reply of the server: its code, or -1 where the connection ended instead, and its text as Angus reads it. */
    record Reply(int code, String text) {

        boolean positive() {
            return code >= 200 && code < 300;
        }
    }

    /**
     * The replies to one {@link #transact transaction}: to {@code MAIL FROM}, to the {@code RCPT TO}s in their order
     * (fewer if the transaction ended before them), to {@code DATA} and to the end of the text; {@code null} where that
     * command was not sent or the transaction ended before its reply.
     */
    record Replies(Reply mail, List<Reply> recipients, Reply data, Reply end) {
    }

    /** Writes a message's text, as it is: the stream stuffs dots and ends lines in CRLF. */
    interface Text {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Whether {@link #transact} can carry a transaction on this connection: our stream to its socket is known. Where
     * it is not, {@link #sendMessage} (Angus's own transaction) must be used.
     */
    boolean transacts() {
        return socket != null && tcp != null;
    }

    /** Whether {@link #transact} sends its commands together: the server offered PIPELINING (RFC 2920). */
    boolean pipelines() {
        return transacts() && supportsExtension("PIPELINING");
    }

    /**
     * Whether this connection, kept from an earlier message, can carry the next: where the server pipelines, whether it
     * is still open on our side (the {@code RSET} at the head of the next transaction checks that the server still
     * answers); else Angus's check, a {@code RSET} of its own.
     */
    boolean usable() {
        return pipelines() ? !socket.isClosed() : isConnected();
    }

    /**
     * One transaction of our own: {@code MAIL FROM}, a {@code RCPT TO} per recipient, {@code DATA}, the text and its
     * end; where the server pipelines, preceded by {@code RSET} on a connection that carried a transaction before (else
     * {@link #usable()} checked it with a {@code RSET} of its own). With {@link #pipelines() PIPELINING} the commands up to
     * {@code DATA} go out in one write and their replies are read afterwards, in order (RFC 2920: two round trips a
     * message instead of four or five); else each command waits for its reply, and the transaction stops at a refused
     * {@code MAIL} or when no recipient was taken. The text is sent only after {@code 354} with at least one recipient
     * taken, and its end goes in the same write as its last bytes.
     * <p>
     * A server that accepted {@code DATA} when it should not have (no recipient, or {@code MAIL} refused) has its
     * connection closed: the server then drops the transaction, where an end of data would deliver an empty message.
     * So is a connection on which anything fails (an exception leaves this method), rather than sending {@code QUIT}
     * into an unfinished text.
     *
     * <p>
     * Commands go out in UTF-8: the same bytes as ASCII for ASCII addresses, and what SMTPUTF8 (RFC 6531) asks for
     * otherwise; the caller declares SMTPUTF8 in {@code mailParameters} where an address needs it.
     *
     * @param mailParameters appended to {@code MAIL FROM:<...>}, e.g. {@code " SMTPUTF8 BODY=8BITMIME"}; {@code ""}
     *            for none
     * @throws MessagingException a failure to read a reply, or {@code RSET} refused (the server took nothing then)
     * @throws IOException a failure to write, or from {@code text}
     */
    synchronized Replies transact(String reversePath, List<String> recipients, String mailParameters, Text text)
            throws MessagingException, IOException {
        mailAccepted = false;
        if (!transacts()) {
            throw new IllegalStateException("no stream of our own to this server: use sendMessage");
        }
        boolean pipelined = supportsExtension("PIPELINING");
        // without PIPELINING a kept connection was checked with a RSET of its own (usable)
        boolean rset = carried && pipelined;
        carried = true;
        SmtpDataStream out = textStream();
        List<String> commands = new ArrayList<>(recipients.size() + 3);
        if (rset) {
            commands.add("RSET");
        }
        commands.add("MAIL FROM:" + path(reversePath) + mailParameters);
        for (String recipient : recipients) {
            commands.add("RCPT TO:" + path(recipient));
        }
        commands.add("DATA");
        boolean completed = false;
        try {
            if (pipelined) {
                send(commands, 0, commands.size());
            }
            int next = 0;
            if (rset) {
                Reply reset = reply(pipelined, commands, next++);
                if (!reset.positive()) {
                    throw new MessagingException("the kept connection did not take RSET: " + reset.text().strip());
                }
            }
            Reply mail = reply(pipelined, commands, next++);
            mailAccepted = mail.positive();
            if (!pipelined && !mailAccepted) {
                completed = mail.code() != -1;
                return new Replies(mail, List.of(), null, null);
            }
            List<Reply> taken = new ArrayList<>(recipients.size());
            boolean anyTaken = false;
            for (int i = 0; i < recipients.size() && (mail.code() != -1 || !pipelined); i++) {
                Reply reply = reply(pipelined, commands, next++);
                taken.add(reply);
                anyTaken |= reply.positive();
                if (reply.code() == -1) {
                    break;
                }
            }
            boolean ended = mail.code() == -1 || !taken.isEmpty() && taken.get(taken.size() - 1).code() == -1;
            if (ended || !pipelined && !anyTaken) {
                completed = !ended;
                return new Replies(mail, taken, null, null);
            }
            Reply data = reply(pipelined, commands, next);
            if (data.code() != 354) {
                completed = data.code() != -1;
                return new Replies(mail, taken, data, null);
            }
            if (!mailAccepted || !anyTaken) {
                return new Replies(mail, taken, data, null); // closed below, before the server delivers nothing
            }
            out.reset();
            text.writeTo(out);
            out.end();
            Reply end = read();
            completed = end.code() != -1;
            return new Replies(mail, taken, data, end);
        } finally {
            if (!completed) {
                abort();
            }
        }
    }

    /** The reply to {@code commands[index]}: read, after sending the command first unless it went out pipelined. */
    private Reply reply(boolean pipelined, List<String> commands, int index) throws MessagingException, IOException {
        if (!pipelined) {
            send(commands, index, index + 1);
        }
        return read();
    }

    /** Sends {@code commands[from, to)} in one write. */
    private void send(List<String> commands, int from, int to) throws IOException {
        StringBuilder text = new StringBuilder(64 * (to - from));
        for (String command : commands.subList(from, to)) {
            if (command.indexOf('\r') >= 0 || command.indexOf('\n') >= 0) {
                throw new IOException("an address with a line break cannot go into an SMTP command: " + command);
            }
            text.append(command).append("\r\n");
        }
        timed.write(text.toString().getBytes(StandardCharsets.UTF_8));
        timed.flush();
    }

    private Reply read() throws MessagingException {
        int code = readServerResponse();
        return new Reply(code, getLastServerResponse());
    }

    /** An address in angle brackets, as Angus writes it; the null reverse path is {@code <>}. */
    private static String path(String address) {
        return address.startsWith("<") && address.endsWith(">") ? address : "<" + address + ">";
    }

    /** Closes the connection without a word: the server drops an unfinished transaction. */
    private void abort() {
        try {
            socket.close();
        } catch (IOException e) {
            // closed already, or closing failed: nothing goes out on it any more either way
        }
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

    /** On success the connection runs on the TLS socket our factory made meanwhile, or on one we do not know. */
    @Override
    protected void startTLS() throws MessagingException {
        tlsStarted = true;
        lastMade = null;
        try {
            super.startTLS();
            if (lastMade instanceof SSLSocket) {
                socket = lastMade;
                tcp = lastTcp;
            }
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
