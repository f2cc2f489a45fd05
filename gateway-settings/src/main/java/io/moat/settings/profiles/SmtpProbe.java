package io.moat.settings.profiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Whether an SMTP server answers: connects (with TLS from the first byte for smtps, checking its certificate as
 * delivery would), reads the greeting and says QUIT. Sends no mail.
 */
public final class SmtpProbe {

    private SmtpProbe() {
    }

    /**
     * @return the server's greeting line, e.g. {@code 220 mx.example.com ESMTP}
     * @throws IOException when it cannot be reached, the handshake fails or it does not greet with 220
     */
    public static String greeting(SmtpTarget target, Duration timeout) throws IOException {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(target.host(), target.port()), millis);
            plain.setSoTimeout(millis);
            Socket socket = plain;
            if (target.mode() == SmtpTarget.Mode.SMTPS) {
                SSLSocket tls = (SSLSocket) target.socketFactory().createSocket(plain, target.host(), target.port(),
                        true);
                if (target.verifyHostname()) {
                    SSLParameters parameters = tls.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    tls.setSSLParameters(parameters);
                }
                tls.startHandshake();
                socket = tls;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            String line = in.readLine();
            String first = line;
            while (line != null && line.length() > 3 && line.charAt(3) == '-') {
                line = in.readLine();
            }
            if (first == null || line == null) {
                throw new IOException("closed the connection without a greeting");
            }
            if (!first.startsWith("220")) {
                throw new IOException("greeted with '" + first + "', not 220");
            }
            OutputStream out = socket.getOutputStream();
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return first;
        } finally {
            plain.close();
        }
    }
}
