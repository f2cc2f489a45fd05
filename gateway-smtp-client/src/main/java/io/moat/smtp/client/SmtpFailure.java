package io.moat.smtp.client;

import java.io.IOException;

/**
 * Why a connection could not be made ready for a transaction. Nothing of a message was sent: the caller may try
 * another server. The message names the server, never credentials.
 */
public final class SmtpFailure extends IOException {

    private static final long serialVersionUID = 1L;

    /** Where the connection failed. */
    public enum Stage {
        /** No TCP connection (refused, unreachable, time-out, unknown host). */
        CONNECT,
        /** The TLS handshake failed (implicit TLS or after STARTTLS), or the server refused STARTTLS. */
        TLS,
        /** STARTTLS required, and the server's EHLO reply did not offer it. */
        STARTTLS_MISSING,
        /** The greeting was not 220, or EHLO and HELO were refused, or the server went away meanwhile. */
        GREETING,
        /** Authentication was refused, or the server offers no mechanism of ours. */
        AUTH
    }

    private final Stage stage;

    public SmtpFailure(Stage stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = stage;
    }

    public Stage stage() {
        return stage;
    }
}
