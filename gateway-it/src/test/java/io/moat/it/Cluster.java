package io.moat.it;

import io.moat.devtools.CoreEmulator;
import io.moat.devtools.SmtpSink;
import io.moat.testkit.PostgresCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Gateway nodes for the several-node tests (PostgreSQL only): one database of their own on the build's cluster, one
 * data directory, one Core emulator and one SMTP sink, and nodes on addresses of their own with the same ports
 * ({@code 127.0.0.2}, {@code 127.0.0.3}, ...), as machines behind one MX would have them.
 */
final class Cluster implements AutoCloseable {

    static final int SMTP = 24525;
    static final int HTTP = 24080;
    static final int HTTPS = 24443;
    static final int CORE = 24008;
    static final int SINK = 24526;

    final String database;
    final int databasePort = Integer.getInteger("it.db.port", 15432);
    final Path dir;
    final Path data;
    final CoreEmulator core;
    final SmtpSink sink;
    private final List<ServerProcess> nodes = new ArrayList<>();

    /** Starts Core and the sink on an empty database and data directory named {@code name}. */
    Cluster(String name) throws IOException {
        database = "moat_" + name.replace('-', '_');
        dir = Path.of(System.getProperty("it.crash.dir", "target/crash")).resolveSibling(name);
        PostgresCluster.attached(databasePort).recreateDatabase(database);
        data = clean(dir.resolve("data"));
        core = CoreEmulator.builder().bindAddress(InetAddress.getLoopbackAddress()).port(CORE)
                .apiKey(DedicatedGateway.API_KEY).build();
        sink = SmtpSink.builder().bindAddress(InetAddress.getLoopbackAddress()).port(SINK).build();
        core.start();
        sink.start();
    }

    /** A node {@code id} on {@code address} (not started), with {@code settings} added. */
    ServerProcess node(String id, String address, List<String> settings) throws IOException {
        List<String> properties = new ArrayList<>(List.of("-Dmoat.node-id=" + id, "-Dmoat.node.address=" + address,
                "-Dmoat.data-dir=" + data, "-Dmoat.db.url=" + jdbcUrl(), "-Dmoat.db.user=" + PostgresCluster.USER,
                "-Dmoat.smtp.port=" + SMTP, "-Dmoat.smtp.bind-address=0.0.0.0", "-Dmoat.http.port=" + HTTP,
                "-Dmoat.https.port=" + HTTPS, "-Dmoat.webhook.port=24089", "-Dmoat.management.port=24990",
                "-Dmoat.core.url=http://127.0.0.1:" + CORE, "-Dmoat.core.apikey=" + DedicatedGateway.API_KEY,
                "-Dmoat.downstream.url=smtp://127.0.0.1:" + SINK, "-Dmoat.relay-domains=example.com",
                "-Dmoat.admin.password=" + TestBed.ADMIN_PASSWORD, "-Dmoat.delivery.retry-initial=PT1S",
                "-Dmoat.delivery.retry-max=PT2S"));
        properties.addAll(settings);
        ServerProcess node = new ServerProcess(Path.of(System.getProperty("it.wildfly.home")), clean(dir.resolve(id)),
                Path.of(System.getProperty("it.ear")), SMTP, HTTP, properties);
        nodes.add(node);
        return node;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + databasePort + "/" + database;
    }

    /** The REST API of the node on {@code address}. */
    static String api(String address, String path) {
        return "http://" + address + ":" + HTTP + "/api/v1" + path;
    }

    @Override
    public void close() throws InterruptedException {
        for (ServerProcess node : nodes) {
            node.stop();
        }
        core.stop();
        sink.stop();
    }

    static Path clean(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        return Files.createDirectories(folder).toAbsolutePath();
    }
}
