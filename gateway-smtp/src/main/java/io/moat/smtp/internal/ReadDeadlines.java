package io.moat.smtp.internal;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How long the next read from a client may block: the nearest of three limits, set as the socket's read timeout
 * ({@code SO_TIMEOUT}) before each blocking read, so that no watchdog thread is needed.
 * <ul>
 * <li>the idle timeout, for each read (RFC 5321 4.5.3.2.7 asks for at least 5 minutes between commands);</li>
 * <li>the session deadline: the whole connection, from its acceptance, whatever the client does;</li>
 * <li>during DATA, the rate floor: after a grace, the client must have sent {@code minDataRate} octets per second on
 * average, counting only the time this session spent waiting for it (a slow disk on our side is not the client's
 * fault). Each read may wait {@code grace + octets / minDataRate - waited} at most; as Apache's mod_reqtimeout
 * ({@code body=20,MinRate=500}), every octet received extends the time allowed.</li>
 * </ul>
 * A read that times out on the idle limit is a plain {@link SocketTimeoutException} ({@code 421 4.4.2}); on the others
 * a {@link SessionLimitException} ({@code 421 4.7.0}).
 *
 * <p>
 * The cost per read is a clock read and a comparison; the timeout is set only when it changed, and setting it is a
 * field write in the JDK's socket ({@code NioSocketImpl}, under an uncontended lock; a TLS socket layered over it
 * passes the call on). It is set on the TCP socket, under any TLS layer.
 *
 * <p>
 * Used by the one thread that runs the session.
 */
final class ReadDeadlines {

    /** The limit the armed timeout belongs to. */
    private enum Limit {
        IDLE, SESSION, DATA_RATE
    }

    /** The least time a reply is given to leave, at the session deadline too. */
    private static final long LAST_WRITE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Socket tcp;
    private final long idleNanos;
    private final long sessionDeadline;
    private final long sessionSeconds;
    private final int minDataRate;
    private final long nanosPerOctet;
    private final long graceNanos;

    private int armedMillis = -1;
    private Limit armed = Limit.IDLE;
    private boolean inData;
    private long dataOctets;
    private long dataWaited;

    /**
     * @param tcp the client's TCP socket (under any TLS layer)
     * @param idle how long each read may wait
     * @param session how long the whole connection may last, from now
     * @param minDataRate octets per second during DATA; 0 for no floor
     * @param grace how long DATA may take before the floor applies
     */
    ReadDeadlines(Socket tcp, Duration idle, Duration session, int minDataRate, Duration grace) {
        this.tcp = tcp;
        this.idleNanos = idle.toNanos();
        this.sessionSeconds = session.toSeconds();
        this.sessionDeadline = System.nanoTime() + session.toNanos();
        this.minDataRate = minDataRate;
        this.nanosPerOctet = minDataRate > 0 ? TimeUnit.SECONDS.toNanos(1) / minDataRate : 0;
        this.graceNanos = grace.toNanos();
    }

    /** No limits and no socket: for reading from anything but a client connection (tests, fuzzing). */
    static ReadDeadlines none() {
        return new ReadDeadlines(null, Duration.ZERO, Duration.ZERO, 0, Duration.ZERO);
    }

    /**
     * Arms the socket's read timeout for the next blocking read (a read, or a TLS handshake).
     *
     * @return when the read starts, for {@link #afterRead}
     * @throws SessionLimitException the session deadline has passed already
     */
    long beforeRead() throws IOException {
        long now = System.nanoTime();
        if (tcp == null) {
            return now;
        }
        long wait = idleNanos;
        Limit limit = Limit.IDLE;
        long session = sessionDeadline - now;
        if (session <= 0) {
            throw sessionOver();
        }
        if (session < wait) {
            wait = session;
            limit = Limit.SESSION;
        }
        if (inData && nanosPerOctet > 0) {
            // only octets that came after waiting earn time: a read never finds the budget spent before it starts
            long earned = Math.min(dataOctets, Long.MAX_VALUE / 2 / nanosPerOctet) * nanosPerOctet;
            long budget = graceNanos + earned - dataWaited;
            if (budget < wait) {
                wait = Math.max(budget, 1);
                limit = Limit.DATA_RATE;
            }
        }
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
        if (millis != armedMillis) {
            tcp.setSoTimeout(millis);
            armedMillis = millis;
        }
        armed = limit;
        return now;
    }

    /** A read that started at {@code started} returned {@code count} octets (or -1). */
    void afterRead(long started, int count) {
        if (inData) {
            dataWaited += System.nanoTime() - started;
            if (count > 0) {
                dataOctets += count;
            }
        }
    }

    /** What a read that timed out with {@code e} should throw: {@code e} for the idle limit. */
    IOException timedOut(SocketTimeoutException e) {
        return switch (armed) {
            case IDLE -> e;
            case SESSION -> sessionOver();
            case DATA_RATE -> new SessionLimitException("Data rate below " + minDataRate + " octets per second");
        };
    }

    private SessionLimitException sessionOver() {
        return new SessionLimitException("Session time limit of " + sessionSeconds + " s exceeded");
    }

    /** When the session must be over ({@link System#nanoTime()}). */
    long sessionDeadline() {
        return sessionDeadline;
    }

    /** The client's TCP socket had its read timeout set by others (a new layer's streams): arm it again. */
    void socketChanged() {
        armedMillis = -1;
    }

    /** The content of DATA starts: the rate floor applies from now until {@link #dataEnded()}. */
    void dataStarted() {
        inData = true;
        dataOctets = 0;
        dataWaited = 0;
    }

    void dataEnded() {
        inData = false;
    }

    /**
     * When a reply being written must have left: the nearest of the idle timeout from now and the session deadline
     * (a client that stops reading must not hold the session beyond them), but never less than a second from now, so
     * that the {@code 421} written at the session deadline, which says why, still leaves.
     */
    long writeDeadline() {
        long now = System.nanoTime();
        long deadline = idleNanos < sessionDeadline - now ? now + idleNanos : sessionDeadline;
        long least = now + Math.min(idleNanos, LAST_WRITE_NANOS);
        return deadline - least < 0 ? least : deadline;
    }
}
