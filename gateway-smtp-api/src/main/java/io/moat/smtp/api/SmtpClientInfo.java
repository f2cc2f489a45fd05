package io.moat.smtp.api;

import java.util.Objects;

/**
 * What the gateway knows about the connected SMTP client when it decides about a recipient or stores a message.
 *
 * @param endpoint the name of the listening endpoint
 * @param remoteAddress the client's IP address, as text
 * @param helo the name the client gave in HELO/EHLO, or {@code null}
 * @param tlsProtocol the negotiated TLS version, or {@code null} for a clear-text session
 * @param tlsCipher the negotiated cipher suite, or {@code null}
 */
public record SmtpClientInfo(String endpoint, String remoteAddress, String helo, String tlsProtocol,
        String tlsCipher) {

    public SmtpClientInfo {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }
}
