package io.moat.testkit;

import io.moat.tls.ServerTlsContext;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A small SMTP server on 127.0.0.1 that speaks TLS: STARTTLS (offered in EHLO), implicit TLS, or none. Serves one
 * connection after the other and records every command, each message with the TLS of the connection that carried
 * it, AUTH PLAIN credentials, and failed handshakes.
 */
public final class TlsSmtpServer implements AutoCloseable {

    /** A message as it arrived: dot-unstuffed data, and the TLS facts of its connection ({@code null} in clear). */
    public record Received(String mailFrom, List<String> recipients, byte[] data, String tlsProtocol,
            String tlsCipher) {
    }

    /** Credentials given with AUTH PLAIN, and whether the connection was TLS by then. */
    public record Login(String username, String password, boolean overTls) {
    }

    private enum Tls {
        NONE, STARTTLS, IMPLICIT
    }

    private final Tls tls;
    private final ServerTlsContext context;
    private final ServerSocket socket;
    private final Thread thread;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Received> messages = new CopyOnWriteArrayList<>();
    private final List<Login> logins = new CopyOnWriteArrayList<>();
    private final List<String> handshakeFailures = new CopyOnWriteArrayList<>();
    private final Map<String, String> rcptReplies = new ConcurrentHashMap<>();
    private volatile String greeting = "220 tls-test ESMTP";
    private volatile boolean offerAuth;

    private TlsSmtpServer(Tls tls, ServerTlsContext context) throws IOException {
        this.tls = tls;
        this.context = context;
        this.socket = tls == Tls.IMPLICIT
                ? context.serverSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress())
                : new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "tls-smtp-" + tls);
        thread.setDaemon(true);
        thread.start();
    }

    /** No TLS at all: EHLO does not offer STARTTLS. */
    public static TlsSmtpServer plain() throws IOException {
        return new TlsSmtpServer(Tls.NONE, null);
    }

    /** Offers STARTTLS and layers TLS with {@code context}. */
    public static TlsSmtpServer startTls(ServerTlsContext context) throws IOException {
        return new TlsSmtpServer(Tls.STARTTLS, context);
    }

    /** TLS from the first byte, as on port 465. */
    public static TlsSmtpServer implicitTls(ServerTlsContext context) throws IOException {
        return new TlsSmtpServer(Tls.IMPLICIT, context);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** {@code smtp://127.0.0.1:port}, or {@code smtps://} for implicit TLS. */
    public String uri() {
        return (tls == Tls.IMPLICIT ? "smtps" : "smtp") + "://127.0.0.1:" + port();
    }

    /** The reply to {@code RCPT TO:<address>}, e.g. {@code "550 5.1.1 no such user"}; others get 250. */
    public TlsSmtpServer refuse(String address, String reply) {
        rcptReplies.put(address.toLowerCase(Locale.ROOT), reply);
        return this;
    }

    /** The first line sent, e.g. {@code "421 4.3.2 busy"}, after which a server that does not greet with 220 hangs up. */
    public TlsSmtpServer greeting(String line) {
        greeting = line;
        return this;
    }

    /** Offers AUTH PLAIN (also in clear text) and takes any credentials. */
    public TlsSmtpServer offerAuth() {
        offerAuth = true;
        return this;
    }

    public int connections() {
        return connections.get();
    }

    /** Every command line received, AUTH included, in order. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    public List<Received> messages() {
        return List.copyOf(messages);
    }

    public List<Login> logins() {
        return List.copyOf(logins);
    }

    /** Why handshakes failed on this side, one entry per failure. */
    public List<String> handshakeFailures() {
        return List.copyOf(handshakeFailures);
    }

    /** Each connection on a thread of its own, as a real server: a client may keep one open while it opens more. */
    private void serve() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                connections.incrementAndGet();
                Thread session = new Thread(() -> {
                    try (client) {
                        client.setSoTimeout(20_000);
                        session(client);
                    } catch (IOException e) {
                        // the client went away
                    }
                }, "tls-smtp-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                // closed: the loop ends
            }
        }
    }

    private void session(Socket accepted) throws IOException {
        Socket client = accepted;
        if (client instanceof SSLSocket implicit && !handshake(implicit)) {
            return;
        }
        BufferedReader in = reader(client);
        OutputStream out = client.getOutputStream();
        reply(out, greeting);
        if (!greeting.startsWith("220")) {
            return;
        }
        String mailFrom = null;
        List<String> recipients = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            commands.add(line);
            String command = line.toUpperCase(Locale.ROOT);
            if (command.startsWith("EHLO")) {
                StringBuilder ehlo = new StringBuilder("250-tls-test\r\n250-8BITMIME\r\n");
                if (tls == Tls.STARTTLS && !(client instanceof SSLSocket)) {
                    ehlo.append("250-STARTTLS\r\n");
                }
                if (offerAuth) {
                    ehlo.append("250-AUTH PLAIN\r\n");
                }
                reply(out, ehlo.append("250 HELP").toString());
            } else if (command.equals("STARTTLS") && tls == Tls.STARTTLS && !(client instanceof SSLSocket)) {
                reply(out, "220 2.0.0 ready to start TLS");
                SSLSocket layered = context.layer(client, true);
                if (!handshake(layered)) {
                    return;
                }
                client = layered;
                in = reader(client);
                out = client.getOutputStream();
                mailFrom = null;
                recipients.clear();
            } else if (command.startsWith("AUTH PLAIN ") && offerAuth) {
                String[] parts = new String(Base64.getDecoder().decode(line.substring(11).strip()),
                        StandardCharsets.UTF_8).split("\0", -1);
                logins.add(new Login(parts[1], parts[2], client instanceof SSLSocket));
                reply(out, "235 2.7.0 authenticated");
            } else if (command.startsWith("HELO") || command.startsWith("NOOP")) {
                reply(out, "250 2.0.0 OK");
            } else if (command.startsWith("MAIL FROM:")) {
                mailFrom = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                reply(out, "250 2.1.0 OK");
            } else if (command.startsWith("RSET")) {
                mailFrom = null;
                recipients.clear();
                reply(out, "250 2.0.0 OK");
            } else if (command.startsWith("RCPT TO:")) {
                String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
                String refusal = rcptReplies.get(address.toLowerCase(Locale.ROOT));
                if (refusal == null) {
                    recipients.add(address);
                    reply(out, "250 2.1.5 OK");
                } else {
                    reply(out, refusal);
                }
            } else if (command.equals("DATA")) {
                reply(out, "354 go ahead");
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                while ((line = in.readLine()) != null && !line.equals(".")) {
                    String unstuffed = line.startsWith(".") ? line.substring(1) : line;
                    body.writeBytes((unstuffed + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                SSLSession session = client instanceof SSLSocket s ? s.getSession() : null;
                messages.add(new Received(mailFrom, List.copyOf(recipients), body.toByteArray(),
                        session == null ? null : session.getProtocol(),
                        session == null ? null : session.getCipherSuite()));
                recipients.clear();
                reply(out, "250 2.0.0 queued");
            } else if (command.equals("QUIT")) {
                reply(out, "221 2.0.0 bye");
                return;
            } else {
                reply(out, "502 5.5.2 not implemented");
            }
        }
    }

    private boolean handshake(SSLSocket socket) {
        try {
            socket.startHandshake();
            return true;
        } catch (IOException e) {
            handshakeFailures.add(String.valueOf(e));
            return false;
        }
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
