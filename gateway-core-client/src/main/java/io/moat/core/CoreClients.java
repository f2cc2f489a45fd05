package io.moat.core;

import io.moat.core.internal.HttpCoreClient;
import java.util.Objects;

/** Creates {@link CoreClient}s. */
public final class CoreClients {

    private CoreClients() {
    }

    /**
     * A client speaking HTTP/1.1 to {@code server} through {@link java.net.http.HttpClient}, with
     * {@link CoreServer#requestTimeout()} as connect timeout and per-request timeout. Redirects are not followed.
     *
     * @param server where Core is and how to authenticate
     * @return a thread-safe client; create one per server and share it
     */
    public static CoreClient create(CoreServer server) {
        return new HttpCoreClient(Objects.requireNonNull(server, "server"));
    }
}
