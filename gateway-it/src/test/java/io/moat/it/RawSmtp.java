package io.moat.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A raw SMTP client that can send several commands in one write and start TLS on the same connection. */
final class RawSmtp implements AutoCloseable {
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    RawSmtp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        streams();
    }

    private void streams() throws IOException {
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out = socket.getOutputStream();
    }

    void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** A whole reply, multi-line ones joined with newlines. */
    String reply() throws IOException {
        StringBuilder reply = new StringBuilder();
        String line = in.readLine();
        while (line != null && line.length() > 3 && line.charAt(3) == '-') {
            reply.append(line).append('\n');
            line = in.readLine();
        }
        return reply.append(line).toString();
    }

    /** Whether the server closed the connection: the end of the stream or a reset; not a read that timed out. */
    boolean closedByServer() throws IOException {
        try {
            return in.readLine() == null;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    String command(String line) throws IOException {
        write(line + "\r\n");
        return reply();
    }

    void startTls(SSLContext context) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "localhost", socket.getPort(),
                true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        socket = tls;
        streams();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
