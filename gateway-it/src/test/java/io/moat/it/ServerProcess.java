package io.moat.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A WildFly of our own, for tests that must kill the JVM: started with {@code standalone.sh} from the provisioned
 * server, its own base directory, data directory and ports, the EAR in its deployment folder. {@link #kill()}
 * sends SIGKILL to the server JVM, as {@code kill -9} would.
 */
final class ServerProcess {

    private final Path home;
    private final Path base;
    private final List<String> properties;
    private final int smtpPort;
    private final int httpPort;
    /** Where it answers: its node address ({@code -Dmoat.node.address}), else the loopback address. */
    private final String host;
    private Process process;

    ServerProcess(Path home, Path base, Path ear, int smtpPort, int httpPort, List<String> properties)
            throws IOException {
        this.home = home;
        this.base = base;
        this.smtpPort = smtpPort;
        this.httpPort = httpPort;
        this.properties = List.copyOf(properties);
        this.host = nodeAddress(properties).orElse("127.0.0.1");
        copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
        Files.createDirectories(base.resolve("deployments"));
        Files.copy(ear, base.resolve("deployments/moat.ear"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Starts the server and waits until SMTP and the REST API answer. */
    void start(Duration patience) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/standalone.sh").toString(),
                "-c", "standalone-moat.xml", "-Djboss.server.base.dir=" + base));
        command.addAll(properties);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("console.log").toFile()));
        builder.environment().put("JAVA_OPTS", "-Xmx256m -Djava.net.preferIPv4Stack=true");
        process = builder.start();
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + "; see "
                        + base.resolve("console.log"));
            }
            if (answers()) {
                return;
            }
            Thread.sleep(250);
        }
        kill();
        throw new IllegalStateException("server not ready after " + patience + " (killed); see "
                + base.resolve("console.log"));
    }

    /** The node address among server properties ({@code -Dmoat.node.address=...}), if one is given. */
    static Optional<String> nodeAddress(List<String> properties) {
        String key = "-Dmoat.node.address=";
        return properties.stream().filter(p -> p.startsWith(key)).map(p -> p.substring(key.length())).findFirst();
    }

    private boolean answers() {
        try (Socket smtp = new Socket(host, smtpPort)) {
            int status = Api.get("http://" + host + ":" + httpPort + "/api/v1/messages?limit=1", TestBed.ADMIN_PASSWORD,
                    true).status();
            return status == 200 || status == 403; // 403: up, with console HTTPS on (no API over plain HTTP)
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** SIGKILL to the server JVM (and the launching script): no shutdown hook, no clean close of anything. */
    void kill() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.toHandle().descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : all) {
            handle.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    /** SIGTERM: WildFly shuts down cleanly. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.toHandle().descendants().toList());
        all.forEach(ProcessHandle::destroy);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.toString().contains("standalone_xml_history")) {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
