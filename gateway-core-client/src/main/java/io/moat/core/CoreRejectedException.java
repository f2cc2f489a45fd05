package io.moat.core;

/**
 * Core refused the request ({@code 400}, {@code 401}, {@code 403}, {@code 404}, {@code 411}, {@code 422} or another
 * {@code 4xx} other than {@code 429}); sending the same request again will not help.
 */
public class CoreRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String err;

    /**
     * @param status the HTTP status Core answered with
     * @param err    Core's explanation (its {@code err} field), or {@code null}
     */
    public CoreRejectedException(int status, String err) {
        super("Core rejected the request: HTTP " + status + (err == null || err.isBlank() ? "" : ": " + err));
        this.status = status;
        this.err = err;
    }

    /** The HTTP status Core answered with. */
    public int status() {
        return status;
    }

    /** Core's explanation (its {@code err} field), or {@code null} when it gave none. */
    public String err() {
        return err;
    }
}
