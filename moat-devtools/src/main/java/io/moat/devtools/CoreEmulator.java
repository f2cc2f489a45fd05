package io.moat.devtools;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An HTTP server that answers like MetaDefender Core v4 for the calls the gateway makes ({@code POST /file},
 * {@code GET /file/{data_id}}, callbacks, {@code /version}, {@code /stat/nodes}). Its only "engine" finds the EICAR
 * test string (also inside ZIP files) and reports ZIP files with entries no given password opens as encrypted
 * archives. Results are kept in memory, across {@link #stop()} and {@link #start()}. Plain HTTP by default; HTTPS
 * with {@link Builder#https(Path, Path)} or {@link Builder#https(SSLContext)}.
 *
 * <p>Its Deep CDR is deterministic ({@link Sanitizer}): a clean file holding {@link #SANITIZE_MARKER} is "sanitized"
 * ({@code actions_ran: "Sanitized"}, {@code converted_destination} its name) into {@link #SANITIZED_PREFIX} followed
 * by its own bytes, served at {@code GET /file/converted/{data_id}}; a clean file holding {@link #CDR_FAIL_MARKER}
 * fails sanitization ({@code actions_failed: "Sanitization Failed"}, no converted file: 404). Other files are not
 * sanitized (empty {@code actions_ran}, 404 for their converted file), as with a workflow without Deep CDR.
 */
public final class CoreEmulator implements AutoCloseable {

    /** The API key a default emulator requires. */
    public static final String DEFAULT_API_KEY = "demo-key";
    /** The EICAR test string; a file containing it is infected. */
    public static final String EICAR = FileScanner.EICAR;
    /** A clean file holding these ASCII bytes is sanitized (see the class comment). */
    public static final String SANITIZE_MARKER = Sanitizer.SANITIZE_MARKER;
    /** A clean file holding these ASCII bytes fails sanitization. */
    public static final String CDR_FAIL_MARKER = Sanitizer.FAIL_MARKER;
    /** The line a sanitized file starts with, before the file's own bytes. */
    public static final String SANITIZED_PREFIX = Sanitizer.PREFIX;
    /** {@code product_id} of {@code GET /version}. */
    public static final String PRODUCT_ID = "MDCore-emulator";
    /** {@code version} of {@code GET /version}. */
    public static final String VERSION = "4.18.0";

    private static final Logger LOG = Logger.getLogger(CoreEmulator.class.getName());
    private static final Pattern PASSWORD_HEADER = Pattern.compile("archivepwd(\\d*)");
    private static final Pattern RESULT_PATH = Pattern.compile("/file/([^/]+)");
    private static final Pattern CONVERTED_PATH = Pattern.compile("/file/converted/([^/]+)");
    private static final int CALLBACK_ATTEMPTS = 4;
    /** Threads sending callbacks; {@link DevTools} keeps as many connections alive ({@code http.maxConnections}). */
    static final int CALLBACK_SENDERS = 8;
    private static final long CALLBACK_BACKOFF_MILLIS = 200;
    private static final Pattern PEM_CERTIFICATE = Pattern
            .compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");
    private static final Pattern PEM_PRIVATE_KEY = Pattern
            .compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private final InetAddress bindAddress;
    private final String apiKey;
    private final Consumer<Submission> listener;
    private final boolean https;
    private final Path tlsKey;
    private final Path tlsChain;
    private SSLContext tls; // made from tlsKey and tlsChain at the first start() unless given
    private final Map<String, Scan> scans = new ConcurrentHashMap<>();
    // not a CopyOnWriteArrayList: that copies every submission so far on each one (tens of thousands in a benchmark)
    private final List<Submission> received = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger failNext = new AtomicInteger();
    /** What callbacks to {@code https://} URLs trust (null: the JDK's default). */
    private final SSLContext callbackTrust;
    /** {@code GET /file/{data_id}} requests by data_id: what the gateway asked, for tests of its callbacks. */
    private final Map<String, AtomicInteger> resultRequests = new ConcurrentHashMap<>();
    private volatile Duration delay;
    private int port;
    private HttpServer server;
    private ExecutorService handlers;
    private ScheduledExecutorService callbacks;

    /**
     * A submission with its verdict and what Deep CDR made of it, complete from {@code readyAt}
     * ({@link System#nanoTime()}) on.
     */
    private record Scan(Submission submission, Verdict verdict, Sanitizer.Outcome cdr, long readyAt) {
        boolean complete() {
            return System.nanoTime() - readyAt >= 0;
        }
    }

    /** An answer (JSON, or a file's bytes), and the scan it accepted (for the callback) if any. */
    private record Reply(int status, String json, byte[] file, Scan accepted) {
        Reply(int status, String json) {
            this(status, json, null, null);
        }

        Reply(int status, String json, Scan accepted) {
            this(status, json, null, accepted);
        }

        /** A file: {@code application/octet-stream}. */
        Reply(int status, byte[] file) {
            this(status, null, file, null);
        }
    }

    static {
        // The JDK's HTTP server writes a response's head and body in two writes and leaves Nagle's algorithm on, so
        // the body waits for the client's delayed acknowledgement: 40 ms per answer on Linux, 90 ms for a submit and
        // its result, where the emulator means to answer at once. Read once, when its first server is made.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private CoreEmulator(Builder b) {
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.apiKey = b.apiKey;
        this.delay = b.delay;
        this.listener = b.listener;
        this.https = b.tls != null || b.tlsKey != null;
        this.tls = b.tls;
        this.tlsKey = b.tlsKey;
        this.tlsChain = b.tlsChain;
        this.callbackTrust = b.callbackTrust;
    }

    /** A builder for 127.0.0.1, port 0, API key {@value #DEFAULT_API_KEY}, no delay. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts serving; after {@link #stop()}, binds the same port again. Does nothing when running.
     *
     * @throws IOException if the port cannot be bound, or the HTTPS key or certificates cannot be read or used
     */
    public synchronized CoreEmulator start() throws IOException {
        if (server != null) {
            return this;
        }
        InetSocketAddress address = new InetSocketAddress(bindAddress, port);
        HttpServer s;
        if (https) {
            if (tls == null) {
                tls = sslContext(tlsKey, tlsChain);
            }
            HttpsServer secure = HttpsServer.create(address, 50);
            secure.setHttpsConfigurator(new HttpsConfigurator(tls));
            s = secure;
        } else {
            s = HttpServer.create(address, 50);
        }
        handlers = Executors.newFixedThreadPool(4, daemon("core-emulator-http"));
        // callbacks are sent synchronously, each thread over its kept-alive connection: the JDK's HttpClient took 2.5 ms
        // of CPU per message with 1,600 callbacks a second, as much as the gateway's whole work for a message
        callbacks = Executors.newScheduledThreadPool(CALLBACK_SENDERS, daemon("core-emulator-callback"));
        s.setExecutor(handlers);
        s.createContext("/", this::handle);
        s.start();
        port = s.getAddress().getPort();
        server = s;
        LOG.fine(() -> "Core emulator listening on " + baseUri());
        return this;
    }

    /** Stops serving at once; callbacks not yet sent are dropped. Submissions and results are kept. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.stop(0);
        handlers.shutdownNow();
        callbacks.shutdownNow();
        server = null;
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Whether the emulator is serving. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** The bound port (the configured one before the first start). */
    public synchronized int port() {
        return port;
    }

    /** {@code http://<address>:<port>/}, or {@code https://...} when serving HTTPS. */
    public URI baseUri() {
        return URI.create((https ? "https" : "http") + "://" + hostForUri() + ":" + port() + "/");
    }

    /** Whether the emulator serves HTTPS (see {@link Builder#https(Path, Path)}). */
    public boolean https() {
        return https;
    }

    /**
     * The next {@code n} {@code POST /file} that pass the Content-Length and API key checks answer 503 (on top of any
     * still pending).
     */
    public void failNextSubmissions(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative");
        }
        failNext.addAndGet(n);
    }

    /** Processing time of files submitted from now on. */
    public void setDelay(Duration delay) {
        this.delay = requireNonNegative(delay);
    }

    /** Number of accepted submissions ({@code POST /file} answered 200). */
    public int submissions() {
        return received.size();
    }

    /** The accepted submissions, oldest first (an immutable snapshot). */
    public List<Submission> receivedSubmissions() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The latest accepted submission. */
    public Optional<Submission> lastSubmission() {
        List<Submission> all = receivedSubmissions();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Forgets all submissions and results and the pending {@link #failNextSubmissions} count. */
    public void clear() {
        received.clear();
        scans.clear();
        resultRequests.clear();
        failNext.set(0);
    }

    /** How many times the result of {@code dataId} was asked for ({@code GET /file/{data_id}}). */
    public int resultRequests(String dataId) {
        AtomicInteger n = resultRequests.get(dataId);
        return n == null ? 0 : n.get();
    }

    /** How many results were asked for in all, of any data_id. */
    public int resultRequests() {
        return resultRequests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Reply reply;
        try (exchange) {
            // read the body first, so that keep-alive connections stay usable whatever the answer
            byte[] body = exchange.getRequestBody().readAllBytes();
            try {
                reply = route(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestHeaders(), body);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Core emulator failed on " + exchange.getRequestURI().getRawPath(), e);
                reply = new Reply(500, Json.error("Internal error: " + e));
            }
            byte[] answer = reply.file() != null ? reply.file() : reply.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type",
                    reply.file() != null ? "application/octet-stream" : "application/json");
            exchange.sendResponseHeaders(reply.status(), answer.length);
            exchange.getResponseBody().write(answer);
        }
        if (reply.accepted() != null) {
            accepted(reply.accepted());
        }
    }

    private Reply route(String method, String path, Headers headers, byte[] body) {
        boolean get = "GET".equals(method);
        if ("/file".equals(path)) {
            return "POST".equals(method) ? submit(headers, body) : notAllowed();
        }
        if (!"/version".equals(path) && !"/stat/nodes".equals(path) && !RESULT_PATH.matcher(path).matches()
                && !CONVERTED_PATH.matcher(path).matches()) {
            return new Reply(404, Json.error("Not Found"));
        }
        if (!get) {
            return notAllowed();
        }
        if (!authorized(headers)) {
            return invalidKey();
        }
        if ("/version".equals(path)) {
            return new Reply(200, "{\"product_id\":" + Json.quote(PRODUCT_ID) + ",\"version\":"
                    + Json.quote(VERSION) + "}");
        }
        if ("/stat/nodes".equals(path)) {
            return new Reply(200, "{\"max_node_count\":1,\"statuses\":[{\"id\":\"emulator-node\",\"address\":"
                    + Json.quote(hostForUri()) + ",\"version\":" + Json.quote(VERSION)
                    + ",\"scan_queue\":0,\"load\":0,\"cpu_usage\":0,\"engines\":[],\"issues\":[]}]}");
        }
        Matcher converted = CONVERTED_PATH.matcher(path);
        if (converted.matches()) {
            Scan scan = scans.get(percentDecode(converted.group(1)));
            return scan == null || !scan.complete() || scan.cdr().converted() == null
                    ? new Reply(404, Json.error("Not Found"))
                    : new Reply(200, scan.cdr().converted());
        }
        Matcher m = RESULT_PATH.matcher(path);
        String dataId = m.matches() ? percentDecode(m.group(1)) : "";
        resultRequests.computeIfAbsent(dataId, id -> new AtomicInteger()).incrementAndGet();
        Scan scan = scans.get(dataId);
        return scan == null
                ? new Reply(200, "{" + Json.quote(dataId) + ":\"Not Found\"}")
                : new Reply(200, resultJson(scan, scan.complete()));
    }

    private Reply submit(Headers headers, byte[] body) {
        if (headers.containsKey("Transfer-Encoding") || !headers.containsKey("Content-Length")) {
            return new Reply(411, Json.error("Missing Content-Length header."));
        }
        if (!authorized(headers)) {
            return invalidKey();
        }
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new Reply(503, Json.error("Server is too busy. Try again later."));
        }
        if (body.length == 0) {
            return new Reply(422, Json.error("File is empty."));
        }
        String callbackUrl = headers.getFirst("callbackurl");
        if (callbackUrl != null && !isValidCallbackUrl(callbackUrl)) {
            return new Reply(400, Json.error("Callback url is invalid."));
        }
        List<String> passwords = archivePasswords(headers);
        Verdict verdict = FileScanner.scan(body, passwords);
        String dataId = UUID.randomUUID().toString().replace("-", "");
        Submission submission = new Submission(dataId, percentDecode(headers.getFirst("filename")),
                percentDecode(headers.getFirst("rule")), headers.getFirst("user_agent"), callbackUrl,
                !passwords.isEmpty(), body.length, sha256(body), verdict.text(), Instant.now());
        Scan scan = new Scan(submission, verdict, Sanitizer.sanitize(body, verdict == Verdict.CLEAN),
                System.nanoTime() + delay.toNanos());
        scans.put(dataId, scan);
        received.add(submission);
        return new Reply(200, "{\"data_id\":" + Json.quote(dataId) + "}", scan);
    }

    /** After the 200 went out: tell the listener, and schedule the callback. */
    private void accepted(Scan scan) {
        try {
            listener.accept(scan.submission());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "submission listener failed", e);
        }
        String url = scan.submission().callbackUrl();
        if (url != null) {
            ScheduledExecutorService executor = currentCallbackExecutor();
            long wait = Math.max(0, scan.readyAt() - System.nanoTime());
            schedule(executor, () -> sendCallback(scan, 1, executor), TimeUnit.NANOSECONDS.toMillis(wait));
        }
    }

    private synchronized ScheduledExecutorService currentCallbackExecutor() {
        return callbacks;
    }

    private void sendCallback(Scan scan, int attempt, ScheduledExecutorService executor) {
        String dataId = scan.submission().dataId();
        String why;
        try {
            int status = post(scan.submission().callbackUrl(), resultJson(scan, true));
            if (status / 100 == 2) {
                LOG.fine(() -> "callback for data_id " + dataId + " delivered");
                return;
            }
            why = "HTTP " + status;
        } catch (IOException | RuntimeException e) {
            why = e.toString();
        }
        String failure = why;
        if (attempt >= CALLBACK_ATTEMPTS) {
            LOG.warning(
                    () -> "callback for data_id " + dataId + " failed " + attempt + " times, giving up: " + failure);
            return;
        }
        LOG.info(() -> "callback for data_id " + dataId + " failed (" + failure + "), retrying");
        schedule(executor, () -> sendCallback(scan, attempt + 1, executor), CALLBACK_BACKOFF_MILLIS << (attempt - 1));
    }

    /** POSTs {@code json} to {@code url}; returns the status. The connection is kept alive for the next callback. */
    private int post(String url, String json) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        if (connection instanceof HttpsURLConnection https && callbackTrust != null) {
            https.setSSLSocketFactory(callbackTrust.getSocketFactory());
        }
        connection.setConnectTimeout(2_000);
        connection.setReadTimeout(5_000);
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        int status = connection.getResponseCode();
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (in != null) {
                in.readAllBytes(); // read to its end, so that the connection can be used again
            }
        }
        return status;
    }

    private static void schedule(ScheduledExecutorService executor, Runnable task, long delayMillis) {
        try {
            executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, "Core emulator stopped; callback dropped", e);
        }
    }

    /** The JSON of {@code GET /file/{data_id}}, also the body of the callback. */
    private static String resultJson(Scan scan, boolean complete) {
        Submission s = scan.submission();
        Verdict v = scan.verdict();
        int progress = complete ? 100 : 50;
        return "{\"data_id\":" + Json.quote(s.dataId())
                + ",\"file_info\":{\"display_name\":" + Json.quote(s.filename()) + ",\"file_size\":" + s.size()
                + ",\"sha256\":" + Json.quote(s.sha256()) + "}"
                + ",\"process_info\":{\"progress_percentage\":" + progress
                + ",\"result\":" + Json.quote(complete ? v.result() : "Processing")
                + ",\"blocked_reason\":" + Json.quote(complete ? v.blockedReason() : "")
                + ",\"post_processing\":" + scan.cdr().json(complete, s.filename()) + "}"
                + ",\"scan_results\":{\"progress_percentage\":" + progress
                + ",\"scan_all_result_i\":" + (complete ? v.code() : 255)
                + ",\"scan_all_result_a\":" + Json.quote(complete ? v.text() : "In Progress")
                + ",\"total_avs\":1}}";
    }

    private boolean authorized(Headers headers) {
        if (apiKey == null) {
            return true;
        }
        String given = headers.getFirst("apikey");
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                apiKey.getBytes(StandardCharsets.UTF_8));
    }

    private static Reply invalidKey() {
        return new Reply(401, Json.error("Invalid apikey"));
    }

    private static Reply notAllowed() {
        return new Reply(405, Json.error("Method not allowed"));
    }

    /** {@code archivepwd}, {@code archivepwd1}, {@code archivepwd2}, ... in that order, URL-decoded. */
    private static List<String> archivePasswords(Headers headers) {
        List<Map.Entry<Integer, List<String>>> found = new ArrayList<>();
        headers.forEach((name, values) -> {
            Matcher m = PASSWORD_HEADER.matcher(name.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                found.add(Map.entry(m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1)), values));
            }
        });
        found.sort(Comparator.comparing(Map.Entry::getKey));
        List<String> passwords = new ArrayList<>();
        found.forEach(e -> e.getValue().forEach(v -> passwords.add(percentDecode(v))));
        return passwords;
    }

    /**
     * Percent-decoding of a header value as UTF-8 ({@code +} stays {@code +}); malformed escapes are kept as they are.
     * Raw non-ASCII bytes in the header (read as ISO-8859-1 by the server) are taken as UTF-8 as well.
     */
    static String percentDecode(String value) {
        if (value == null) {
            return null;
        }
        byte[] raw = value.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            int hi = raw[i] == '%' && i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
            int lo = hi >= 0 ? Character.digit(raw[i + 2], 16) : -1;
            if (lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(raw[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** An absolute http or https URI with a host, as Core requires for {@code callbackurl}. */
    static boolean isValidCallbackUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return false; // this is the answer, not an error: Core says 400
        }
        String scheme = uri.getScheme();
        return uri.isAbsolute() && uri.getHost() != null
                && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme));
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * A server-side TLS context from a PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}, RSA, EC or EdDSA, as
     * {@code openssl} 3 writes keys) and its certificate chain, leaf first (PEM; text between the blocks is ignored).
     */
    static SSLContext sslContext(Path privateKeyPem, Path certificateChainPem) throws IOException {
        String keyText = Files.readString(privateKeyPem, StandardCharsets.US_ASCII);
        Matcher keyBlock = PEM_PRIVATE_KEY.matcher(keyText);
        if (!keyBlock.find()) {
            throw new IOException("no -----BEGIN PRIVATE KEY----- (PKCS#8) in " + privateKeyPem
                    + (keyText.contains("-----BEGIN ") ? "; convert it with: openssl pkcs8 -topk8 -nocrypt" : ""));
        }
        List<Certificate> chain = new ArrayList<>();
        Matcher certificateBlock = PEM_CERTIFICATE.matcher(Files.readString(certificateChainPem,
                StandardCharsets.US_ASCII));
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            while (certificateBlock.find()) {
                chain.add(x509.generateCertificate(new ByteArrayInputStream(base64(certificateBlock.group(1)))));
            }
            if (chain.isEmpty()) {
                throw new IOException("no -----BEGIN CERTIFICATE----- in " + certificateChainPem);
            }
            PrivateKey key = privateKey(base64(keyBlock.group(1)), privateKeyPem);
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("core-emulator", key, password, chain.toArray(Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + privateKeyPem + " with " + certificateChainPem + ": " + e, e);
        }
    }

    /** The PKCS#8 key in whichever algorithm decodes it. */
    private static PrivateKey privateKey(byte[] pkcs8, Path file) throws GeneralSecurityException {
        for (String algorithm : List.of("RSA", "EC", "EdDSA", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (InvalidKeySpecException e) {
                LOG.finest(() -> file + " is not an " + algorithm + " key: " + e);
            }
        }
        throw new InvalidKeySpecException(file + ": not an RSA, EC or EdDSA private key");
    }

    private static byte[] base64(String pem) {
        return Base64.getMimeDecoder().decode(pem);
    }

    private String hostForUri() {
        String host = bindAddress.getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static Duration requireNonNegative(Duration d) {
        if (Objects.requireNonNull(d, "delay").isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
        return d;
    }

    /** Configuration of a {@link CoreEmulator}. */
    public static final class Builder {
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port;
        private String apiKey = DEFAULT_API_KEY;
        private Duration delay = Duration.ZERO;
        private Consumer<Submission> listener = s -> {
        };
        private SSLContext tls;
        private Path tlsKey;
        private Path tlsChain;
        private SSLContext callbackTrust;

        private Builder() {
        }

        /**
         * The TLS context callbacks to {@code https://} URLs are made with (what they trust); default: the JDK's
         * default context, which trusts the public CAs only.
         */
        public Builder callbackTrust(SSLContext context) {
            this.callbackTrust = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Serve HTTPS instead of HTTP, with this private key and certificate chain (PEM files, read at the first
         * {@link CoreEmulator#start()}): the key as PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl}
         * 3 writes; RSA, EC or EdDSA), the certificates leaf first. Replaces an earlier {@link #https(SSLContext)}.
         */
        public Builder https(Path privateKeyPem, Path certificateChainPem) {
            this.tlsKey = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            this.tlsChain = Objects.requireNonNull(certificateChainPem, "certificateChainPem");
            this.tls = null;
            return this;
        }

        /** Serve HTTPS instead of HTTP, with this server context. Replaces an earlier {@link #https(Path, Path)}. */
        public Builder https(SSLContext context) {
            this.tls = Objects.requireNonNull(context, "context");
            this.tlsKey = null;
            this.tlsChain = null;
            return this;
        }

        /** Address to listen on; default 127.0.0.1 (the loopback address). */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /** Port to listen on; 0 (the default) picks a free one, see {@link CoreEmulator#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** The required {@code apikey} header; {@code null} accepts any request. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** How long a file stays "In Progress" after submission; default zero (complete at once). */
        public Builder delay(Duration delay) {
            this.delay = requireNonNegative(delay);
            return this;
        }

        /** Called after each accepted submission (on an HTTP thread; must not block). */
        public Builder onSubmission(Consumer<Submission> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** A new, not yet started emulator. */
        public CoreEmulator build() {
            return new CoreEmulator(this);
        }
    }
}
