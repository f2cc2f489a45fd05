package io.moat.devtools;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * Starts a {@link CoreEmulator} and an {@link SmtpSink} on 127.0.0.1 for a local demo; {@link #main} runs until the
 * JVM is stopped (Ctrl-C or SIGTERM). Each option is a system property or, failing that, the environment variable of
 * the same name in upper case with {@code _} for {@code .} and {@code -}:
 * <ul>
 * <li>{@code moat.devtools.core.port} (8008), {@code moat.devtools.core.apikey} ({@code demo-key}; empty for no key
 * check), {@code moat.devtools.core.delay-ms} (0)</li>
 * <li>{@code moat.devtools.sink.port} (2526), {@code moat.devtools.sink.dir} ({@code data/sink}; empty for none)</li>
 * <li>{@code moat.devtools.sink.tls-key} and {@code moat.devtools.sink.tls-cert} (unset): a PKCS#8 private key and
 * its certificate chain (PEM files) to have the sink offer {@code STARTTLS}; both or neither</li>
 * </ul>
 * Run it with {@code java -jar target/moat-devtools-<version>.jar} after {@code mvn package} (which puts the libraries
 * into {@code target/lib}).
 */
public final class DevTools implements AutoCloseable {

    static {
        // one line per log record, unless configured otherwise; must happen before the first logger exists
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s - %5$s%6$s%n");
        }
    }

    private static final Logger LOG = Logger.getLogger(DevTools.class.getName());

    private final CoreEmulator core;
    private final SmtpSink sink;

    private DevTools(CoreEmulator core, SmtpSink sink) {
        this.core = core;
        this.sink = sink;
    }

    /**
     * Runs the demo servers until the JVM shuts down.
     *
     * @param args ignored
     * @throws IOException          if a port cannot be bound
     * @throws InterruptedException if the main thread is interrupted
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (System.getProperty("http.maxConnections") == null) {
            // one kept-alive connection per callback sender (the JDK keeps 5 by default, before the first request)
            System.setProperty("http.maxConnections", String.valueOf(CoreEmulator.CALLBACK_SENDERS));
        }
        DevTools tools = start(DevTools::systemOption);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            tools.close();
            System.out.println("moat-devtools stopped");
            stopped.countDown();
        }, "moat-devtools-shutdown"));
        stopped.await();
    }

    /**
     * Starts both servers on 127.0.0.1 and prints where they listen.
     *
     * @param options option name to value, {@code null} for the default
     * @throws IOException if a port cannot be bound or the sink directory cannot be created
     */
    public static DevTools start(UnaryOperator<String> options) throws IOException {
        InetAddress localhost = InetAddress.getByAddress("localhost", new byte[]{127, 0, 0, 1});
        String apiKey = option(options, "moat.devtools.core.apikey", CoreEmulator.DEFAULT_API_KEY);
        String sinkDir = option(options, "moat.devtools.sink.dir", "data/sink");
        String sinkKey = option(options, "moat.devtools.sink.tls-key", "");
        String sinkCert = option(options, "moat.devtools.sink.tls-cert", "");
        if (sinkKey.isEmpty() != sinkCert.isEmpty()) {
            throw new IllegalArgumentException(
                    "set both moat.devtools.sink.tls-key and moat.devtools.sink.tls-cert, or neither");
        }
        CoreEmulator core = CoreEmulator.builder()
                .bindAddress(localhost)
                .port(Integer.parseInt(option(options, "moat.devtools.core.port", "8008")))
                .apiKey(apiKey.isEmpty() ? null : apiKey)
                .delay(Duration.ofMillis(Long.parseLong(option(options, "moat.devtools.core.delay-ms", "0"))))
                .onSubmission(DevTools::logSubmission)
                .build();
        SmtpSink.Builder sinkBuilder = SmtpSink.builder()
                .bindAddress(localhost)
                .port(Integer.parseInt(option(options, "moat.devtools.sink.port", "2526")))
                .directory(sinkDir.isEmpty() ? null : Path.of(sinkDir))
                .onMessage(DevTools::logMail);
        if (!sinkKey.isEmpty()) {
            sinkBuilder.startTls(Path.of(sinkKey), Path.of(sinkCert));
        }
        SmtpSink sink = sinkBuilder.build();
        try {
            core.start();
            sink.start();
        } catch (IOException | RuntimeException e) {
            core.stop();
            sink.stop();
            throw e;
        }
        System.out.println("MetaDefender Core emulator: " + core.baseUri()
                + (apiKey.isEmpty() ? " (no API key check)" : " (apikey header required)"));
        System.out.println("SMTP sink: smtp://" + localhost.getHostAddress() + ":" + sink.port()
                + (sink.startTls() ? " (STARTTLS offered)" : "")
                + (sinkDir.isEmpty() ? "" : " (messages also written to " + Path.of(sinkDir).toAbsolutePath() + ")"));
        return new DevTools(core, sink);
    }

    /** The running Core emulator. */
    public CoreEmulator core() {
        return core;
    }

    /** The running SMTP sink. */
    public SmtpSink sink() {
        return sink;
    }

    /** Stops both servers. */
    @Override
    public void close() {
        sink.stop();
        core.stop();
    }

    private static void logSubmission(Submission s) {
        LOG.info(() -> String.format(Locale.ROOT, "Core: data_id=%s file=%s size=%d rule=%s archive password=%s"
                + " callback=%s verdict=%s", s.dataId(), s.filename(), s.size(), s.rule(),
                s.archivePasswordGiven() ? "given" : "none", s.callbackUrl() != null ? "yes" : "no", s.verdict()));
    }

    private static void logMail(ReceivedMail m) {
        LOG.info(() -> String.format(Locale.ROOT, "SMTP: from=<%s> to=%s size=%d", m.from(), m.recipients(),
                m.data().length));
    }

    private static String option(UnaryOperator<String> options, String name, String fallback) {
        String value = options.apply(name);
        return value == null ? fallback : value.trim();
    }

    /** System property {@code name}, else its environment variable ({@code a.b-c} becomes {@code A_B_C}). */
    static String systemOption(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
    }
}
