package io.moat.smtp.api;

import io.moat.tls.ServerTlsContext;
import java.util.List;
import java.util.Objects;

/**
 * One SMTP endpoint as the application wants it to listen. The TLS context is shared with the application, which
 * changes its certificate or versions in place: the next handshake uses them, without restarting the listener.
 *
 * @param name the endpoint's name, unique; in logs and stored with each message
 * @param bindAddress the local address to listen on
 * @param port the TCP port; 0 picks a free one (tests)
 * @param encryption how TLS is used
 * @param tls the TLS server side; {@code null} exactly when {@code encryption} is {@link SmtpEncryption#NONE}
 * @param greeting the host name in the greeting (and our {@code Received:} header); {@code null} for the default
 * @param maxMessageSize the largest message accepted, in bytes
 * @param maxRecipients the most recipients per message
 * @param maxConnections the most concurrent sessions; the endpoint runs them on threads of its own, as many
 * @param idleTimeoutSeconds how long a session may stay silent (each read)
 * @param maxConnectionsPerClient the most concurrent sessions from one client address, outside
 *        {@code trustedNetworks}
 * @param sessionTimeoutSeconds how long a connection may last in all, whatever it does
 * @param minDataRate the lowest average rate, in octets per second, at which a client may send the content of DATA
 *        once a short grace has passed; 0 for no floor
 * @param maxDiscardSize how many octets the session reads and drops, at most, after a message passes
 *        {@code maxMessageSize} (or of a BDAT chunk, never taken) before it answers and closes the connection
 * @param trustedNetworks the clients exempt from {@code maxConnectionsPerClient} (the endpoint's trusted
 *        networks, as Postfix exempts {@code $mynetworks})
 */
public record SmtpEndpointConfig(String name, String bindAddress, int port, SmtpEncryption encryption,
        ServerTlsContext tls, String greeting, long maxMessageSize, int maxRecipients, int maxConnections,
        int idleTimeoutSeconds, int maxConnectionsPerClient, int sessionTimeoutSeconds, int minDataRate,
        long maxDiscardSize, List<Cidr> trustedNetworks) {

    public SmtpEndpointConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(encryption, "encryption");
        trustedNetworks = List.copyOf(trustedNetworks);
        if ((encryption == SmtpEncryption.NONE) != (tls == null)) {
            throw new IllegalArgumentException("endpoint '" + name + "': a TLS context exactly when encryption is"
                    + " not NONE");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("endpoint '" + name + "': port " + port + " out of range");
        }
    }
}
