package io.moat.devtools;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A bare SMTP client over a socket, so that tests see exactly what goes over the wire. */
final class SmtpClient implements Closeable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final String greeting;

    SmtpClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        greeting = reply();
    }

    String greeting() {
        return greeting;
    }

    /** Sends {@code STARTTLS} and, after its 220, goes on over TLS with this client context; returns the 220. */
    String startTls(SSLContext context) throws IOException {
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
    String command(String line) throws IOException {
        return send((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends raw bytes and returns the (last line of the) reply. */
    String send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return reply();
    }

    /** A whole transaction; returns the reply to the end of data. */
    String mail(String from, String body, String... recipients) throws IOException {
        expect(command("MAIL FROM:<" + from + ">"), "250");
        for (String rcpt : recipients) {
            expect(command("RCPT TO:<" + rcpt + ">"), "250");
        }
        expect(command("DATA"), "354");
        return send((body + ".\r\n").getBytes(StandardCharsets.UTF_8));
    }

    static void expect(String reply, String code) {
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
        } finally {
            socket.close();
        }
    }
}
