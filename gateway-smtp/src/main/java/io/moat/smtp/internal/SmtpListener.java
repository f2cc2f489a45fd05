package io.moat.smtp.internal;

import io.moat.smtp.api.Cidr;
import io.moat.smtp.api.SmtpEndpointConfig;
import io.moat.smtp.api.SmtpEndpointStatus;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One SMTP endpoint: a port with its own TLS mode and limits, whose messages go to the activated MDB. Its
 * {@link AcceptLoop} binds the port and accepts, on a thread of the endpoint's own ({@link SessionThreads}), and runs
 * each connection as an {@link SmtpSession} on another; the listener counts the sessions of each client address, for
 * the per-client limit, and ends them when it stops. It is the one owner of the port and its connections, from the
 * bind to the close (ADR 0027).
 *
 * <p>
 * A listener is started once and stopped once (its threads end with it); a changed endpoint gets a new listener. Its
 * TLS context is shared with the application, which may swap the certificate or change the TLS settings at any time:
 * each handshake uses them as they are then.
 */
public final class SmtpListener {

    private static final Logger LOG = Logger.getLogger(SmtpListener.class.getName());

    /** How long {@link #stop()} lets sessions in flight finish. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * How long {@link #stop()} waits, after closing what was still open, for the session threads to end: a session in
     * the MDB's {@code deliver} (a database write) cannot be cut short, and must not hold the adapter's stop for ever.
     */
    private static final Duration THREADS_END_WAIT = Duration.ofSeconds(30);

    /** How long {@link #stop()} waits for the accept loop to hand over what it accepted before the port closed. */
    private static final Duration ACCEPT_LOOP_END_WAIT = Duration.ofSeconds(2);

    /**
     * How long DATA may take before the rate floor ({@link SmtpEndpointConfig#minDataRate()}) applies; as Apache's
     * mod_reqtimeout gives a request body 20 s before its {@code MinRate}.
     */
    static final Duration DATA_RATE_GRACE = Duration.ofSeconds(20);

    private final SmtpEndpointConfig config;
    private final EndpointInvoker invoker;
    private final Duration drainTimeout;
    private final Duration dataRateGrace;
    private final Set<SmtpSession> sessions = ConcurrentHashMap.newKeySet();
    /** Sessions by client ({@link Cidr#clientKey}: an IPv6 client by its /64). */
    private final Map<String, Integer> sessionsByClient = new ConcurrentHashMap<>();
    private final AtomicLong failedHandshakes = new AtomicLong();
    private final Object drained = new Object();

    private volatile SessionThreads threads;
    private volatile AcceptLoop acceptLoop;
    private volatile String hostName;
    private volatile boolean started;
    private volatile boolean listening;
    private volatile boolean stopping;
    private volatile String problem;

    public SmtpListener(SmtpEndpointConfig config, MessageEndpointFactory factory) {
        this(config, factory, DRAIN_TIMEOUT, DATA_RATE_GRACE);
    }

    SmtpListener(SmtpEndpointConfig config, MessageEndpointFactory factory, Duration drainTimeout,
            Duration dataRateGrace) {
        this.config = config;
        this.invoker = new EndpointInvoker(factory);
        this.drainTimeout = drainTimeout;
        this.dataRateGrace = dataRateGrace;
    }

