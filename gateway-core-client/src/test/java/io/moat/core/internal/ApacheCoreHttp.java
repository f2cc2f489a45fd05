package io.moat.core.internal;

import io.moat.tls.WriteDeadlines;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.HttpClientConnection;
import org.apache.hc.core5.http.io.HttpResponseInformationCallback;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The other side of the A/B in ADR 0026, kept in test scope so that {@link CoreHttpAbBench} can be run again: the
 * gateway uses {@link CoreHttp}, which took about a quarter less CPU per request.
 *
 * <p>HTTP/1.1 to one Core server with Apache HttpClient 5 classic: blocking on the calling thread, over a pool of kept
 * connections (at most {@value #MAX_CONNECTIONS}, the most recently used first, none kept idle for more than 15 s).
 * Each exchange has a deadline, the request timeout: connecting and the TLS handshake have it as their timeout, and
 * from the first byte of the request to the last of the answer a {@link WriteDeadlines} watch closes the TCP socket
 * (under the TLS layer) once it passed, which ends a write Core stopped reading and an answer that trickles in, with
 * a {@link SocketTimeoutException}.
 *
 * <p>An exchange that fails on a reused connection before any answer arrived (the server closed it while it was
 * idle) is sent once more, for {@code POST} too: Core may then scan a file twice, and the answer's {@code data_id}
 * is the one used.
 */
final class ApacheCoreHttp implements CoreExchange {

    /** The most connections to the server at once; a caller beyond it waits for one, up to the request timeout. */
    static final int MAX_CONNECTIONS = 64;
    /** Idle connections older than this are closed rather than reused (servers drop idle ones after 5-60 s). */
    private static final TimeValue KEEP_IDLE = TimeValue.ofSeconds(15);
    /** A connection idle for longer is checked before it is reused (a read of at most 1 ms). */
    private static final TimeValue CHECK_AFTER_IDLE = TimeValue.ofSeconds(2);
    private static final int MAX_HEADER_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 64;
    private static final int BUFFER = 16 * 1024;
    private static final String EXCHANGE = "io.moat.core.exchange";
    private static final AtomicLong IDS = new AtomicLong();

    private final HttpHost target;
    private final String pathPrefix;
    private final Duration timeout;
    private final WriteDeadlines writes;
    private final CloseableHttpClient client;

    /**
     * @param base {@code http} or {@code https} URI of the server, perhaps with a path prefix
     * @param context for https: decides which certificates are trusted (null: the JVM's default)
     * @param parameters for https: protocol versions (none: the context's defaults) and cipher suites (none: the
     *        forward-secret AEAD ones, {@link CoreHttp#tlsParameters}); the host name is always verified
     * @param timeout for each exchange, from its start to the end of the answer
     */
    ApacheCoreHttp(URI base, SSLContext context, SSLParameters parameters, Duration timeout) {
        this(base, context, parameters, timeout, WriteDeadlines.SHARED);
    }

    ApacheCoreHttp(URI base, SSLContext context, SSLParameters parameters, Duration timeout, WriteDeadlines writes) {
        this.writes = writes;
        this.timeout = timeout;
        boolean secure = CoreHttp.isHttps(base);
        String host = base.getHost();
        host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        this.target = new HttpHost(secure ? "https" : "http", host,
                base.getPort() > 0 ? base.getPort() : secure ? 443 : 80);
        this.pathPrefix = CoreHttp.pathPrefix(base);

        Timeout limit = Timeout.of(timeout);
        Http1Config http1 = Http1Config.custom().setBufferSize(BUFFER).setMaxLineLength(MAX_HEADER_LINE)
                .setMaxHeaderCount(MAX_HEADERS).build();
        PoolingHttpClientConnectionManagerBuilder pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setConnectionFactory(socket -> {
                    WatchedConnection c = new WatchedConnection(http1);
                    if (socket != null) {
                        c.bind(socket);
                    }
                    return c;
                })
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setConnPoolPolicy(PoolReusePolicy.LIFO)
                .setMaxConnPerRoute(MAX_CONNECTIONS)
                .setMaxConnTotal(MAX_CONNECTIONS)
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(limit).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(limit).setSocketTimeout(limit)
                        .setValidateAfterInactivity(CHECK_AFTER_IDLE).build());
        if (secure) {
            pool.setTlsSocketStrategy(tls(context, parameters));
        }
        this.client = HttpClientBuilder.create()
                .setConnectionManager(pool.build())
                .setRequestExecutor(new WatchingExecutor())
                .setRetryStrategy(new OnceOnAConnectionClosedWhileIdle())
                .setKeepAliveStrategy((response, httpContext) -> KEEP_IDLE)
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(limit)
                        .setResponseTimeout(limit).setRedirectsEnabled(false).setExpectContinueEnabled(false)
                        .setAuthenticationEnabled(false).setContentCompressionEnabled(false)
                        .setProtocolUpgradeEnabled(false).build())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .disableConnectionState()
                .disableDefaultUserAgent()
                .build();
    }

    /** TLS over the connected socket: the profile's context and parameters, the host name verified, SNI. */
    private static TlsSocketStrategy tls(SSLContext context, SSLParameters parameters) {
        SSLContext ssl = CoreHttp.orDefault(context);
        SSLParameters copy = CoreHttp.tlsParameters(ssl, parameters);
        SSLSocketFactory factory = ssl.getSocketFactory();
        return (socket, host, port, attachment, httpContext) -> {
            SSLSocket secure = (SSLSocket) factory.createSocket(socket, host, port, true);
            try {
                secure.setSSLParameters(copy);
                secure.startHandshake();
                return secure;
            } catch (IOException | RuntimeException e) {
                secure.close();
                throw e;
            }
        };
    }

    @Override
    public Answer exchange(String method, String path, List<String> headers, Body body) throws IOException {
        BasicClassicHttpRequest request = new BasicClassicHttpRequest(method, target, pathPrefix + path);
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            request.addHeader(CoreExchange.checked(headers.get(i)), CoreExchange.checked(headers.get(i + 1)));
        }
        Exchange exchange = new Exchange(System.nanoTime() + timeout.toNanos());
        if (body != null) {
            request.setEntity(new BodyEntity(body, exchange));
        }
        HttpClientContext context = HttpClientContext.create();
        context.setAttribute(EXCHANGE, exchange);
        try {
            return client.execute(target, request, context, response -> read(response, exchange));
        } catch (ConnectTimeoutException e) {
            throw timedOut("cannot connect in time", e);
        } catch (IOException e) {
            if (exchange.expired(e)) {
                throw timedOut(body != null && !exchange.bodyWritten
                        ? "Core did not take the request in time"
                        : "Core did not answer in time", e);
            }
            throw e;
        } finally {
            exchange.stop();
        }
    }

    private static Answer read(ClassicHttpResponse response, Exchange exchange) throws IOException {
        HttpEntity entity = response.getEntity();
        byte[] body = new byte[0];
        if (entity != null) {
            if (entity.getContentLength() > MAX_ANSWER) {
                exchange.abandon(); // rather than reading what is left of it to keep the connection
                throw new IOException("the answer is larger than " + MAX_ANSWER + " bytes: "
                        + entity.getContentLength());
            }
            try (InputStream in = entity.getContent()) {
                body = in.readNBytes(MAX_ANSWER + 1);
                if (body.length > MAX_ANSWER) {
                    exchange.abandon();
                    throw new IOException("the answer is larger than " + MAX_ANSWER + " bytes");
                }
            }
        }
        exchange.stop();
        return new Answer(response.getCode(), new String(body, StandardCharsets.UTF_8));
    }

    private static SocketTimeoutException timedOut(String message, IOException cause) {
        SocketTimeoutException e = new SocketTimeoutException(message);
        e.initCause(cause);
        return e;
    }

    /** One exchange, over its attempts: the deadline, and the connection watched while it is used. */
    private final class Exchange {

        final long deadline;
        /** Only the calling thread reads and writes these. */
        WatchedConnection connection;
        WriteDeadlines.Watch watch;
        boolean reused;
        boolean bodyWritten;

        Exchange(long deadline) {
            this.deadline = deadline;
        }

        /** The request is about to be sent on {@code c}. */
        void start(WatchedConnection c) {
            stop();
            connection = c;
            reused = c.getEndpointDetails().getRequestCount() > 0;
            Socket tcp = c.tcp();
            if (tcp != null) {
                watch = writes.watch(tcp, deadline);
            }
        }

        /** Whether {@code e} happened because the deadline passed and the socket was closed. */
        boolean expired(IOException e) {
            return watch != null && watch.timedOut(e, "") != e;
        }

        /** The answer is read: the connection is no longer watched. */
        void stop() {
            if (watch != null) {
                watch.close();
            }
        }

        /** The connection is closed at once, not drained for reuse. */
        void abandon() {
            stop();
            if (connection != null) {
                connection.close(CloseMode.IMMEDIATE);
            }
        }
    }

    /** A pooled connection that tells the TCP socket under its TLS layer, for {@link WriteDeadlines}. */
    private static final class WatchedConnection extends DefaultManagedHttpClientConnection {

        WatchedConnection(Http1Config http1) {
            super("core-" + IDS.incrementAndGet(), null, null, http1, null, null, null, null);
        }

        Socket tcp() {
            SocketHolder holder = getSocketHolder();
            return holder == null ? null : holder.getBaseSocket();
        }
    }

    /** Sends each request with its connection watched until the answer is read. */
    private static final class WatchingExecutor extends HttpRequestExecutor {

        @Override
        public ClassicHttpResponse execute(ClassicHttpRequest request, HttpClientConnection connection,
                HttpResponseInformationCallback informationCallback, HttpContext context)
                throws IOException, HttpException {
            if (context.getAttribute(EXCHANGE) instanceof ApacheCoreHttp.Exchange exchange
                    && connection instanceof WatchedConnection c) {
                exchange.start(c);
            }
            return super.execute(request, connection, informationCallback, context);
        }
    }

    /**
     * Sends a request once more if it failed on a reused connection before any answer arrived and not for its
     * deadline: the server had closed the connection while it was idle.
     */
    private static final class OnceOnAConnectionClosedWhileIdle implements HttpRequestRetryStrategy {

        @Override
        public boolean retryRequest(HttpRequest request, IOException e, int execCount, HttpContext context) {
            return execCount == 1 && context.getAttribute(EXCHANGE) instanceof ApacheCoreHttp.Exchange exchange
                    && exchange.reused && !exchange.expired(e) && !(e instanceof InterruptedIOException)
                    && (e instanceof NoHttpResponseException || e instanceof SocketException);
        }

        @Override
        public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
            return false;
        }

        @Override
        public TimeValue getRetryInterval(HttpRequest request, IOException e, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }

        @Override
        public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }
    }

    /** A {@link CoreExchange.Body} as the request's entity: repeatable, of known length, never chunked. */
    private static final class BodyEntity extends AbstractHttpEntity {

        private final Body body;
        private final Exchange exchange;

        BodyEntity(Body body, Exchange exchange) {
            super((String) null, null, false);
            this.body = body;
            this.exchange = exchange;
        }

        @Override
        public long getContentLength() {
            return body.length();
        }

        @Override
        public InputStream getContent() {
            throw new UnsupportedOperationException("the body is written, not read");
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            exchange.bodyWritten = false;
            body.writeTo(out);
            exchange.bodyWritten = true;
        }

        @Override
        public boolean isRepeatable() {
            return true;
        }

        @Override
        public boolean isStreaming() {
            return false;
        }

        @Override
        public void close() {
            // nothing held open between writes
        }
    }
}
