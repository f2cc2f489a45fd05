package io.moat.core;

/**
 * Core could not give an answer now; try again later. Never a verdict about the file.
 *
 * <p>
 * Thrown for back-pressure ({@code 503}), any other {@code 5xx}, {@code 429}, refused or reset connections, timeouts,
 * and answers that cannot be understood. The message says what happened; it never contains the API key.
 */
public class CoreUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened
     */
    public CoreUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message what happened
     * @param cause   the underlying failure
     */
    public CoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