    /**
     * Binds the port and starts accepting.
     *
     * @throws ResourceException the endpoint cannot listen (e.g. the port is in use); the message names the endpoint,
     *         the address and port, and why
     */
    public synchronized void start() throws ResourceException {
        if (started) {
            throw new IllegalStateException("SMTP endpoint '" + config.name() + "' was started before");
        }
        started = true;
        SessionThreads pool = new SessionThreads(config.name(), config.maxConnections());
        try {
            checkLimits();
            InetSocketAddress address = new InetSocketAddress(address(config.bindAddress()), config.port());
            hostName = hostName(config.greeting());
            threads = pool;
            acceptLoop = AcceptLoop.start(config.name(), address, SessionThreads.admitted(config.maxConnections()),
                    pool, this::converse);
        } catch (ResourceException | IOException | RuntimeException e) {
            pool.shutdown();
            problem = "cannot listen on " + config.bindAddress() + ":" + config.port() + ": " + reason(e);
            throw new ResourceException("SMTP endpoint '" + config.name() + "' " + problem, e);
        }
        listening = true;
        LOG.info(() -> "SMTP endpoint '" + config.name() + "' listening on " + config.bindAddress() + ":" + port()
                + " (" + config.encryption() + ", max message size " + config.maxMessageSize() + " bytes, "
                + config.maxConnections() + " connections, " + config.maxConnectionsPerClient() + " per client)");
    }

    /** The work of a session thread: the conversation on {@code connection}, closed when it ends. */
    private void converse(Socket connection) {
        new SmtpSession(connection, this, invoker).run();
    }

    /**
     * Closes the port at once: new connections are refused from now on, and another listener may bind it. Sessions
     * under way go on until {@link #stop()}. Returns at once when the listener is not listening.
     */
    public void stopAccepting() {
        synchronized (this) {
            if (!listening || stopping) {
                return;
            }
            stopping = true;
        }
        acceptLoop.stopAccepting();
        listening = false;
        LOG.info(() -> "SMTP endpoint '" + config.name() + "' stopped accepting on port " + port() + "; "
                + sessions.size() + " session(s) may finish");
    }

    /**
     * Stops gracefully: the port is closed at once (new connections are refused); idle sessions are closed with
     * {@code 421}; sessions within a mail transaction may finish it, for up to 30 seconds, then they are closed too.
     * Returns when all sessions have ended.
     */
    public void stop() {
        stopAccepting();
        synchronized (this) {
            if (threads == null || threads.isShutdown()) {
                return; // never listened, or stopped before
            }
            // a connection accepted just before the port closed still gets its session (and hears 421)
            awaitAcceptLoop();
            threads.shutdown(); // no new work; the sessions under way go on
        }
        sessions.forEach(SmtpSession::stopTransactions);
        sessions.forEach(SmtpSession::drain);
        if (!awaitSessions()) {
            LOG.warning(() -> "SMTP endpoint '" + config.name() + "': closing " + sessions.size()
                    + " session(s) still open after " + drainTimeout.toMillis() + " ms");
            sessions.forEach(SmtpSession::closeNow);
        }
        awaitThreads();
        LOG.info(() -> "SMTP endpoint '" + config.name() + "' stopped");
    }

