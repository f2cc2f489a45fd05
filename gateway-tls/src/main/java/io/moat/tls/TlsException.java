package io.moat.tls;

/**
 * A problem with key or certificate material, in words an operator can act on: the message names the file or part
 * and says what to do. Messages never contain key material.
 */
public final class TlsException extends Exception {

    private static final long serialVersionUID = 1L;

    public TlsException(String message) {
        super(message);
    }

    public TlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
