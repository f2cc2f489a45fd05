package io.moat.smtp.client.internal;

import io.moat.smtp.api.SmtpEncryption;
import io.moat.smtp.client.Credentials;
import io.moat.smtp.client.Endpoint;
import io.moat.smtp.client.MessageText;
import io.moat.smtp.client.Replies;
import io.moat.smtp.client.Reply;
import io.moat.smtp.client.SmtpConnection;
import io.moat.smtp.client.SmtpFailure;
import io.moat.smtp.client.SmtpFailure.Stage;
import io.moat.tls.WriteDeadlines;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.SocketFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The one owner of an outbound SMTP socket: it makes the TCP socket, puts TLS over it, writes every command and every
 * byte of text through one timed stream, and reads every reply (ADR 0028). Used by one thread at a time.
 */
public final class ClientConnection implements SmtpConnection {

    private final String address;
    private final Duration timeout;
    private final ReplyReader replies = new ReplyReader();
    /** The TCP socket: what a write that hangs closes, and what is closed in the end. */
    private final Socket tcp;
    /** The socket the conversation runs on: {@link #tcp}, or the TLS socket over it. */
    private Socket socket;
    private InputStream in;
    /** The socket's stream, each write timed. */
    private OutputStream out;
    private SmtpDataStream text;
    /** The keywords of the last EHLO reply, upper case, and their parameters. */
    private Map<String, String> extensions = Map.of();
    /** A transaction was begun on this connection before. */
    private boolean carried;
    private boolean mailAccepted;

    private ClientConnection(Endpoint endpoint, Duration timeout, Socket tcp) {
        this.address = endpoint.address();
        this.timeout = timeout;
        this.tcp = tcp;
        this.socket = tcp;
    }

    /** A connection past the greeting, EHLO, STARTTLS and AUTH as {@code endpoint} and {@code credentials} ask. */
    public static ClientConnection open(Endpoint endpoint, Credentials credentials, String heloName,
            Duration timeout, SocketFactory plainSockets) throws SmtpFailure {
        ClientConnection connection = connect(endpoint, timeout, plainSockets);
        try {
            connection.greet();
            connection.hello(heloName);
            if (endpoint.security() == SmtpEncryption.STARTTLS_OPTIONAL
                    || endpoint.security() == SmtpEncryption.STARTTLS_REQUIRED) {
                connection.startTls(endpoint, heloName);
            }
            if (credentials != null && connection.supports("AUTH")) {
                connection.authenticate(credentials);
            }
            return connection;
        } catch (SmtpFailure e) {
            connection.closeSocket();
            throw e;
        } catch (IOException | RuntimeException e) {
            connection.closeSocket();
            throw new SmtpFailure(Stage.GREETING, e.toString(), e);
        }
    }

    /** The greeting of {@code endpoint}'s server; then {@code QUIT}, without waiting for its reply. */
    public static Reply greeting(Endpoint endpoint, Duration timeout, SocketFactory plainSockets) throws IOException {
        ClientConnection connection = connect(endpoint, timeout, plainSockets);
        try {
            Reply greeting = connection.replies.read(connection.in);
            if (greeting.code() == -1) {
                throw new IOException("closed the connection without a greeting");
            }
            if (greeting.code() != 220) {
                throw new IOException("greeted with '" + greeting.firstLine() + "', not 220");
            }
            connection.send(List.of("QUIT"));
            return greeting;
        } finally {
            connection.closeSocket();
        }
    }

