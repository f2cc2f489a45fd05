package io.moat.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the tests' own: {@code initdb} in a new directory under the temporary directory,
 * {@code pg_ctl} on a free port of 127.0.0.1 with its socket in that directory, never the system's cluster. One user,
 * {@value #USER}, trusted without a password on the loopback address. As root (CI), the server runs as the
 * {@code postgres} user through {@code runuser} ({@code initdb} refuses root). {@link #close} stops it and deletes the
 * directory; a cluster left behind by a JVM that was killed is stopped and deleted by the next {@link #start}.
 * Durability is off (no {@code fsync}) unless asked for: tests kill the gateway, never the machine.
 */
public final class PostgresCluster implements AutoCloseable {

    /** The cluster's superuser, the one the tests connect as. */
    public static final String USER = "moat";
    /** Where the binaries are when neither {@code MOAT_PG_BIN} nor the {@code PATH} says. */
    static final Path DEBIAN = Path.of("/usr/lib/postgresql");
    private static final String PREFIX = "moat-pg-";
    private static final String OWNER = "owner.pid";

    private static PostgresCluster shared;

    private final Path directory;
    private final Path bin;
    private final int port;
    private volatile boolean stopped;

    private PostgresCluster(Path directory, Path bin, int port) {
        this.directory = directory;
        this.bin = bin;
        this.port = port;
    }

    /**
     * The directory of PostgreSQL's server binaries: {@code MOAT_PG_BIN}, else the newest
     * {@code /usr/lib/postgresql/<version>/bin} (Debian's package), else the directory of {@code initdb} on the
     * {@code PATH}; empty when there is none.
     */
    public static Optional<Path> binaries() {
        String configured = System.getenv("MOAT_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(d -> Files.isExecutable(d.resolve("initdb")));
        }
        if (Files.isDirectory(DEBIAN)) {
            try (Stream<Path> versions = Files.list(DEBIAN)) {
                Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                        .filter(d -> Files.isExecutable(d.resolve("initdb")))
                        .max(Comparator.comparingInt(PostgresCluster::majorVersion));
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                Path initdb = Path.of(entry).resolve("initdb");
                if (!entry.isEmpty() && Files.isExecutable(initdb)) {
                    return Optional.of(initdb.toAbsolutePath().getParent());
                }
            }
        }
        return Optional.empty();
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One cluster for the whole JVM, started at the first call and stopped when the JVM ends. */
    public static synchronized PostgresCluster shared() {
        if (shared == null) {
            PostgresCluster cluster = start();
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "postgres-cluster-stop"));
            shared = cluster;
        }
        return shared;
    }

    /**
     * For a build: starts a cluster on {@code args[0]}'s port with the databases named after it, to run as long as
     * the JVM that called this (Maven's, through {@code exec:java}: the integration tests' server connects to it).
     */
    public static void main(String[] args) throws InterruptedException {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean durable = rest.remove("--durable"); // fsync and synchronous commits, as in production (benchmarks)
        boolean wait = rest.remove("--wait"); // run as a process of its own, until it is killed
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("usage: PostgresCluster [--durable] [--wait] <port> [database ...]");
        }
        PostgresCluster cluster = start(Integer.parseInt(rest.get(0)), durable);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "postgres-cluster-stop"));
        for (String database : rest.subList(1, rest.size())) {
            cluster.createDatabase(database);
        }
        System.out.println("PostgreSQL " + cluster.directory() + " on 127.0.0.1:" + cluster.port() + " until this JVM"
                + " ends");
        if (wait) {
            Thread.currentThread().join();
        }
    }

    /** The cluster another JVM started on {@code port} (see {@link #main}), to make databases on; never stopped. */
    public static PostgresCluster attached(int port) {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed"));
        PostgresCluster cluster = new PostgresCluster(null, bin, port);
        cluster.stopped = true;
        return cluster;
    }

    /** Creates and starts a new cluster on a free port. */
    public static PostgresCluster start() {
        return start(0);
    }

    /** Creates and starts a new cluster on {@code fixedPort} (0: a free one), without durability. */
    public static PostgresCluster start(int fixedPort) {
        return start(fixedPort, false);
    }

    /**
     * Creates and starts a new cluster on {@code fixedPort} (0: a free one); {@code durable}: with {@code fsync} and
     * synchronous commits, as PostgreSQL runs by default (for benchmarks), else without (for tests).
     */
    public static PostgresCluster start(int fixedPort, boolean durable) {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException("PostgreSQL's server (initdb, pg_ctl) is"
                + " not installed: install Debian's postgresql package (./test.sh does), or set MOAT_PG_BIN to the"
                + " directory that holds initdb"));
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        stopAbandoned(tmp, bin);
        try {
            Path directory = Files.createTempDirectory(tmp, PREFIX);
            Files.writeString(directory.resolve(OWNER), Long.toString(ProcessHandle.current().pid()));
            boolean asRoot = isRoot();
            if (asRoot) {
                UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
                UserPrincipal postgres = users.lookupPrincipalByName("postgres");
                Files.setOwner(directory, postgres);
            }
            run(asRoot, directory, List.of(bin.resolve("initdb").toString(), "-D", data(directory).toString(), "-U",
                    USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"));
            IOException last = null;
            for (int attempt = 0; attempt < (fixedPort == 0 ? 3 : 1); attempt++) {
                int port = fixedPort == 0 ? freePort() : fixedPort;
                try {
                    run(asRoot, directory, List.of(bin.resolve("pg_ctl").toString(), "-D", data(directory).toString(),
                            "-l", directory.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                            "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1"
                                    + " -c max_connections=200" + (durable
                                            ? ""
                                            : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"),
                            "start"));
                    return new PostgresCluster(directory, bin, port);
                } catch (IOException e) {
                    last = e; // the port was taken between the probe and the start
                }
            }
            throw new UncheckedIOException("PostgreSQL did not start in " + directory, last);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Its port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Its directory (data, socket, log). */
    public Path directory() {
        return directory;
    }

    /** The JDBC URL of {@code database} on this cluster. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates an empty database named {@code name} (lower case letters, digits and {@code _}). */
    public void createDatabase(String name) {
        client("createdb", plain(name));
    }

    /** Drops the database {@code name} if there is one (closing its connections), and creates it empty. */
    public void recreateDatabase(String name) {
        client("dropdb", "--if-exists", "--force", plain(name));
        client("createdb", name);
    }

    private static String plain(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        return name;
    }

    private void client(String program, String... args) {
        List<String> command = new ArrayList<>(List.of(bin.resolve(program).toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-U", USER));
        command.addAll(List.of(args));
        try {
            run(false, directory == null ? Path.of(System.getProperty("java.io.tmpdir")) : directory, command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server at once (fast shutdown) and deletes the directory. */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        stop(directory, bin);
    }

    private static void stop(Path directory, Path bin) {
        if (Files.exists(data(directory).resolve("postmaster.pid"))) {
            try {
                run(isRoot(), directory, List.of(bin.resolve("pg_ctl").toString(), "-D", data(directory).toString(),
                        "-m", "fast", "-w", "-t", "30", "stop"));
            } catch (IOException e) {
                System.err.println("PostgresCluster: " + e.getMessage());
            }
        }
        delete(directory);
    }

    /** Stops and deletes the clusters of JVMs that are gone (killed before their shutdown hook ran). */
    private static void stopAbandoned(Path tmp, Path bin) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path dir : dirs) {
                Path owner = dir.resolve(OWNER);
                long pid;
                try {
                    pid = Long.parseLong(Files.readString(owner).strip());
                } catch (IOException | NumberFormatException e) {
                    continue; // being made, or not ours
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                stop(dir, bin);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path data(Path directory) {
        return directory.resolve("data");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs {@code command} (as {@code postgres} when {@code asPostgres}); its output goes to a log in the directory. */
    private static void run(boolean asPostgres, Path directory, List<String> command) throws IOException {
        List<String> line = new ArrayList<>();
        if (asPostgres) {
            line.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        line.addAll(command);
        Path log = Files.createTempFile(PREFIX + "command", ".log");
        try {
            Process process = new ProcessBuilder(line).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", line) + " did not end in 120 s");
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", line) + " failed (" + process.exitValue() + "): "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + line.get(0), e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("PostgresCluster: could not delete " + directory + ": " + e.getMessage());
        }
    }
}
