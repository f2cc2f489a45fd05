package io.moat.smtp.client;

import io.moat.smtp.api.SmtpEncryption;
import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;

/**
 * A server to connect to, and how.
 *
 * @param host name or address; also the name the certificate is checked against
 * @param port 1 to 65535
 * @param security whether and how TLS is used
 * @param tls makes the TLS layer over the TCP socket: its context carries the trust (it alone decides whether a
 *            certificate is trusted), the client certificate, versions and cipher suites; {@code null} exactly for
 *            {@link SmtpEncryption#NONE}
 * @param verifyHostname whether the certificate must name {@code host} (endpoint identification {@code LDAPS}, as
 *            Angus Mail's {@code checkserveridentity} did: RFC 6125 names, no wildcard beyond the leftmost label)
 */
public record Endpoint(String host, int port, SmtpEncryption security, SSLSocketFactory tls, boolean verifyHostname) {

    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("an SMTP endpoint needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        Objects.requireNonNull(security, "security");
        if ((tls == null) != (security == SmtpEncryption.NONE)) {
            throw new IllegalArgumentException(security == SmtpEncryption.NONE
                    ? "security NONE takes no TLS socket factory"
                    : "security " + security + " needs a TLS socket factory");
        }
    }

    /** {@code host:port}, IPv6 addresses in brackets: how failures name the server. */
    public String address() {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