    /** A TCP connection, and for implicit TLS the handshake. */
    private static ClientConnection connect(Endpoint endpoint, Duration timeout, SocketFactory plainSockets)
            throws SmtpFailure {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Socket tcp = null;
        try {
            tcp = plainSockets.createSocket();
            tcp.setTcpNoDelay(true);
            tcp.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), millis);
            tcp.setSoTimeout(millis);
        } catch (IOException e) {
            closeQuietly(tcp);
            throw new SmtpFailure(Stage.CONNECT, "cannot connect to " + endpoint.address() + ": " + e, e);
        }
        ClientConnection connection = new ClientConnection(endpoint, timeout, tcp);
        try {
            connection.streams();
            if (endpoint.security() == SmtpEncryption.IMPLICIT_TLS) {
                connection.layerTls(endpoint);
            }
            return connection;
        } catch (SmtpFailure e) {
            connection.closeSocket();
            throw e;
        } catch (IOException e) {
            connection.closeSocket();
            throw new SmtpFailure(Stage.CONNECT, "cannot connect to " + endpoint.address() + ": " + e, e);
        }
    }

    private void streams() throws IOException {
        in = new BufferedInputStream(socket.getInputStream(), 8 * 1024);
        out = WriteDeadlines.SHARED.timed(socket.getOutputStream(), tcp, timeout,
                "the server did not take what was sent in time (" + timeout.toSeconds() + " s a write)");
        text = new SmtpDataStream(out);
    }

    private void greet() throws IOException {
        Reply greeting = replies.read(in);
        if (greeting.code() != 220) {
            throw new SmtpFailure(Stage.GREETING, greeting.code() == -1
                    ? address + " closed the connection without a greeting"
                    : address + " greeted with " + greeting.text().strip(), null);
        }
    }

    /** {@code EHLO}, or {@code HELO} where the server refuses it (then no extension is known). */
    private void hello(String heloName) throws IOException {
        send(List.of("EHLO " + heloName));
        Reply ehlo = replies.read(in);
        if (ehlo.code() == 250) {
            extensions = extensions(ehlo);
            return;
        }
        if (ehlo.code() != -1) {
            send(List.of("HELO " + heloName));
            Reply helo = replies.read(in);
            if (helo.code() == 250) {
                extensions = Map.of();
                return;
            }
            ehlo = helo;
        }
        throw new SmtpFailure(Stage.GREETING, ehlo.code() == -1
                ? address + " closed the connection after EHLO"
                : address + " refused EHLO and HELO: " + ehlo.text().strip(), null);
    }

    /**
     * The keywords of an EHLO reply (RFC 5321 4.1.1.1), each line after the first; the old {@code AUTH=PLAIN LOGIN}
     * form is read as {@code AUTH} too.
     */
    static Map<String, String> extensions(Reply ehlo) {
        Map<String, String> found = new HashMap<>();
        String[] lines = ehlo.text().split("\n");
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].length() > 4 ? lines[i].substring(4).strip() : "";
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String parameters = space < 0 ? "" : line.substring(space + 1).strip();
            if (keyword.startsWith("AUTH=")) {
                parameters = (keyword.substring(5) + " " + parameters).strip();
                keyword = "AUTH";
            }
            found.merge(keyword, parameters, (a, b) -> (a + " " + b).strip());
        }
        return Map.copyOf(found);
    }

    /**
     * RFC 3207: {@code STARTTLS}, the handshake, and {@code EHLO} again (what the server said before counts no more).
     * Bytes the server sent after its 220 and before the handshake would be read as if they came over TLS: that is
     * the plain-text injection of CVE-2011-0411, and the connection is refused.
     */
    private void startTls(Endpoint endpoint, String heloName) throws IOException {
        if (!supports("STARTTLS")) {
            if (endpoint.security() == SmtpEncryption.STARTTLS_REQUIRED) {
                throw new SmtpFailure(Stage.STARTTLS_MISSING, address + " offered no STARTTLS", null);
            }
            return;
        }
        send(List.of("STARTTLS"));
        Reply reply = replies.read(in);
        if (reply.code() != 220) {
            throw new SmtpFailure(Stage.TLS, reply.code() == -1
                    ? address + " closed the connection after STARTTLS"
                    : address + " refused STARTTLS: " + reply.text().strip(), null);
        }
        if (in.available() > 0) {
            throw new SmtpFailure(Stage.TLS, address + " sent more than its reply to STARTTLS before the handshake",
                    null);
        }
        layerTls(endpoint);
        hello(heloName);
    }

    /** TLS over the TCP socket, the handshake made now, the host name checked where asked for. */
    private void layerTls(Endpoint endpoint) throws SmtpFailure {
        try {
            SSLSocket tls = (SSLSocket) endpoint.tls().createSocket(tcp, endpoint.host(), endpoint.port(), true);
            if (endpoint.verifyHostname()) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("LDAPS");
                tls.setSSLParameters(parameters);
            }
            socket = tls;
            tls.startHandshake();
            streams();
        } catch (IOException e) {
            throw new SmtpFailure(Stage.TLS, "TLS handshake with " + address + " failed: " + e.getMessage(), e);
        }
    }

    /** RFC 4954 with {@code PLAIN} (RFC 4616, the credentials in the command) where offered, else {@code LOGIN}. */
    private void authenticate(Credentials credentials) throws IOException {
        List<String> mechanisms = Arrays.asList(extensions.get("AUTH").toUpperCase(Locale.ROOT).split("\\s+"));
        byte[] user = credentials.username().getBytes(StandardCharsets.UTF_8);
        byte[] password = utf8(credentials.password());
        Reply reply;
        try {
            if (mechanisms.contains("PLAIN")) {
                byte[] plain = new byte[user.length + password.length + 2];
                System.arraycopy(user, 0, plain, 1, user.length);
                System.arraycopy(password, 0, plain, user.length + 2, password.length);
                reply = command("AUTH PLAIN " + Base64.getEncoder().encodeToString(plain));
                Arrays.fill(plain, (byte) 0);
            } else if (mechanisms.contains("LOGIN")) {
                reply = command("AUTH LOGIN");
                if (reply.code() == 334) {
                    reply = command(Base64.getEncoder().encodeToString(user));
                }
                if (reply.code() == 334) {
                    reply = command(Base64.getEncoder().encodeToString(password));
                }
            } else {
                throw new SmtpFailure(Stage.AUTH, address + " offers no authentication mechanism of ours (PLAIN,"
                        + " LOGIN): AUTH " + extensions.get("AUTH"), null);
            }
        } finally {
            Arrays.fill(password, (byte) 0);
        }
        if (reply.code() != 235) {
            throw new SmtpFailure(Stage.AUTH, reply.code() == -1
                    ? address + " closed the connection during AUTH"
                    : reply.text().strip(), null);
        }
    }

    private static byte[] utf8(char[] chars) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        Arrays.fill(chars, '\0');
        return bytes;
    }

    private Reply command(String line) throws IOException {
        send(List.of(line));
        return replies.read(in);
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public boolean supports(String extension) {
        return extensions.containsKey(extension.toUpperCase(Locale.ROOT));
    }

    @Override
    public SSLSession tls() {
        return socket instanceof SSLSocket tls ? tls.getSession() : null;
    }

    private boolean pipelines() {
        return supports("PIPELINING");
    }

    @Override
    public boolean usable() {
        if (socket.isClosed()) {
            return false;
        }
        if (pipelines()) {
            return true;
        }
        try {
            if (command("RSET").code() == 250) {
                return true;
            }
        } catch (IOException e) {
            // the server is gone: the connection is of no more use, which is the answer
        }
        closeSocket();
        return false;
    }

    @Override
    public boolean mailAccepted() {
        return mailAccepted;
    }

    @Override
    public Replies transact(String reversePath, List<String> recipients, String mailParameters, MessageText message)
            throws IOException {
        mailAccepted = false;
        boolean pipelined = pipelines();
        // without PIPELINING a kept connection was checked with a RSET of its own (usable)
        boolean rset = carried && pipelined;
        carried = true;
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
                send(commands);
            }
            int next = 0;
            if (rset) {
                Reply reset = reply(pipelined, commands, next++);
                if (!reset.positive()) {
                    throw new IOException("the kept connection did not take RSET: " + reset.text().strip());
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
            message.writeTo(text.reset());
            text.end();
            Reply end = replies.read(in);
            completed = end.code() != -1;
            return new Replies(mail, taken, data, end);
        } finally {
            if (!completed) {
                closeSocket();
            }
        }
    }

    /** The reply to {@code commands[index]}: read, after sending the command first unless it went out pipelined. */
    private Reply reply(boolean pipelined, List<String> commands, int index) throws IOException {
        if (!pipelined) {
            send(commands.subList(index, index + 1));
        }
        return replies.read(in);
    }

    /** Sends {@code commands} in one write, each ended with CRLF, in UTF-8. */
    private void send(List<String> commands) throws IOException {
        StringBuilder line = new StringBuilder(64 * commands.size());
        for (String command : commands) {
            if (command.indexOf('\r') >= 0 || command.indexOf('\n') >= 0) {
                throw new IOException("a line break cannot go into an SMTP command: "
                        + command.substring(0, Math.min(command.length(), 4)) + " ...");
            }
            line.append(command).append("\r\n");
        }
        out.write(line.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** An address in angle brackets; the null reverse path is {@code <>}. */
    private static String path(String address) {
        return address.startsWith("<") && address.endsWith(">") ? address : "<" + address + ">";
    }

    @Override
    public void close() {
        if (socket.isClosed()) {
            return;
        }
        try {
            send(List.of("QUIT"));
            replies.read(in);
        } catch (IOException e) {
            // the outcome of what went before stands; the socket is closed below either way
        } finally {
            closeSocket();
        }
    }

    /** Closes the connection without a word: the server drops an unfinished transaction. */
    private void closeSocket() {
        closeQuietly(socket);
        closeQuietly(tcp);
    }

    private static void closeQuietly(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing failed: nothing goes out on it any more either way
        }
    }
}
