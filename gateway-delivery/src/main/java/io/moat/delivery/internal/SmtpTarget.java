package io.moat.delivery.internal;

import io.moat.smtp.client.Endpoint;
import io.moat.smtp.client.Security;
import java.util.Arrays;
import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;

/**
 * One downstream SMTP server to try, with how to use TLS towards it.
 *
 * @param host name or address to connect to; also the name the certificate is checked against
 * @param port TCP port, 1 to 65535
 * @param mode whether and how TLS is used
 * @param socketFactory makes the TLS sockets: carries the trust store (it alone decides whether a server certificate
 *            is trusted), the client certificate, the protocol versions and cipher suites; {@code null} exactly for
 *            {@link Mode#NONE}. For {@link Mode#STARTTLS_OPTIONAL} its context's trust manager is an
 *            {@code OpportunisticTrustManager}: a certificate that does not verify is recorded, not refused. Sessions
 *            are cached per factory instance, so reuse one for as long as the configuration does not change.
 * @param verifyHostname whether the server certificate must name {@code host}
 * @param username for SMTP AUTH, or {@code null} for none; only with {@link Mode#STARTTLS_REQUIRED} or
 *            {@link Mode#SMTPS}: credentials go over verified TLS or not at all
 * @param password for SMTP AUTH, or {@code null} for none; copied in and out, never shown by {@link #toString()}
 */
public record SmtpTarget(String host, int port, Mode mode, SSLSocketFactory socketFactory, boolean verifyHostname,
        String username, char[] password) {

    /** How TLS is used towards the server. */
    public enum Mode {
        /** Clear text; STARTTLS is not tried. */
        NONE,
        /**
         * Opportunistic TLS (RFC 7435, Postfix's {@code may}): STARTTLS when offered, kept even when the server's
         * certificate does not verify (the attempt says so); clear text only where STARTTLS is not offered or the
         * handshake itself fails.
         */
        STARTTLS_OPTIONAL,
        /** STARTTLS or nothing: no offer, a failed handshake or an untrusted certificate is a temporary failure. */
        STARTTLS_REQUIRED,
        /** TLS from the first byte (implicit TLS, usually port 465). */
        SMTPS;

        /**
         * How a configured server is connected to: {@code smtps://} is implicit TLS, else its encryption; but a server
         * we log in to gets verified TLS or nothing (STARTTLS required), so that neither a stripped STARTTLS nor an
         * unverified certificate ever gives the credentials away. {@code NONE} with a username is refused when a
         * server profile is saved; a server stored before that is connected to the same way.
         *
         * @param encryption {@code NONE}, {@code STARTTLS_OPTIONAL} or {@code STARTTLS_REQUIRED} (ignored for smtps)
         */
        public static Mode of(boolean smtps, String encryption, boolean authenticates) {
            if (smtps) {
                return SMTPS;
            }
            Mode mode = valueOf(encryption);
            return authenticates && (mode == NONE || mode == STARTTLS_OPTIONAL) ? STARTTLS_REQUIRED : mode;
        }
    }

    public SmtpTarget {
        Objects.requireNonNull(mode, "mode");
        if ((socketFactory == null) != (mode == Mode.NONE)) {
            throw new IllegalArgumentException(mode == Mode.NONE
                    ? "mode NONE takes no socket factory"
                    : "mode " + mode + " needs a socket factory");
        }
        endpoint(host, port, mode, socketFactory, verifyHostname); // checks host and port
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("SMTP AUTH needs both a username and a password, or neither");
        }
        if (username != null && username.isBlank()) {
            throw new IllegalArgumentException("the SMTP AUTH username must not be blank");
        }
        if (username != null && mode != Mode.STARTTLS_REQUIRED && mode != Mode.SMTPS) {
            throw new IllegalArgumentException("SMTP AUTH goes only over verified TLS: mode " + mode
                    + " cannot take credentials (use STARTTLS_REQUIRED or SMTPS)");
        }
        password = password == null ? null : password.clone();
    }

    /** The SMTP client's endpoint for this server, connected to as {@code mode} says. */
    Endpoint endpoint(Mode mode) {
        return endpoint(host, port, mode, socketFactory, verifyHostname);
    }

    private static Endpoint endpoint(String host, int port, Mode mode, SSLSocketFactory socketFactory,
            boolean verifyHostname) {
        Security security = switch (mode) {
            case NONE -> Security.NONE;
            case STARTTLS_OPTIONAL -> Security.STARTTLS_OPTIONAL;
            case STARTTLS_REQUIRED -> Security.STARTTLS_REQUIRED;
            case SMTPS -> Security.IMPLICIT;
        };
        return new Endpoint(host, port, security, mode == Mode.NONE ? null : socketFactory, verifyHostname);
    }

    /** A copy: the caller may wipe it. */
    @Override
    public char[] password() {
        return password == null ? null : password.clone();
    }

    /** Whether SMTP AUTH is to be used. */
    public boolean authenticates() {
        return username != null;
    }

    /** {@code smtp://host:port}, or {@code smtps://host:port} for {@link Mode#SMTPS}; IPv6 addresses in brackets. */
    public String uri() {
        String name = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return (mode == Mode.SMTPS ? "smtps" : "smtp") + "://" + name + ":" + port;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SmtpTarget that && port == that.port && verifyHostname == that.verifyHostname
                && host.equals(that.host) && mode == that.mode && Objects.equals(socketFactory, that.socketFactory)
                && Objects.equals(username, that.username) && Arrays.equals(password, that.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, mode, socketFactory, verifyHostname, username);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "SmtpTarget[" + uri() + ", " + mode + (mode == Mode.NONE ? "" : ", verifyHostname=" + verifyHostname)
                + (username == null ? "" : ", username=" + username + ", password=***") + "]";
    }
}
