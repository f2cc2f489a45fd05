package io.moat.delivery;

/** A settings change that was refused or could not be applied; the message says why and what to do. */
public final class SettingsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The request was wrong (INVALID), named nothing that exists (NOT_FOUND), or could not be carried out. */
    public enum Reason {
        INVALID, NOT_FOUND, NOT_APPLIED
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
