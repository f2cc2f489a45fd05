package io.moat.smtp.client;

import java.util.Arrays;

/**
 * SMTP AUTH credentials (RFC 4954), sent with {@code PLAIN} or {@code LOGIN}: both carry the password as it is, so
 * the caller gives them only for connections that are TLS and verified.
 *
 * @param username not blank
 * @param password copied in and out, never shown by {@link #toString()}
 */
public record Credentials(String username, char[] password) {

    public Credentials {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("the SMTP AUTH username must not be blank");
        }
        if (password == null) {
            throw new IllegalArgumentException("SMTP AUTH needs a password");
        }
        password = password.clone();
    }

    /** A copy: the caller may wipe it. */
    @Override
    public char[] password() {
        return password.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Credentials that && username.equals(that.username)
                && Arrays.equals(password, that.password);
    }

    @Override
    public int hashCode() {
        return username.hashCode();
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "Credentials[" + username + ", ***]";
    }
}
