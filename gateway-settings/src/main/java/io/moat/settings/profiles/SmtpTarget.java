package io.moat.settings.profiles;

import io.moat.smtp.api.SmtpEncryption;
import io.moat.smtp.client.Endpoint;
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
 *            {@link SmtpEncryption#NONE}. For {@link SmtpEncryption#STARTTLS_OPTIONAL} its context's trust manager is an
 *            {@code OpportunisticTrustManager}: a certificate that does not verify is recorded, not refused. Sessions
 *            are cached per factory instance, so reuse one for as long as the configuration does not change.
 * @param verifyHostname whether the server certificate must name {@code host}
 * @param username for SMTP AUTH, or {@code null} for none; only with {@link SmtpEncryption#STARTTLS_REQUIRED} or
 *            {@link SmtpEncryption#IMPLICIT_TLS}: credentials go over verified TLS or not at all
 * @param password for SMTP AUTH, or {@code null} for none; copied in and out, never shown by {@link #toString()}
 */
public record SmtpTarget(String host, int port, SmtpEncryption mode, SSLSocketFactory socketFactory,
        boolean verifyHostname,
        String username, char[] password) {

    /**
     * How a configured server is connected to: {@code smtps://} is implicit TLS, else its encryption; but a server
     * we log in to gets verified TLS or nothing (STARTTLS required), so that neither a stripped STARTTLS nor an
     * unverified certificate ever gives the credentials away. {@code NONE} with a username is refused when a server
     * profile is saved; a server stored before that is connected to the same way. {@code STARTTLS_OPTIONAL} is
     * opportunistic TLS (RFC 7435, Postfix's {@code may}): kept even when the server's certificate does not verify
     * (the attempt says so); clear text only where STARTTLS is not offered or the handshake itself fails.
     *
     * @param encryption {@code NONE}, {@code STARTTLS_OPTIONAL} or {@code STARTTLS_REQUIRED} (ignored for smtps)
     */
    public static SmtpEncryption encryption(boolean smtps, String encryption, boolean authenticates) {
        if (smtps) {
            return SmtpEncryption.IMPLICIT_TLS;
        }
        SmtpEncryption mode = SmtpEncryption.valueOf(encryption);
        return authenticates && (mode == SmtpEncryption.NONE || mode == SmtpEncryption.STARTTLS_OPTIONAL)
                ? SmtpEncryption.STARTTLS_REQUIRED
                : mode;
    }

    public SmtpTarget {
        Objects.requireNonNull(mode, "mode");
        if ((socketFactory == null) != (mode == SmtpEncryption.NONE)) {
            throw new IllegalArgumentException(mode == SmtpEncryption.NONE
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
        if (username != null && mode != SmtpEncryption.STARTTLS_REQUIRED && mode != SmtpEncryption.IMPLICIT_TLS) {
            throw new IllegalArgumentException("SMTP AUTH goes only over verified TLS: mode " + mode
                    + " cannot take credentials (use STARTTLS_REQUIRED or IMPLICIT_TLS)");
        }
        password = password == null ? null : password.clone();
    }

    /** The SMTP client's endpoint for this server, connected to as {@code mode} says. */
    public Endpoint endpoint(SmtpEncryption mode) {
        return endpoint(host, port, mode, socketFactory, verifyHostname);
    }

    private static Endpoint endpoint(String host, int port, SmtpEncryption mode, SSLSocketFactory socketFactory,
            boolean verifyHostname) {
        return new Endpoint(host, port, mode, mode == SmtpEncryption.NONE ? null : socketFactory, verifyHostname);
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

    /** {@code smtp://host:port}, or {@code smtps://host:port} for {@link SmtpEncryption#IMPLICIT_TLS}; IPv6 addresses in brackets. */
    public String uri() {
        String name = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return (mode == SmtpEncryption.IMPLICIT_TLS ? "smtps" : "smtp") + "://" + name + ":" + port;
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
        return "SmtpTarget[" + uri() + ", " + mode
                + (mode == SmtpEncryption.NONE ? "" : ", verifyHostname=" + verifyHostname)
                + (username == null ? "" : ", username=" + username + ", password=***") + "]";
    }
}
