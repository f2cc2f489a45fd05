package io.moat.smtp.internal;

import io.moat.smtp.api.Cidr;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.smtp.api.SmtpEndpointConfig;
import io.moat.tls.ServerTlsContext;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Endpoint settings for tests, and waiting for what other threads do. */
final class Endpoints {

    /** The largest message the test endpoints take, in bytes. */
    static final long MAX_MESSAGE_SIZE = 1000;
    /** The most recipients the test endpoints take per message. */
    static final int MAX_RECIPIENTS = 3;
    /** What the test endpoints read and drop past the size limit, at most. */
    static final long MAX_DISCARD_SIZE = 64 * 1024;

    private Endpoints() {
    }

    /** An endpoint on 127.0.0.1, port 0, greeting as {@code mx.test}. */
    static SmtpEndpointConfig endpoint(SmtpEncryption encryption, ServerTlsContext tls) {
        return endpoint(encryption, tls, 0, 10, 30);
    }

    /** ... with the gateway's defaults for the limits not named (a client may take every connection). */
    static SmtpEndpointConfig endpoint(SmtpEncryption encryption, ServerTlsContext tls, int port, int maxConnections,
            int idleTimeoutSeconds) {
        return new SmtpEndpointConfig("test", "127.0.0.1", port, encryption, tls, "mx.test", MAX_MESSAGE_SIZE,
                MAX_RECIPIENTS, maxConnections, idleTimeoutSeconds, maxConnections, 600, 500, MAX_DISCARD_SIZE,
                List.of());
    }

    /** {@code config} with other limits on connections. */
    static SmtpEndpointConfig withConnectionLimits(SmtpEndpointConfig config, int maxConnections,
            int maxConnectionsPerClient, List<Cidr> trustedNetworks) {
        return new SmtpEndpointConfig(config.name(), config.bindAddress(), config.port(), config.encryption(),
                config.tls(), config.greeting(), config.maxMessageSize(), config.maxRecipients(), maxConnections,
                config.idleTimeoutSeconds(), maxConnectionsPerClient, config.sessionTimeoutSeconds(),
                config.minDataRate(), config.maxDiscardSize(), trustedNetworks);
    }

    /** {@code config} with other limits on time. */
    static SmtpEndpointConfig withTimeLimits(SmtpEndpointConfig config, int idleTimeoutSeconds,
            int sessionTimeoutSeconds, int minDataRate) {
        return new SmtpEndpointConfig(config.name(), config.bindAddress(), config.port(), config.encryption(),
                config.tls(), config.greeting(), config.maxMessageSize(), config.maxRecipients(),
                config.maxConnections(), idleTimeoutSeconds, config.maxConnectionsPerClient(), sessionTimeoutSeconds,
                minDataRate, config.maxDiscardSize(), config.trustedNetworks());
    }

    /** Waits up to five seconds for {@code condition}; fails the test if it does not come true. */
    static void eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
