package io.moat.smtp.client;

/** Whether and how a connection is encrypted. */
public enum Security {
    /** Clear text; STARTTLS is not tried. */
    NONE,
    /**
     * STARTTLS where the server offers it (RFC 3207), clear text where it does not. Whether the server's certificate
     * must verify is the socket factory's business (an opportunistic one records a failure instead, ADR 0022).
     */
    STARTTLS_OPTIONAL,
    /** STARTTLS or nothing: a server that does not offer it fails the connection before anything is sent. */
    STARTTLS_REQUIRED,
    /** TLS from the first byte (RFC 8314 implicit TLS, usually port 465). */
    IMPLICIT
}
