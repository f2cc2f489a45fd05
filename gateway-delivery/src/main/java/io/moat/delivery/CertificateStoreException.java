package io.moat.delivery;

/** Why the certificate store refused a request; the message says it in words an admin can act on. */
public final class CertificateStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of refusal it is (the REST API maps it to a status). */
    public enum Reason {
        INVALID, NOT_FOUND, READ_ONLY, IN_USE
    }

    private final Reason reason;

    public CertificateStoreException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
