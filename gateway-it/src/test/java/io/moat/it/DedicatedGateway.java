package io.moat.it;

import io.moat.devtools.CoreEmulator;
import io.moat.devtools.SmtpSink;
import io.moat.testkit.PostgresCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A gateway of a test's own — WildFly started by {@link ServerProcess}, with its own Core emulator and SMTP sink —
 * for tests that kill the server or need settings the shared one does not have. Each slot has its own ports and
 * directory under {@code target/<name>}, apart from the shared IT server's. Slot 5 is not to be used: its Core
 * emulator port is the shared one's (18008).
 */
final class DedicatedGateway implements AutoCloseable {

    static final String API_KEY = "dedicated-key";

    final int smtpPort;
    final int httpPort;
    final int httpsPort;
    final int managementPort;
    final Path dataDir;
    final CoreEmulator core;
    final SmtpSink sink;
    final ServerProcess server;
    /** The address its ports answer on: its node address, else 127.0.0.1. */
    final String host;

    private DedicatedGateway(int slot, String name, List<String> settings) throws IOException {
        smtpPort = 13525 + 1000 * slot;
        httpPort = 19080 + 100 * slot;
        int corePort = 13008 + 1000 * slot;
        int sinkPort = smtpPort + 1;
        core = CoreEmulator.builder().bindAddress(InetAddress.getLoopbackAddress()).port(corePort).apiKey(API_KEY)
                .build();
        sink = SmtpSink.builder().bindAddress(InetAddress.getLoopbackAddress()).port(sinkPort).build();
        httpsPort = httpPort + 363;
        managementPort = 19991 + slot;
        Path dir = Path.of(System.getProperty("it.crash.dir", "target/crash")).resolveSibling(name);
        dataDir = dir.resolve("data").toAbsolutePath();
        // each test starts from an empty data directory: what an earlier run left (a database its build's
        // migrations made) is not this run's
        if (Files.exists(dataDir)) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        // with a node address, the default endpoint listens on the wildcard, which the node's address replaces
        host = ServerProcess.nodeAddress(settings).orElse("127.0.0.1");
        String smtpBind = host.equals("127.0.0.1") ? "127.0.0.1" : "0.0.0.0";
        List<String> properties = new ArrayList<>(List.of("-Dmoat.data-dir=" + dataDir,
                "-Dmoat.smtp.port=" + smtpPort, "-Dmoat.smtp.bind-address=" + smtpBind, "-Dmoat.http.port=" + httpPort,
                "-Dmoat.https.port=" + httpsPort, "-Dmoat.webhook.port=" + (httpPort + 9),
                "-Dmoat.management.port=" + managementPort, "-Dmoat.core.url=http://127.0.0.1:" + corePort,
                "-Dmoat.core.apikey=" + API_KEY, "-Dmoat.downstream.url=smtp://127.0.0.1:" + sinkPort,
                "-Dmoat.relay-domains=example.com", "-Dmoat.admin.password=" + TestBed.ADMIN_PASSWORD,
                "-Dmoat.delivery.retry-initial=PT1S", "-Dmoat.delivery.retry-max=PT2S"));
        properties.addAll(database(name));
        properties.addAll(settings);
        server = new ServerProcess(Path.of(System.getProperty("it.wildfly.home")), dir.resolve("server"),
                Path.of(System.getProperty("it.ear")), smtpPort, httpPort, properties);
    }

    /**
     * The server's database settings: none on H2 (the default, a file in its data directory); with
     * {@code -Pit-postgresql} an empty database of its own on the build's cluster.
     */
    static List<String> database(String name) {
        if (!TestBed.ON_POSTGRESQL) {
            return List.of();
        }
        int port = Integer.getInteger("it.db.port");
        String database = "moat_" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        PostgresCluster.attached(port).recreateDatabase(database);
        return List.of("-Dmoat.db.url=jdbc:postgresql://127.0.0.1:" + port + "/" + database, "-Dmoat.db.user="
                + PostgresCluster.USER);
    }

    /** Starts Core, the sink and the server (with {@code settings}, e.g. {@code -Dmoat.x=y}, added). */
    static DedicatedGateway start(int slot, String name, List<String> settings)
            throws IOException, InterruptedException {
        DedicatedGateway gateway = prepare(slot, name, settings);
        gateway.startServer();
        return gateway;
    }

    /** Starts Core and the sink only: the test puts files into {@link #dataDir} and then calls startServer(). */
    static DedicatedGateway prepare(int slot, String name, List<String> settings) throws IOException {
        DedicatedGateway gateway = new DedicatedGateway(slot, name, settings);
        gateway.core.start();
        gateway.sink.start();
        return gateway;
    }

    void startServer() throws IOException, InterruptedException {
        server.start(Duration.ofMinutes(3));
    }

    /** The REST API's URL for {@code path} (e.g. {@code /messages?state=FAILED}). */
    String api(String path) {
        return "http://" + host + ":" + httpPort + "/api/v1" + path;
    }

    @Override
    public void close() throws InterruptedException {
        server.stop();
        core.stop();
        sink.stop();
    }
}
