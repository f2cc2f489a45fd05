package io.moat.core;

import io.moat.core.internal.FailoverCoreClient;
import io.moat.core.internal.HttpCoreClient;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/** Creates {@link CoreClient}s. */
public final class CoreClients {

    private CoreClients() {
    }

    /**
     * A client speaking HTTP/1.1 to {@code server} over kept connections, with {@link CoreServer#requestTimeout()} as
     * the time each request may take from connecting to the end of Core's answer, writing the upload included.
     * Redirects are not followed.
     *
     * @param server where Core is and how to authenticate
     * @return a thread-safe client; create one per server and share it
     */
    public static CoreClient create(CoreServer server) {
        return new HttpCoreClient(Objects.requireNonNull(server, "server"), null, null);
    }

    /**
     * The same over https with the given TLS context (whose trust managers decide which Core certificates are
     * trusted) and parameters (protocol versions, and cipher suites: without any, the forward-secret AEAD ones); the
     * host name is always verified.
     */
    public static CoreClient create(CoreServer server, SSLContext context, SSLParameters parameters) {
        return new HttpCoreClient(Objects.requireNonNull(server, "server"), Objects.requireNonNull(context,
                "context"), parameters);
    }

    /**
     * One client over several Core servers: each file goes to the first that takes it, beginning at
     * {@code start} (0 for failover; a turning counter for round robin), and its verdict is asked of that server.
     */
    public static CoreClient failover(List<CoreClient> servers, IntSupplier start) {
        return servers.size() == 1 ? servers.get(0) : new FailoverCoreClient(servers, start);
    }
}
