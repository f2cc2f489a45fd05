package io.moat.smtp.internal;

import io.moat.smtp.api.Cidr;
import io.moat.smtp.api.SmtpEndpointConfig;
import io.moat.smtp.api.SmtpEndpointStatus;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.io.IOException;
import java.net.InetAddress;
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
import org.subethamail.smtp.internal.proxy.ProxyHandler.ProxyResult;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * One SMTP endpoint: a port with its own TLS mode and limits, whose messages go to the activated MDB. subethasmtp
 * binds the port, accepts and runs each connection on a thread of the endpoint's own ({@link SessionThreads}, as
 * many as it takes connections); the conversation itself is an {@link SmtpSession}. The listener counts the sessions
 * of each client address, for the per-client limit.
 *
 * <p>
 * A listener is started once and stopped once (subethasmtp servers cannot be restarted); a changed endpoint gets a
 * new listener. Its TLS context is shared with the application, which may swap the certificate or change the TLS
 * settings at any time: each handshake uses them as they are then.
 */
public final class SmtpListener {

    private static final Logger LOG = Logger.getLogger(SmtpListener.class.getName());

    /** How long {@link #stop()} lets sessions in flight finish. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * How long DATA may take before the rate floor ({@link SmtpEndpointConfig#minDataRate()}) applies; as Apache's
     * mod_reqtimeout gives a request body 20 s before its {@code MinRate}.
     */
    static final Duration DATA_RATE_GRACE = Duration.ofSeconds(20);

    /**
     * Returned from subethasmtp's connection hook once {@link SmtpSession} has finished the conversation: a
     * "failure", so that subethasmtp skips its own command loop. The connection is closed by then, so the reply
     * subethasmtp makes of it goes nowhere.
     */
    private static final ProxyResult CONVERSATION_OVER = new ProxyResult(421, "4.3.0 conversation over");

    private final SmtpEndpointConfig config;
    private final EndpointInvoker invoker;
    private final Duration drainTimeout;
    private final Duration dataRateGrace;
    private final Set<SmtpSession> sessions = ConcurrentHashMap.newKeySet();
    /** Sessions by client ({@link Cidr#clientKey}: an IPv6 client by its /64). */
    private final Map<String, Integer> sessionsByClient = new ConcurrentHashMap<>();
    private final AtomicLong failedHandshakes = new AtomicLong();
    private final Object drained = new Object();

    private volatile SMTPServer server;
    private volatile ListenerServerSocket serverSocket;
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
        try {
            checkLimits();
            server = server(address(config.bindAddress()));
            server.start();
        } catch (ResourceException | RuntimeException e) {
            closeServerSocket();
            problem = "cannot listen on " + config.bindAddress() + ":" + config.port() + ": " + reason(e);
            throw new ResourceException("SMTP endpoint '" + config.name() + "' " + problem, e);
        }
        listening = true;
        LOG.info(() -> "SMTP endpoint '" + config.name() + "' listening on " + config.bindAddress() + ":" + port()
                + " (" + config.encryption() + ", max message size " + config.maxMessageSize() + " bytes, "
                + config.maxConnections() + " connections, " + config.maxConnectionsPerClient() + " per client)");
    }

    private SMTPServer server(InetAddress address) {
        SMTPServer.Builder builder = SMTPServer.port(config.port())
                .bindAddress(address)
                .softwareName("Moat")
                .insertReceivedHeaders(false)
                .maxConnections(config.maxConnections())
                .connectionTimeout(config.idleTimeoutSeconds(), TimeUnit.SECONDS)
                .executorService(new SessionThreads(config.name(), config.maxConnections()))
                .serverThreadName("moat-smtp-accept-" + config.name())
                .serverSocketFactory(this::newServerSocket)
                // the hook subethasmtp calls first on each connection: the conversation is ours (see SmtpSession)
                .proxyHandler((in, out, session) -> converse(session));
        if (config.greeting() != null && !config.greeting().isBlank()) {
            builder.hostName(config.greeting());
        }
        return builder.build();
    }

    private ListenerServerSocket newServerSocket() throws IOException {
        ListenerServerSocket socket = new ListenerServerSocket();
        serverSocket = socket;
        return socket;
    }

    private ProxyResult converse(Session session) {
        new SmtpSession(session, this, invoker).run();
        return CONVERSATION_OVER;
    }

    /**
     * Stops gracefully: the port is closed at once (new connections are refused); idle sessions are closed with
     * {@code 421}; sessions within a mail transaction may finish it, for up to 30 seconds, then they are closed too.
     * Returns when all sessions have ended.
     */
    public void stop() {
        synchronized (this) {
            if (!listening || stopping) {
                return;
            }
            stopping = true;
        }
        try {
            serverSocket.stopAccepting();
        } catch (IOException e) {
            LOG.warning(() -> "SMTP endpoint '" + config.name() + "': closing the port failed: " + e);
        }
        listening = false;
        LOG.info(() -> "SMTP endpoint '" + config.name() + "' stopping; " + sessions.size()
                + " session(s) may finish");
        sessions.forEach(SmtpSession::stopTransactions);
        sessions.forEach(SmtpSession::drain);
        if (!awaitSessions()) {
            LOG.warning(() -> "SMTP endpoint '" + config.name() + "': closing " + sessions.size()
                    + " session(s) still open after " + drainTimeout.toMillis() + " ms");
        }
        server.stop(); // ends the accept thread and closes what is still open
        LOG.info(() -> "SMTP endpoint '" + config.name() + "' stopped");
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
        SMTPServer current = server;
        return current == null ? config.port() : current.getPortAllocated();
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

    private void closeServerSocket() {
        ListenerServerSocket socket = serverSocket;
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing an unbound server socket failed", e);
            }
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
