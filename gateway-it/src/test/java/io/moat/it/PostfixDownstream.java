package io.moat.it;

import io.moat.devtools.ReceivedMail;
import io.moat.devtools.SmtpSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real MTA as the gateway's downstream, for end-to-end tests of outbound TLS: a Postfix instance of the test's own
 * (Debian package postfix; must run as root), with its configuration ({@code etc/}), queue ({@code queue/}), data
 * ({@code data/}) and log ({@code maillog}) under a directory the test gives, e.g. {@code target/postfix/<name>}. It
 * listens on 127.0.0.1 only, with three {@code smtpd}s:
 * <ul>
 * <li>{@link Ports#starttls()}: STARTTLS offered ({@code smtpd_tls_security_level=may}),</li>
 * <li>{@link Ports#smtps()}: implicit TLS ({@code smtpd_tls_wrappermode=yes}),</li>
 * <li>{@link Ports#plain()}: no TLS at all (STARTTLS not offered), and no SMTPUTF8 (RFC 6531), as an MTA of old,</li>
 * </ul>
 * the first two with the key and certificate the test passes in (e.g. made by {@link OpenSsl#issued}), and offering
 * SMTPUTF8 ({@code smtputf8_enable = yes}, as the sink does, so that such mail is relayed intact). All accept
 * mail from 127.0.0.0/8 for any domain and relay it at once, without DNS and without TLS, to {@link #sink}, an
 * {@link SmtpSink} on {@link Ports#sink()} started and stopped with Postfix.
 *
 * <p>Postfix puts its own {@code Received:} header ({@code by downstream.it.test (Postfix) with ESMTPS ...}) on top of
 * each relayed message: {@link #viaTls} and {@link #tlsProtocol} read it, so a test sees whether the gateway's
 * connection to Postfix was encrypted. {@link #tlsConnections()} gives the same from Postfix's log.
 *
 * <p>The default Postfix instance ({@code /etc/postfix}) is neither changed nor started: {@code postfix -c <dir>} run
 * by root needs no {@code alternate_config_directories} entry (only the set-gid {@code postdrop}/{@code postqueue}
 * do, and this fixture uses neither). {@link #start} first stops an instance a crashed earlier run left running in the
 * same directory (found by its configuration directory, also when that was deleted meanwhile), then starts from an
 * empty queue.
 */
final class PostfixDownstream implements AutoCloseable {

    /** {@code myhostname} of the instance, named in its {@code Received:} header. */
    static final String HOSTNAME = "downstream.it.test";

    private static final String POSTFIX = "/usr/sbin/postfix";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Pattern WITH = Pattern.compile("\\(Postfix\\)\\s+with\\s+(\\S+)");
    private static final Pattern USING = Pattern.compile("\\(using\\s+(\\S+)\\s+with cipher");

    /** The loopback ports: Postfix's three listeners, and the sink Postfix relays to. */
    record Ports(int starttls, int smtps, int plain, int sink) {

        /** {@code first} for STARTTLS, then smtps, plain and the sink on the next three. */
        static Ports from(int first) {
            return new Ports(first, first + 1, first + 2, first + 3);
        }
    }

    /** Where Postfix relays to: what it holds is what arrived through Postfix. */
    final SmtpSink sink;
    final Ports ports;
    private final Path dir;
    private final Path config;
    private final Path maillog;

    private PostfixDownstream(Path dir, Ports ports, SmtpSink sink) {
        this.dir = dir;
        this.ports = ports;
        this.sink = sink;
        this.config = dir.resolve("etc");
        this.maillog = dir.resolve("maillog");
    }

    /** {@link #start(Path, Ports, Path, Path, List)} without extra settings. */
    static PostfixDownstream start(Path dir, Ports ports, Path keyPem, Path certificatePem)
            throws IOException, InterruptedException {
        return start(dir, ports, keyPem, certificatePem, List.of());
    }

    /**
     * Writes a fresh instance into {@code dir} (whose parents the {@code postfix} user must be able to traverse; a
     * directory under {@code target/} will do), starts the sink and Postfix, and returns once all four ports accept
     * connections.
     *
     * @param keyPem         the private key (PEM) for STARTTLS and smtps; copied
     * @param certificatePem the certificate, optionally followed by its chain (PEM); copied
     * @param settings       more {@code main.cf} lines ({@code name = value}), e.g.
     *                       {@code smtpd_tls_protocols = >=TLSv1.3}; they win over the fixture's own
     * @throws IOException with Postfix's output and the end of its log, when it does not start
     */
    static PostfixDownstream start(Path dir, Ports ports, Path keyPem, Path certificatePem, List<String> settings)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(POSTFIX))) {
            throw new IOException(POSTFIX + " is missing: install Postfix (Debian: apt-get install postfix)");
        }
        Path home = dir.toAbsolutePath().normalize();
        if (home.toString().contains("'")) {
            throw new IllegalArgumentException("no quote in the Postfix directory, please: " + home);
        }
        SmtpSink sink = SmtpSink.builder().bindAddress(InetAddress.getLoopbackAddress()).port(ports.sink()).build();
        PostfixDownstream postfix = new PostfixDownstream(home, ports, sink);
        postfix.stopPostfix(); // one a crashed run left running here (its JVM gone, Postfix not)
        postfix.writeInstance(keyPem, certificatePem, settings);
        sink.start();
        try {
            Run run = postfix.postfix("start");
            if (run.exitCode() != 0) {
                throw new IOException("postfix -c " + postfix.config + " start failed (" + run.exitCode() + "):\n"
                        + run.output() + "\nend of " + postfix.maillog + ":\n" + postfix.maillogTail());
            }
            postfix.awaitListening();
            return postfix;
        } catch (IOException | InterruptedException | RuntimeException e) {
            try {
                postfix.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The messages at the sink whose raw text contains {@code testId}, oldest first. */
    List<ReceivedMail> delivered(String testId) {
        return sink.messages().stream()
                .filter(m -> new String(m.data(), StandardCharsets.ISO_8859_1).contains(testId)).toList();
    }

    /**
     * Whether the message reached Postfix over TLS: Postfix's {@code Received:} header says {@code with ESMTPS} (or
     * ESMTPSA, UTF8SMTPS), not {@code with ESMTP}.
     *
     * @throws IllegalArgumentException if the message has no {@code Received:} header of this Postfix
     */
    static boolean viaTls(ReceivedMail mail) {
        String received = postfixReceived(mail);
        Matcher with = WITH.matcher(received);
        if (!with.find()) {
            throw new IllegalArgumentException("no \"with <protocol>\" in " + received);
        }
        return with.group(1).toUpperCase(Locale.ROOT).contains("SMTPS");
    }

    /** The TLS version of the connection into Postfix ({@code TLSv1.3}, ...) from its {@code Received:} header. */
    static Optional<String> tlsProtocol(ReceivedMail mail) {
        Matcher using = USING.matcher(postfixReceived(mail));
        return using.find() ? Optional.of(using.group(1)) : Optional.empty();
    }

    /** Postfix's {@code Received:} header of the message, unfolded onto one line. */
    static String postfixReceived(ReceivedMail mail) {
        String text = new String(mail.data(), StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String headers = (end < 0 ? text : text.substring(0, end)).replaceAll("\r?\n[ \t]+", " ");
        return headers.lines()
                .filter(h -> h.regionMatches(true, 0, "Received:", 0, 9))
                .filter(h -> h.contains("by " + HOSTNAME + " (Postfix)"))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Received: header of " + HOSTNAME + " in "
                        + mail));
    }

    /**
     * Postfix's log lines {@code ... TLS connection established from ...}, oldest first. Each names its listener
     * ({@code postfix-it/starttls/smtpd}, {@code postfix-it/smtps/smtpd}) and the protocol and cipher.
     */
    List<String> tlsConnections() throws IOException {
        return maillog().lines().filter(l -> l.contains("TLS connection established from")).toList();
    }

    /** Postfix's whole log so far. */
    String maillog() throws IOException {
        return Files.exists(maillog) ? Files.readString(maillog, StandardCharsets.ISO_8859_1) : "";
    }

    /** The instance's directory. */
    Path dir() {
        return dir;
    }

    /** {@code postfix stop} ({@code abort} if it does not stop), then stops the sink. Received mail is kept. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            stopPostfix();
        } finally {
            sink.stop();
        }
    }

    /**
     * {@code postfix stop}, {@code abort} if that does not do; then SIGTERM (SIGKILL after 10 s) to any master still
     * running with this configuration directory, also one whose directory was deleted under it (e.g. by a
     * {@code clean}): it is known by {@code MAIL_CONFIG} in its environment.
     */
    private void stopPostfix() throws IOException, InterruptedException {
        if (Files.exists(config.resolve("main.cf")) && running()) {
            postfix("stop");
            if (running()) {
                postfix("abort");
            }
        }
        for (ProcessHandle master : masters()) {
            master.destroy();
            try {
                master.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                master.destroyForcibly();
                try {
                    master.onExit().get(10, TimeUnit.SECONDS);
                } catch (TimeoutException | ExecutionException again) {
                    throw new IOException("Postfix master " + master.pid() + " of " + config + " does not end", again);
                }
            }
        }
    }

    /** The Postfix master processes running with this instance's configuration directory. */
    private List<ProcessHandle> masters() {
        String mailConfig = "MAIL_CONFIG=" + config;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().filter(c -> c.endsWith("/postfix/sbin/master")).isPresent())
                .filter(p -> {
                    try {
                        String environment = Files.readString(Path.of("/proc", Long.toString(p.pid()), "environ"),
                                StandardCharsets.ISO_8859_1);
                        return List.of(environment.split("\0")).contains(mailConfig);
                    } catch (IOException e) {
                        return false; // ended meanwhile
                    }
                })
                .toList();
    }

    private boolean running() throws IOException, InterruptedException {
        return postfix("status").exitCode() == 0;
    }

    private void writeInstance(Path keyPem, Path certificatePem, List<String> settings) throws IOException {
        for (String part : List.of("etc", "queue", "data", "maillog")) {
            deleteTree(dir.resolve(part));
        }
        Files.createDirectories(dir);
        requireTraversable(dir);
        Path queue = Files.createDirectories(dir.resolve("queue"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(config);
        Path key = Files.copy(keyPem, config.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path certificate = Files.copy(certificatePem, config.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(queue, PosixFilePermissions.fromString("rwxr-xr-x"));
        UserPrincipal postfixUser = FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByName("postfix");
        Files.setOwner(data, postfixUser); // the queue's subdirectories are made by postfix start itself
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));

        List<String> main = new ArrayList<>(List.of(
                "# written by " + PostfixDownstream.class.getName() + "; rewritten at each start",
                "compatibility_level = 3.6",
                "queue_directory = " + queue,
                "data_directory = " + data,
                "maillog_file = " + maillog,
                "maillog_file_prefixes = " + dir,
                "syslog_name = postfix-it",
                "myhostname = " + HOSTNAME,
                "mydestination =",
                "relay_domains =",
                "inet_interfaces = loopback-only",
                "inet_protocols = ipv4",
                "mynetworks = 127.0.0.0/8",
                "smtpd_relay_restrictions = permit_mynetworks, reject",
                // the gateway's headers stay as it sent them: no rewriting, nothing added but Received:
                "local_header_rewrite_clients =",
                "alias_maps =",
                "alias_database =",
                "local_transport = error:5.1.1 no local delivery here",
                "biff = no",
                "message_size_limit = 209715200",
                "smtpd_peername_lookup = no",
                "smtp_dns_support_level = disabled",
                "relayhost = [127.0.0.1]:" + ports.sink(),
                "smtp_tls_security_level = none",
                "smtpd_tls_security_level = may",
                "smtpd_tls_chain_files = " + key + ", " + certificate,
                "smtpd_tls_loglevel = 1",
                "smtpd_tls_received_header = yes",
                "queue_run_delay = 1s",
                "minimal_backoff_time = 1s",
                "maximal_backoff_time = 2s",
                "smtp_connect_timeout = 5s",
                "smtputf8_enable = yes"));
        main.addAll(settings);
        Files.write(config.resolve("main.cf"), main);
        String listen = "127.0.0.1:%d inet n - n - - smtpd -o syslog_name=postfix-it/%s %s";
        List<String> master = new ArrayList<>(List.of(
                String.format(Locale.ROOT, listen, ports.starttls(), "starttls", "-o smtpd_tls_security_level=may"),
                String.format(Locale.ROOT, listen, ports.smtps(), "smtps",
                        "-o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt"),
                String.format(Locale.ROOT, listen, ports.plain(), "plain",
                        "-o smtpd_tls_security_level=none -o smtputf8_enable=no")));
        // no chroot (n in the fifth column): nothing needs to be copied into the queue directory
        master.addAll(List.of(
                "pickup     unix      n - n 60    1 pickup",
                "cleanup    unix      n - n -     0 cleanup",
                "qmgr       unix      n - n 300   1 qmgr",
                "tlsmgr     unix      - - n 1000? 1 tlsmgr",
                "rewrite    unix      - - n -     - trivial-rewrite",
                "bounce     unix      - - n -     0 bounce",
                "defer      unix      - - n -     0 bounce",
                "trace      unix      - - n -     0 bounce",
                "verify     unix      - - n -     1 verify",
                "flush      unix      n - n 1000? 0 flush",
                "proxymap   unix      - - n -     - proxymap",
                "proxywrite unix      - - n -     1 proxymap",
                "smtp       unix      - - n -     - smtp",
                "relay      unix      - - n -     - smtp",
                "showq      unix      n - n -     - showq",
                "error      unix      - - n -     - error",
                "retry      unix      - - n -     - error",
                "discard    unix      - - n -     - discard",
                "anvil      unix      - - n -     1 anvil",
                "scache     unix      - - n -     1 scache",
                "postlog    unix-dgram n - n -    1 postlogd"));
        Files.write(config.resolve("master.cf"), master);
        // Postfix waits (about 2 s) while main.cf looks freshly written, perhaps half written: make it older
        FileTime past = FileTime.from(Instant.now().minusSeconds(60));
        Files.setLastModifiedTime(config.resolve("main.cf"), past);
        Files.setLastModifiedTime(config.resolve("master.cf"), past);
    }

    /**
     * Postfix's processes run as the {@code postfix} user: every directory above the queue must let it through. The
     * fixture's own directory is opened (a JUnit {@code @TempDir} is 700); its parents are only checked.
     */
    private static void requireTraversable(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path p = dir.getParent(); p != null; p = p.getParent()) {
            PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
            if (view != null && !view.readAttributes().permissions().contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IOException(p + " is not traversable by the postfix user (mode "
                        + PosixFilePermissions.toString(view.readAttributes().permissions())
                        + "); put the Postfix directory elsewhere, e.g. under target/");
            }
        }
    }

    private void awaitListening() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        for (int port : List.of(ports.starttls(), ports.smtps(), ports.plain(), ports.sink())) {
            while (!accepts(port)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("127.0.0.1:" + port + " not listening after " + PATIENCE + "; end of "
                            + maillog + ":\n" + maillogTail());
                }
                Thread.sleep(100);
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String maillogTail() throws IOException {
        List<String> lines = maillog().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** What a {@code postfix} command printed, and its exit code. */
    private record Run(int exitCode, String output) {
    }

    /**
     * {@code postfix -c <etc> <command>}. Postfix writes its messages to stderr only when that is a terminal (else to
     * syslog, which a test machine may not have): so it runs under {@code script(1)}, which gives it one.
     */
    private Run postfix(String command) throws IOException, InterruptedException {
        String line = POSTFIX + " -c '" + config + "' " + command;
        List<String> argv = Files.isExecutable(Path.of("/usr/bin/script"))
                ? List.of("/usr/bin/script", "-qec", line, "/dev/null")
                : List.of("sh", "-c", line);
        Path out = Files.createTempFile(dir, "postfix-", ".out");
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(line + " did not end within 60 s");
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1).replace("\r", ""));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
