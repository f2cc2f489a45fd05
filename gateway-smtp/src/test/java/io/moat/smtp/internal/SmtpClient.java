package io.moat.smtp.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A line-oriented SMTP test client: clear text, STARTTLS on the same connection, or implicit TLS. */
final class SmtpClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpClient(Socket socket) throws IOException {
        socket.setSoTimeout(5_000);
        use(socket);
    }

    static SmtpClient plain(int port) throws IOException {
        return new SmtpClient(new Socket("127.0.0.1", port));
    }

    /** A clear-text connection from another loopback address, e.g. {@code 127.0.0.2} (another client). */
    static SmtpClient plainFrom(String localAddress, int port) throws IOException {
        return new SmtpClient(new Socket(InetAddress.getByName("127.0.0.1"), port,
                InetAddress.getByName(localAddress), 0));
    }

    /** Connects and completes the TLS handshake at once (RFC 8314), offering only {@code protocols} if given. */
    static SmtpClient implicitTls(int port, SSLContext context, String... protocols) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        tls.setSoTimeout(5_000);
        if (protocols.length > 0) {
            tls.setEnabledProtocols(protocols);
        }
        try {
            tls.startHandshake();
        } catch (IOException e) {
            tls.close();
            throw e;
        }
        return new SmtpClient(tls);
    }

    private void use(Socket next) throws IOException {
        socket = next;
        in = new BufferedInputStream(next.getInputStream());
        out = next.getOutputStream();
    }

    Socket socket() {
        return socket;
    }

    /** Sends one command line (CRLF added). */
    SmtpClient send(String line) throws IOException {
        return write(line + "\r\n");
    }

    /** Sends these octets as they are, in one write. */
    SmtpClient write(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    /** Sends a command and reads its whole reply. */
    String command(String line) throws IOException {
        return send(line).reply();
    }

    /** One line without its CRLF, or null at the end of the stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** A whole reply; the lines of a multi-line one joined with {@code \n}; null at the end of the stream. */
    String reply() throws IOException {
        StringBuilder reply = new StringBuilder();
        String line = readLine();
        while (line != null && line.length() > 3 && line.charAt(3) == '-') {
            reply.append(line).append('\n');
            line = readLine();
        }
        if (line == null) {
            return reply.length() == 0 ? null : reply.toString();
        }
        return reply.append(line).toString();
    }

    /** After the server's 220 to STARTTLS: the TLS handshake over the same connection. */
    SSLSocket startTls(SSLContext context) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(),
                true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        use(tls);
        return tls;
    }

    /** Reads what the server still sends until it closes the connection; what it sent, as text. */
    String readToEnd() throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        try {
            in.transferTo(rest);
        } catch (SocketException e) {
            // reset: closed as well
        }
        return rest.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
