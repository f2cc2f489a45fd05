package io.moat.delivery;

/** A settings change that was refused or could not be applied; the message says why and what to do. */
public final class SettingsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Whether the request was wrong (INVALID) or the server could not carry it out (NOT_APPLIED). */
    public enum Reason {
        INVALID, NOT_APPLIED
    }

    private final Reason reason;

    public SettingsException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SettingsException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
