package io.moat.smtp.internal;

import java.net.SocketTimeoutException;

/**
 * A client went past one of its endpoint's limits on time: the session deadline or the DATA rate floor. The session
 * answers {@code 421 4.7.0} with {@link #getMessage()} and closes the connection. A timeout like any other to code
 * that only knows timeouts (a failed TLS handshake is logged as one).
 */
final class SessionLimitException extends SocketTimeoutException {

    private static final long serialVersionUID = 1L;

    /** @param reason what the client hears after {@code 421 4.7.0 <host>}, e.g. "Session time limit exceeded" */
    SessionLimitException(String reason) {
        super(reason);
    }
}
