package io.moat.it;

import io.moat.devtools.DevTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The devtools' Core emulator as an OS process of its own ({@link DevTools#main}, from the devtools jar on this test's
 * class path, with the system properties {@code bench/run.sh} gives it), for tests of what a Core server going away
 * does: {@link #kill()} sends SIGKILL, no shutdown hook runs. What it scanned is read from its own log (one line per
 * accepted submission, {@code Core: data_id=... file=...}), never from this JVM. Its SMTP sink takes a free port and
 * writes no files.
 */
final class EmulatorProcess implements AutoCloseable {

    private static final Pattern SUBMISSION = Pattern.compile("Core: data_id=(\\S+) file=(\\S+) size=");
    private static final String READY = "MetaDefender Core emulator: ";

    private final int port;
    private final Path log;
    private final Process process;

    private EmulatorProcess(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts the emulator on 127.0.0.1:{@code port}, requiring {@code apiKey}, answering at once, its output (stdout
     * and the log on stderr) in {@code log}; returns once it listens.
     */
    static EmulatorProcess start(int port, String apiKey, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), "-Dmoat.devtools.core.port=" + port,
                "-Dmoat.devtools.core.apikey=" + apiKey, "-Dmoat.devtools.core.delay-ms=0",
                "-Dmoat.devtools.sink.port=0", "-Dmoat.devtools.sink.dir=", DevTools.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        EmulatorProcess emulator = new EmulatorProcess(port, log, process);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!emulator.output().contains(READY) || !emulator.listens()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                emulator.close();
                throw new IllegalStateException("the Core emulator process on port " + port + " did not start; its"
                        + " output:\n" + emulator.output());
            }
            Thread.sleep(100);
        }
        return emulator;
    }

    /** The files it accepted, in its own words: file name to data_id, oldest first. */
    Map<String, String> scanned() {
        Map<String, String> files = new LinkedHashMap<>();
        Matcher m = SUBMISSION.matcher(output());
        while (m.find()) {
            files.put(m.group(2), m.group(1));
        }
        return files;
    }

    /** SIGKILL, as a crashed or unplugged server: no shutdown hook, no clean close of its connections. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the Core emulator process on port " + port + " outlived SIGKILL");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Whether something accepts connections on its port. */
    boolean listens() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills it if it still runs; for a finally, whatever the test did. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
