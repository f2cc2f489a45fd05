package io.moat.testkit;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal SMTP server for replies {@code SmtpSink} cannot give: {@code RCPT TO} answered per recipient. Serves
 * connections one after the other on 127.0.0.1 and records accepted recipients, the data it received, the commands and
 * the connections.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Map<String, String> rcptReplies = new ConcurrentHashMap<>();
    private final List<String> acceptedRecipients = new CopyOnWriteArrayList<>();
    private final List<String> data = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private volatile boolean smtpUtf8;
    private volatile boolean eightBitMime = true;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean hangUpAfterData;
    private volatile boolean stopReadingInData;
    private volatile boolean pipelining;
    private final AtomicInteger sentAhead = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile String mailRefusal;
    private volatile int mailRefusalAfter;
    private final Thread thread;

    public ScriptedSmtpServer() throws IOException {
        socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "scripted-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The reply to {@code RCPT TO:<address>}, e.g. {@code "550 5.1.1 no such user"}; others get 250. */
    public ScriptedSmtpServer refuse(String address, String reply) {
        rcptReplies.put(address.toLowerCase(Locale.ROOT), reply);
        return this;
    }

    /** After each message, close the connection without a word (as a server whose idle timeout ran out). */
    public ScriptedSmtpServer hangUpAfterData(boolean hangUp) {
        hangUpAfterData = hangUp;
        return this;
    }

    /**
     * After {@code 354}, read nothing more and keep the connection open until this server is closed (as a server
     * that stopped taking the message's text).
     */
    public ScriptedSmtpServer stopReadingInData() {
        stopReadingInData = true;
        return this;
    }

    /**
     * On a connection that already carried {@code after} messages, answer {@code MAIL FROM} with {@code reply} and
     * close it: after 0, always; after 1, as a server that limits the messages per connection (e.g.
     * {@code "421 4.3.2 too many messages"}).
     */
    public ScriptedSmtpServer refuseMail(String reply, int after) {
        mailRefusalAfter = after;
        mailRefusal = reply;
        return this;
    }

    /**
     * Offer PIPELINING (RFC 2920), and hold the replies to {@code RSET}, {@code MAIL FROM} and {@code RCPT TO} until
     * {@code DATA} (or another command) comes, to send them as a unit, as the RFC lets a server do: a client that waits
     * for each reply before its next command waits in vain.
     */
    public ScriptedSmtpServer pipelining() {
        pipelining = true;
        return this;
    }

    /** Offer SMTPUTF8 (RFC 6531) too. */
    public ScriptedSmtpServer smtpUtf8() {
        smtpUtf8 = true;
        return this;
    }

    /** Do not offer 8BITMIME (RFC 6152), as a server of old. */
    public ScriptedSmtpServer without8BitMime() {
        eightBitMime = false;
        return this;
    }

    /** Every command line received, in order, whole, its bytes read as UTF-8. */
    public List<String> lines() {
        return lines.stream().map(l -> new String(l.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
                .toList();
    }

    /** How many commands were sent before the reply to the one before them: none unless the client pipelines. */
    public int commandsSentAhead() {
        return sentAhead.get();
    }

    /** How many connections were accepted. */
    public int connections() {
        return connections.get();
    }

    /** Every command received, in order, verbs only (e.g. {@code EHLO}, {@code RSET}). */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** Recipients accepted in transactions that went on to complete {@code DATA}. */
    public List<String> deliveredTo() {
        return List.copyOf(acceptedRecipients);
    }

    /** The {@code DATA} of each completed transaction, as sent: dot-stuffed, without the final dot line. */
    public List<String> messages() {
        return List.copyOf(data);
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                session(client);
            } catch (IOException e) {
                // closed, or the client went away: serve the next one
            }
        }
    }

    private void session(Socket client) throws IOException {
        connections.incrementAndGet();
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.ISO_8859_1));
        OutputStream out = client.getOutputStream();
        reply(out, "220 scripted ESMTP");
        List<String> recipients = new CopyOnWriteArrayList<>();
        StringBuilder held = new StringBuilder();
        int messages = 0;
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.toUpperCase(Locale.ROOT);
            String verb = command.split("[ :]", 2)[0];
            commands.add(verb);
            lines.add(line);
            if (in.ready()) {
                sentAhead.incrementAndGet();
            }
            String answer;
            if (command.startsWith("EHLO")) {
                answer = "250-scripted" + (pipelining ? "\r\n250-PIPELINING" : "")
                        + (smtpUtf8 ? "\r\n250-SMTPUTF8" : "")
                        + (eightBitMime ? "\r\n250-8BITMIME" : "") + "\r\n250 HELP";
            } else if (command.startsWith("MAIL FROM:") && mailRefusal != null && messages >= mailRefusalAfter) {
                reply(out, held + mailRefusal);
                return;
            } else if (command.startsWith("HELO") || command.startsWith("MAIL FROM:")
                    || command.startsWith("NOOP")) {
                answer = "250 2.0.0 OK";
            } else if (command.startsWith("RSET")) {
                recipients.clear();
                answer = "250 2.0.0 OK";
            } else if (command.startsWith("RCPT TO:")) {
                String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
                String refusal = rcptReplies.get(address.toLowerCase(Locale.ROOT));
                if (refusal == null) {
                    recipients.add(address);
                    answer = "250 2.1.5 OK";
                } else {
                    answer = refusal;
                }
            } else if (command.equals("DATA")) {
                reply(out, held + "354 go ahead");
                held.setLength(0);
                if (stopReadingInData) {
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                while ((line = in.readLine()) != null && !line.equals(".")) {
                    body.writeBytes((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                if (line == null) {
                    return; // the client went away before the end of data: nothing was delivered
                }
                data.add(body.toString(StandardCharsets.ISO_8859_1));
                acceptedRecipients.addAll(recipients);
                recipients.clear();
                reply(out, "250 2.0.0 queued");
                messages++;
                if (hangUpAfterData) {
                    return;
                }
                continue;
            } else if (command.equals("QUIT")) {
                reply(out, held + "221 2.0.0 bye");
                return;
            } else {
                answer = "502 5.5.2 not implemented";
            }
            if (pipelining && (verb.equals("RSET") || verb.equals("MAIL") || verb.equals("RCPT"))) {
                held.append(answer).append("\r\n");
            } else {
                reply(out, held + answer);
                held.setLength(0);
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        socket.close();
    }
}
