package io.moat.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;

/**
 * An implicit-TLS server on 127.0.0.1, port 0, for handshake tests: it serves one connection after the other, each
 * with a handshake, the line {@value #GREETING}, and then waits for the client to close. A refused handshake only
 * ends its connection.
 */
final class GreetingTlsServer implements AutoCloseable {

    static final String GREETING = "hello";

    private final ServerSocket listening;
    private final Thread thread;

    GreetingTlsServer(ServerTlsContext tls) throws IOException {
        listening = tls.serverSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "greeting-tls");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return listening.getLocalPort();
    }

    private void serve() {
        while (!listening.isClosed()) {
            try (Socket accepted = listening.accept()) {
                accepted.setSoTimeout(5000);
                ((SSLSocket) accepted).startHandshake();
                accepted.getOutputStream().write((GREETING + "\r\n").getBytes(StandardCharsets.US_ASCII));
                accepted.getOutputStream().flush();
                InputStream in = accepted.getInputStream();
                while (in.read() >= 0) {
                    // until the client closes
                }
            } catch (IOException e) {
                // a refused handshake, or the listener closed at the end of the test: next connection
            }
        }
    }

    @Override
    public void close() throws IOException {
        listening.close();
    }
}
