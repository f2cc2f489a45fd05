package io.moat.smtp.api;

import io.moat.tls.ServerTlsContext;
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
 * @param maxConnections the most concurrent sessions
 * @param idleTimeoutSeconds how long a session may stay silent
 */
public record SmtpEndpointConfig(String name, String bindAddress, int port, SmtpEncryption encryption,
        ServerTlsContext tls, String greeting, long maxMessageSize, int maxRecipients, int maxConnections,
        int idleTimeoutSeconds) {

    public SmtpEndpointConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(encryption, "encryption");
        if ((encryption == SmtpEncryption.NONE) != (tls == null)) {
            throw new IllegalArgumentException("endpoint '" + name + "': a TLS context exactly when encryption is"
                    + " not NONE");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("endpoint '" + name + "': port " + port + " out of range");
        }
    }
}
