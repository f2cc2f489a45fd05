package io.moat.smtp.client;

import io.moat.smtp.client.internal.ClientConnection;
import java.io.IOException;
import java.time.Duration;
import javax.net.SocketFactory;

/**
 * Outbound SMTP (RFC 5321) on sockets of its own: connects in clear text or implicit TLS, reads the greeting, says
 * {@code EHLO} ({@code HELO} where refused), STARTTLS (RFC 3207) as the {@link Endpoint} asks, and AUTH (RFC 4954,
 * {@code PLAIN} or {@code LOGIN}) with the credentials given; the {@link SmtpConnection} it returns carries
 * transactions with PIPELINING (RFC 2920) where offered (ADR 0028). Each connect and each read must end within the
 * time-out, each write too or the TCP socket is closed ({@code io.moat.tls.WriteDeadlines}). Plain sockets have
 * Nagle's algorithm off: a message goes out in several segments, and with Nagle the last, short one would wait for
 * the server's delayed acknowledgement of those before (40 ms on Linux); Postfix turns it off for the same reason.
 * Immutable and safe for concurrent use.
 */
public final class SmtpClient {

    private final String heloName;
    private final Duration timeout;
    private final SocketFactory plainSockets;

    /**
     * @param heloName the name given in {@code EHLO}
     * @param timeout for connecting, for each read, and for each write
     */
    public SmtpClient(String heloName, Duration timeout) {
        this(heloName, timeout, SocketFactory.getDefault());
    }

    /** With the factory of the plain sockets connections start on (its unconnected {@code createSocket()}). */
    public SmtpClient(String heloName, Duration timeout, SocketFactory plainSockets) {
        if (heloName == null || heloName.isBlank() || heloName.indexOf('\r') >= 0 || heloName.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("an SMTP client needs a host name for EHLO");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        this.heloName = heloName;
        this.timeout = timeout;
        this.plainSockets = plainSockets;
    }

    /**
     * A connection ready for transactions.
     *
     * @param credentials for AUTH, or {@code null}; used where the server offers AUTH (a server that offers none is
     *            sent to without, as Angus Mail did)
     * @throws SmtpFailure where it failed, and why; nothing of a message was sent
     */
    public SmtpConnection connect(Endpoint endpoint, Credentials credentials) throws SmtpFailure {
        return ClientConnection.open(endpoint, credentials, heloName, timeout, plainSockets);
    }

    /**
     * Whether a server answers: connects (TLS from the first byte for implicit TLS, the certificate checked as a
     * delivery checks it), reads the greeting and says {@code QUIT}. Sends no mail, no {@code EHLO}.
     *
     * @return the greeting, a 220 reply
     * @throws IOException when the server cannot be reached, the handshake fails, or it does not greet with 220
     */
    public Reply greeting(Endpoint endpoint) throws IOException {
        return ClientConnection.greeting(endpoint, timeout, plainSockets);
    }
}
