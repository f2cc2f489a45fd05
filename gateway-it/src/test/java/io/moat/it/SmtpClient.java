package io.moat.it;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A plain SMTP client over a socket, returning each reply's last line so that tests can assert codes. */
final class SmtpClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    SmtpClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        out = socket.getOutputStream();
        reply();
    }

    /** Sends one command line and returns the (last line of the) reply. */
    String command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return reply();
    }

    /** Sends one command line in UTF-8, as SMTPUTF8 (RFC 6531) has addresses go, and returns the reply. */
    String commandUtf8(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply();
    }

    /** Sends the message after DATA's 354, dot-stuffed, and returns the final reply. */
    String data(byte[] message) throws IOException {
        String go = command("DATA");
        if (!go.startsWith("354")) {
            return go;
        }
        out.write(dotStuffed(message));
        out.flush();
        return reply();
    }

    /**
     * What became of one DATA: the reply, or null when the connection broke first; and whether every byte up to
     * and including the terminating dot was handed to the network before that.
     */
    record DataResult(String reply, boolean allWritten) {
    }

    /** Like {@link #data}, but a broken connection is an answer, not an exception. */
    DataResult dataTracked(byte[] message) throws IOException {
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

    /** One whole mail transaction; returns the reply to the end of DATA (or the first refusal). */
    static String send(String from, String to, byte[] message) throws IOException {
        return send(from, List.of(to), message);
    }

    /** One whole mail transaction to several recipients, all of which must be accepted. */
    static String send(String from, List<String> to, byte[] message) throws IOException {
        return send(TestBed.SMTP_PORT, from, to, message);
    }

    /**
     * One whole transaction as an SMTPUTF8 client sends it (RFC 6531, RFC 6152): {@code MAIL FROM:<from> SMTPUTF8
     * BODY=8BITMIME}, the addresses in UTF-8; returns the reply to the end of DATA (or the first refusal).
     */
    static String sendUtf8(int port, String from, List<String> to, byte[] message) throws IOException {
        return send(port, from, " SMTPUTF8 BODY=8BITMIME", to, message);
    }

    /** The same through another gateway's port. */
    static String send(int port, String from, List<String> to, byte[] message) throws IOException {
        return send(port, from, "", to, message);
    }

    /** One transaction, {@code mailParameters} after {@code MAIL FROM:<from>}, the commands in UTF-8. */
    private static String send(int port, String from, String mailParameters, List<String> to, byte[] message)
            throws IOException {
        try (SmtpClient smtp = new SmtpClient(port)) {
            smtp.command("EHLO client.it.test");
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

    private String reply() throws IOException {
        String line = in.readLine();
        while (line != null && line.length() > 3 && line.charAt(3) == '-') {
            line = in.readLine();
        }
        if (line == null) {
            throw new IOException("connection closed by the gateway");
        }
        return line;
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
