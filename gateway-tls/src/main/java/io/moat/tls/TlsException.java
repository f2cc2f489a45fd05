package io.moat.tls;

/**
 * A problem with key or certificate material, in words an operator can act on: the message names the file or part
 * and says what to do. Messages never contain key material.
 */
public final class TlsException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean passphrase;

    public TlsException(String message) {
        this(message, null, false);
    }

    public TlsException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private TlsException(String message, Throwable cause, boolean passphrase) {
        super(message, cause);
        this.passphrase = passphrase;
    }

    /** The key is encrypted and the passphrase is missing or wrong: where it goes depends on the caller. */
    public static TlsException passphrase(String message, Throwable cause) {
        return new TlsException(message, cause, true);
    }

    /** Whether the passphrase was missing or wrong (the caller says where to give it). */
    public boolean isAboutThePassphrase() {
        return passphrase;
    }
}
