package io.moat.smtp.internal;

import io.moat.tls.ServerTlsContext;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.net.ssl.SSLSocket;
import org.subethamail.smtp.server.SMTPServer;

/**
 * One listening SMTP endpoint: a subethasmtp server whose sessions run on container threads and whose messages go
 * to the activated MDB. subethasmtp servers cannot be restarted, so a listener is started once and stopped once.
 */
public final class SmtpListener {

    private static final Logger LOG = Logger.getLogger(SmtpListener.class.getName());

    private final ListenerConfig config;
    private final SMTPServer server;

    public SmtpListener(ListenerConfig config, MessageEndpointFactory factory, WorkManager workManager)
            throws ResourceException {
        this.config = config;
        EndpointInvoker invoker = new EndpointInvoker(factory);
        SMTPServer.Builder builder = SMTPServer.port(config.port())
                .bindAddress(address(config.bindAddress()))
                .softwareName("Moat")
                .insertReceivedHeaders(false)
                .maxMessageSize((int) Math.min(Integer.MAX_VALUE, config.maxMessageSize()))
                .maxRecipients(config.maxRecipients())
                .maxConnections(config.maxConnections())
                .connectionTimeout(config.idleTimeoutSeconds(), TimeUnit.SECONDS)
                .executorService(new WorkManagerExecutor(workManager))
                .serverThreadName("moat-smtp-accept-" + config.endpointName())
                .messageHandlerFactory(context -> new ListenerSession(context, config, invoker))
                // STARTTLS offered (optional); the application's current TLS context is asked at each one
                .enableTLS()
                .startTlsSocketFactory(socket -> startTls(invoker, socket));
        if (config.hostName() != null && !config.hostName().isBlank()) {
            builder.hostName(config.hostName());
        }
        this.server = builder.build();
    }

    private SSLSocket startTls(EndpointInvoker invoker, Socket socket) throws IOException {
        ServerTlsContext tls;
        try {
            tls = invoker.serverTls(config.endpointName());
        } catch (ResourceException | RuntimeException e) {
            throw new IOException("no TLS context for SMTP endpoint '" + config.endpointName() + "'", e);
        }
        if (tls == null) {
            throw new IOException("SMTP endpoint '" + config.endpointName() + "' has no digital ID to offer TLS");
        }
        return tls.layer(socket, true);
    }

    private static InetAddress address(String bindAddress) throws ResourceException {
        try {
            return InetAddress.getByName(bindAddress);
        } catch (IOException e) {
            throw new ResourceException("SMTP endpoint bind address '" + bindAddress + "' is not a valid address", e);
        }
    }

    /** Binds the port and starts accepting; a port that cannot be bound fails here, with the reason. */
    public void start() throws ResourceException {
        try {
            server.start();
        } catch (RuntimeException e) {
            throw new ResourceException("SMTP endpoint '" + config.endpointName() + "' cannot listen on "
                    + config.bindAddress() + ":" + config.port() + " (" + rootMessage(e)
                    + "); choose a free port with moat.smtp.port", e);
        }
        LOG.info(() -> "SMTP endpoint '" + config.endpointName() + "' listening on " + config.bindAddress() + ":"
                + port() + ", max message size " + config.maxMessageSize() + " bytes");
    }

    /** Stops accepting and closes the sessions; waits for session threads to end. */
    public void stop() {
        server.stop();
        LOG.info(() -> "SMTP endpoint '" + config.endpointName() + "' stopped");
    }

    /** The port actually bound (the allocated one when configured as 0). */
    public int port() {
        return config.port() == 0 ? server.getPortAllocated() : config.port();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