    private void awaitAcceptLoop() {
        try {
            if (!acceptLoop.awaitEnd(ACCEPT_LOOP_END_WAIT)) {
                LOG.warning(() -> "SMTP endpoint '" + config.name() + "': the accept loop did not end within "
                        + ACCEPT_LOOP_END_WAIT.toMillis() + " ms of the port's close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the session threads (and the accept loop's) to end, up to {@link #THREADS_END_WAIT}. */
    private void awaitThreads() {
        try {
            if (!threads.awaitTermination(THREADS_END_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warning(() -> "SMTP endpoint '" + config.name() + "': " + threads.getActiveCount()
                        + " session thread(s) still busy " + THREADS_END_WAIT.toSeconds() + " s after the stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitSessions() {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        synchronized (drained) {
            while (!sessions.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** The port bound (the allocated one when configured as 0); the configured one before {@link #start()}. */
    public int port() {
        AcceptLoop current = acceptLoop;
        return current == null ? config.port() : current.port();
    }

    /** The host name the sessions give in their replies: the endpoint's greeting, or this machine's name. */
    String hostName() {
        return hostName;
    }

    public SmtpEndpointConfig config() {
        return config;
    }

    public SmtpEndpointStatus status() {
        return new SmtpEndpointStatus(config.name(), listening, port(), problem, sessions.size(),
                failedHandshakes.get());
    }

    /**
     * A session from {@code client} begins (counted until {@link #unregister}); false when the listener is stopping
     * (the session then says so and ends).
     */
    boolean register(SmtpSession session, InetAddress client) {
        sessions.add(session);
        sessionsByClient.merge(Cidr.clientKey(client), 1, Integer::sum);
        if (stopping) {
            session.drain();
            return false;
        }
        return true;
    }

    void unregister(SmtpSession session, InetAddress client) {
        sessionsByClient.computeIfPresent(Cidr.clientKey(client), (key, count) -> count == 1 ? null : count - 1);
        sessions.remove(session);
        synchronized (drained) {
            drained.notifyAll();
        }
    }

    /**
     * Why a session from {@code client}, registered, must be turned away with {@code 421 4.7.0}: the endpoint's
     * connections, or this client's (outside the trusted networks), are over their limit; {@code null} when not.
     */
    String overLimit(InetAddress client) {
        if (sessions.size() > config.maxConnections()) {
            return "Too many connections, try again later";
        }
        String key = Cidr.clientKey(client);
        if (sessionsByClient.getOrDefault(key, 0) > config.maxConnectionsPerClient()
                && !Cidr.anyContains(config.trustedNetworks(), client)) {
            return "Too many connections from " + key + ", try again later";
        }
        return null;
    }

    /** The time limits of a session that starts now on {@code tcp}. */
    ReadDeadlines deadlines(Socket tcp) {
        return new ReadDeadlines(tcp, Duration.ofSeconds(config.idleTimeoutSeconds()),
                Duration.ofSeconds(config.sessionTimeoutSeconds()), config.minDataRate(), dataRateGrace);
    }

    /** A TLS handshake failed: one line in the log, counted in the status; the other sessions go on. */
    void handshakeFailed(String how, String client, Exception e) {
        failedHandshakes.incrementAndGet();
        String reason = e instanceof SessionLimitException
                ? e.getMessage()
                : e instanceof SocketTimeoutException ? "no handshake within the idle timeout" : reason(e);
        LOG.info(() -> "SMTP endpoint '" + config.name() + "': TLS handshake (" + how + ") with " + client
                + " failed: " + reason);
    }

    private void checkLimits() throws ResourceException {
        if (config.maxConnections() < 1 || config.maxRecipients() < 1 || config.maxMessageSize() < 1
                || config.idleTimeoutSeconds() < 1 || config.maxConnectionsPerClient() < 1
                || config.sessionTimeoutSeconds() < 1 || config.minDataRate() < 0 || config.maxDiscardSize() < 0) {
            throw new ResourceException("limits must be positive (max connections " + config.maxConnections()
                    + ", max recipients " + config.maxRecipients() + ", max message size "
                    + config.maxMessageSize() + ", idle timeout " + config.idleTimeoutSeconds()
                    + " s, max connections per client " + config.maxConnectionsPerClient() + ", session timeout "
                    + config.sessionTimeoutSeconds() + " s; min data rate " + config.minDataRate()
                    + " and max discard size " + config.maxDiscardSize() + " may be 0)");
        }
    }

    /**
     * {@code greeting}, or when it is blank this machine's fully qualified name as the resolver gives it (RFC 5321
     * 4.1.3 wants the greeting to name the server), {@code localhost} when it gives none.
     */
    private static String hostName(String greeting) {
        if (greeting != null && !greeting.isBlank()) {
            return greeting;
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (IOException e) {
            LOG.log(Level.FINE, "this machine's name is unknown; greeting as localhost", e);
            return "localhost";
        }
    }

    private static InetAddress address(String bindAddress) throws ResourceException {
        try {
            return InetAddress.getByName(bindAddress);
        } catch (IOException e) {
            throw new ResourceException("bind address '" + bindAddress + "' is not a valid address", e);
        }
    }

    /** The innermost message: "Address already in use", "Received fatal alert: protocol_version". */
    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
