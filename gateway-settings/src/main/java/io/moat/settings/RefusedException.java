package io.moat.settings;

/**
 * A request to an application service (settings, certificates, endpoints, profiles, a message) that was refused or
 * could not be carried out; the message says why and what to do. The REST API maps the reason to a status.
 */
public final class RefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why: the request was wrong, named nothing that exists, clashes with the current state, or failed. */
    public enum Reason {
        INVALID, NOT_FOUND, CONFLICT, NOT_APPLIED
    }

    private final Reason reason;

    public RefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RefusedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
