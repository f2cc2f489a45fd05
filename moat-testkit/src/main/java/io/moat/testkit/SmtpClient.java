package io.moat.testkit;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A bare SMTP client over a socket, so that tests see exactly what goes over the wire: each command returns the
 * last line of its reply, so that tests can assert codes. It reads the greeting when it connects and says QUIT when
 * closed.
 */
public final class SmtpClient implements Closeable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final String greeting;

    public SmtpClient(int port) throws IOException {
        this(InetAddress.getLoopbackAddress(), port);
    }

    /** Connected to {@code address} (a node's own address, say) and greeted. */
    public SmtpClient(InetAddress address, int port) throws IOException {
        socket = new Socket(address, port);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        greeting = reply();
    }

    public String greeting() {
        return greeting;
    }

    /** Sends {@code STARTTLS} and, after its 220, goes on over TLS with this client context; returns the 220. */
    public String startTls(SSLContext context) throws IOException {
        String reply = command("STARTTLS");
        expect(reply, "220");
        SSLSocket secure = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(),
                true);
        secure.startHandshake();
        socket = secure;
        in = secure.getInputStream();
        out = secure.getOutputStream();
        return reply;
    }

    /** Sends one command line and returns the (last line of the) reply. */
    public String command(String line) throws IOException {
        return send((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends one command line in UTF-8, as SMTPUTF8 (RFC 6531) has addresses go, and returns the reply. */
    public String commandUtf8(String line) throws IOException {
        return send((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the message after DATA's 354, dot-stuffed, and returns the final reply. */
    public String data(byte[] message) throws IOException {
        String go = command("DATA");
        if (!go.startsWith("354")) {
            return go;
        }
        return send(dotStuffed(message));
    }

    /**
     * What became of one DATA: the reply, or null when the connection broke first; and whether every byte up to
     * and including the terminating dot was handed to the network before that.
     */
    public record DataResult(String reply, boolean allWritten) {
    }

    /** Like {@link #data}, but a broken connection is an answer, not an exception. */
    public DataResult dataTracked(byte[] message) throws IOException {
        String go = command("DATA");
        if (!go.startsWith("354")) {
            return new DataResult(go, false);
        }
        try {
            out.write(dotStuffed(message));
            out.flush();
        } catch (IOException e) {
            return new DataResult(null, false);
        }
        try {
            return new DataResult(reply(), true);
        } catch (IOException e) {
            return new DataResult(null, true);
        }
    }

    private static byte[] dotStuffed(byte[] message) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream(message.length + 64);
        boolean lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') {
                wire.write('.');
            }
            wire.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) {
            wire.write('\r');
            wire.write('\n');
        }
        wire.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return wire.toByteArray();
    }

    /** One whole mail transaction to {@code port}; returns the reply to the end of DATA (or the first refusal). */
    public static String send(int port, String from, List<String> to, byte[] message) throws IOException {
        return send(port, from, "", to, message);
    }

    /**
     * One whole transaction as an SMTPUTF8 client sends it (RFC 6531, RFC 6152): {@code MAIL FROM:<from> SMTPUTF8
     * BODY=8BITMIME}, the addresses in UTF-8; returns the reply to the end of DATA (or the first refusal).
     */
    public static String sendUtf8(int port, String from, List<String> to, byte[] message) throws IOException {
        return send(port, from, " SMTPUTF8 BODY=8BITMIME", to, message);
    }

    /** One transaction, {@code mailParameters} after {@code MAIL FROM:<from>}, the commands in UTF-8. */
    private static String send(int port, String from, String mailParameters, List<String> to, byte[] message)
            throws IOException {
        try (SmtpClient smtp = new SmtpClient(port)) {
            smtp.command("EHLO client.it.test"); // the name the end-to-end tests look for in Received:
            String reply = smtp.commandUtf8("MAIL FROM:<" + from + ">" + mailParameters);
            if (!reply.startsWith("250")) {
                return reply;
            }
            for (String recipient : to) {
                reply = smtp.commandUtf8("RCPT TO:<" + recipient + ">");
                if (!reply.startsWith("250")) {
                    return reply;
                }
            }
            return smtp.data(message);
        }
    }

    /** Sends raw bytes and returns the (last line of the) reply. */
    public String send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return reply();
    }

    /** A whole transaction; returns the reply to the end of data. */
    public String mail(String from, String body, String... recipients) throws IOException {
        expect(command("MAIL FROM:<" + from + ">"), "250");
        for (String rcpt : recipients) {
            expect(command("RCPT TO:<" + rcpt + ">"), "250");
        }
        expect(command("DATA"), "354");
        return send((body + ".\r\n").getBytes(StandardCharsets.UTF_8));
    }

    public static void expect(String reply, String code) {
        if (!reply.startsWith(code)) {
            throw new AssertionError("expected " + code + " but got " + reply);
        }
    }

    private String reply() throws IOException {
        while (true) {
            String line = line();
            if (line.length() < 4 || line.charAt(3) != '-') {
                return line;
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed; read so far: " + buffer);
            }
            if (c != '\r') {
                buffer.write(c);
            }
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        try {
            command("QUIT");
        } catch (IOException e) {
            // the server may already have closed; closing the socket is what matters
        } finally {
            socket.close();
        }
    }
}
