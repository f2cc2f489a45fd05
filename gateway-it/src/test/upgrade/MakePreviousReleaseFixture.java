import io.moat.devtools.CoreEmulator;
import io.moat.devtools.SmtpSink;
import io.moat.devtools.ZipFixtures;
import io.moat.testkit.SmtpClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Makes the data directory of UpgradeIT with the previous release (see make-previous-release-fixture.sh): starts
 * that release's WildFly and EAR on the ports of DedicatedGateway slot 7, with a Core emulator and an SMTP sink on
 * slot 7's ports, brings one message into each state the release had, and stops the server cleanly.
 *
 * <p>
 * Arguments: the WildFly home, the EAR, the work directory (its {@code data} becomes the fixture). Run with the
 * previous release's moat-devtools and moat-testkit on the class path.
 */
public final class MakePreviousReleaseFixture {

    // DedicatedGateway slot 7 (13525 + 1000 * slot, 19080 + 100 * slot, ...) and its API key and admin password
    static final int SMTP = 20525;
    static final int HTTP = 19780;
    static final int CORE = 20008;
    static final int SINK = 20526;
    static final String API_KEY = "dedicated-key";
    static final String ADMIN_PASSWORD = "it-admin-secret";
    static final String CRLF = "\r\n";
    static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    static final HttpClient HTTP_CLIENT = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Path ear = Path.of(args[1]);
        Path work = Path.of(args[2]).toAbsolutePath();
        Path data = work.resolve("data");
        Path base = work.resolve("server");
        CoreEmulator core = CoreEmulator.builder().bindAddress(InetAddress.getLoopbackAddress()).port(CORE)
                .apiKey(API_KEY).build().start();
        SmtpSink sink = SmtpSink.builder().bindAddress(InetAddress.getLoopbackAddress()).port(SINK).build().start();
        copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
        Files.createDirectories(base.resolve("deployments"));
        Files.copy(ear, base.resolve("deployments/moat.ear"), StandardCopyOption.REPLACE_EXISTING);
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/standalone.sh").toString(), "-c",
                "standalone-moat.xml", "-Djboss.server.base.dir=" + base, "-Dmoat.data-dir=" + data,
                "-Dmoat.smtp.port=" + SMTP, "-Dmoat.smtp.bind-address=127.0.0.1", "-Dmoat.http.port=" + HTTP,
                "-Dmoat.https.port=" + (HTTP + 363), "-Dmoat.webhook.port=" + (HTTP + 9),
                "-Dmoat.management.port=" + (19991 + 7), "-Dmoat.core.url=http://127.0.0.1:" + CORE,
                "-Dmoat.core.apikey=" + API_KEY, "-Dmoat.downstream.url=smtp://127.0.0.1:" + SINK,
                "-Dmoat.relay-domains=example.com", "-Dmoat.admin.password=" + ADMIN_PASSWORD,
                "-Dmoat.hostname=gateway.upgrade.test",
                // the deferred message's next attempt is after the stop (seconds later) and past when UpgradeIT runs
                "-Dmoat.delivery.retry-initial=PT1M", "-Dmoat.delivery.retry-max=PT2M",
                // a small limit, so that a small message is quarantined as one that could not be fully inspected
                "-Dmoat.mime.max-parts=5"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("console.log").toFile()));
        builder.environment().put("JAVA_OPTS", "-Xmx256m -Djava.net.preferIPv4Stack=true");
        Process server = builder.start();
        Map<String, String> ids = new LinkedHashMap<>();
        try {
            waitUntilUp(server);

            ids.put("delivered", send("bob@example.com", "delivered", multipart(
                    part("text/plain", "hello.txt", "a clean attachment".getBytes(StandardCharsets.US_ASCII)))));
            ids.put("blocked", send("bob@example.com", "blocked",
                    multipart(part("application/octet-stream", "eicar.com",
                            EICAR.getBytes(StandardCharsets.US_ASCII)))));
            byte[] zip = new ZipFixtures()
                    .encrypted("secret.txt", "held for a password".getBytes(StandardCharsets.US_ASCII), "s3cret",
                            true, false)
                    .build();
            ids.put("password-required", send("bob@example.com", "password-required",
                    multipart(part("application/zip", "secret.zip", zip))));
            List<String> many = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                many.add(part("text/plain", "part" + i + ".txt", ("part " + i).getBytes(StandardCharsets.US_ASCII)));
            }
            ids.put("quarantined", send("bob@example.com", "quarantined", multipart(many.toArray(String[]::new))));
            sink.refuseRecipient("refused@example.com", 550, "5.1.1 no such user");
            ids.put("failed", send("refused@example.com", "failed", multipart(
                    part("text/plain", "note.txt", "refused downstream".getBytes(StandardCharsets.US_ASCII)))));
            sink.refuseRecipient("later@example.com", 451, "4.2.1 mailbox busy, try later");
            ids.put("deferred", send("later@example.com", "deferred", multipart(
                    part("text/plain", "note.txt", "deferred downstream".getBytes(StandardCharsets.US_ASCII)))));
            for (Map.Entry<String, String> e : Map.of("delivered", "DELIVERED", "blocked", "BLOCKED",
                    "password-required", "PASSWORD_REQUIRED", "quarantined", "QUARANTINED", "failed", "FAILED",
                    "deferred", "DEFERRED").entrySet()) {
                awaitState(ids.get(e.getKey()), e.getValue());
            }

            // Core takes a day for what is submitted from now on: the message waits in SCANNING
            core.setDelay(Duration.ofDays(1));
            int before = core.submissions();
            ids.put("scanning", send("bob@example.com", "scanning", multipart(
                    part("text/plain", "slow.txt", "scanned slowly".getBytes(StandardCharsets.US_ASCII)))));
            awaitState(ids.get("scanning"), "SCANNING");
            awaitTrue(() -> core.submissions() > before, "the scanning message's submission");
            core.setDelay(Duration.ZERO);

            // in flight: scanned at once, then its delivery hangs on a downstream that never greets; the server is
            // stopped during it
            sink.stop();
            List<Socket> held = new CopyOnWriteArrayList<>();
            try (ServerSocket silent = new ServerSocket(SINK, 50, InetAddress.getLoopbackAddress())) {
                Thread acceptor = new Thread(() -> {
                    try {
                        while (true) {
                            held.add(silent.accept());
                        }
                    } catch (IOException closed) {
                        // the socket is closed: done
                    }
                });
                acceptor.setDaemon(true);
                acceptor.start();
                ids.put("in-flight", send("bob@example.com", "in-flight", multipart(
                        part("text/plain", "note.txt", "in flight".getBytes(StandardCharsets.US_ASCII)))));
                awaitTrue(() -> !held.isEmpty(), "the in-flight delivery's connection");
                Thread.sleep(2000);
                System.out.println("in-flight message before the stop: " + state(ids.get("in-flight")));
                server.toHandle().descendants().forEach(ProcessHandle::destroy); // SIGTERM: a clean shutdown
                if (!server.waitFor(20, TimeUnit.SECONDS)) {
                    System.out.println("still stopping after 20 s: the silent downstream hangs up");
                    for (Socket s : held) {
                        s.close();
                    }
                }
                if (!server.waitFor(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the server did not stop within 2 minutes");
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        } finally {
            if (server.isAlive()) {
                server.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly();
            }
            core.stop();
            sink.stop();
        }
        StringBuilder list = new StringBuilder();
        ids.forEach((marker, id) -> list.append(marker).append(' ').append(id).append('\n'));
        Files.writeString(work.resolve("ids.txt"), list.toString());
        System.out.print(list);
    }

    static String part(String type, String fileName, byte[] content) {
        return "Content-Type: " + type + "; name=\"" + fileName + "\"" + CRLF
                + "Content-Disposition: attachment; filename=\"" + fileName + "\"" + CRLF
                + "Content-Transfer-Encoding: base64" + CRLF + CRLF
                + Base64.getMimeEncoder().encodeToString(content) + CRLF;
    }

    static String multipart(String... parts) {
        StringBuilder body = new StringBuilder();
        body.append("--b1").append(CRLF).append("Content-Type: text/plain; charset=us-ascii").append(CRLF).append(CRLF)
                .append("A message of the upgrade fixture.").append(CRLF);
        for (String p : parts) {
            body.append("--b1").append(CRLF).append(p);
        }
        return body.append("--b1--").append(CRLF).toString();
    }

    /** Sends one message with the subject "upgrade-fixture <marker>"; returns its queue id. */
    static String send(String to, String marker, String multipartBody) throws IOException {
        String message = "From: <alice@sender.test>" + CRLF + "To: <" + to + ">" + CRLF
                + "Subject: upgrade-fixture " + marker + CRLF + "Message-ID: <" + marker + "@upgrade-fixture.test>"
                + CRLF + "MIME-Version: 1.0" + CRLF + "Content-Type: multipart/mixed; boundary=b1" + CRLF + CRLF
                + multipartBody;
        String reply = SmtpClient.send(SMTP, "alice@sender.test", List.of(to),
                message.getBytes(StandardCharsets.US_ASCII));
        if (!reply.startsWith("250 ")) {
            throw new IllegalStateException(marker + " not accepted: " + reply);
        }
        return reply.substring(reply.lastIndexOf(' ') + 1).strip();
    }

    static String state(String id) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP_CLIENT.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + HTTP + "/api/v1/messages/" + id)).header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(
                                StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"state\"\\s*:\\s*\"([A-Z_]+)\"").matcher(answer.body());
        return m.find() ? m.group(1) : "HTTP " + answer.statusCode();
    }

    static void awaitState(String id, String state) throws Exception {
        awaitTrue(() -> state.equals(state(id)), id + " in " + state);
    }

    interface Check {
        boolean holds() throws Exception;
    }

    static void awaitTrue(Check check, String what) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        while (!check.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("not reached within 2 minutes: " + what);
            }
            Thread.sleep(250);
        }
    }

    static void waitUntilUp(Process server) throws Exception {
        awaitTrue(() -> {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited; see console.log");
            }
            try (Socket smtp = new Socket("127.0.0.1", SMTP)) {
                return state("none").startsWith("HTTP 4");
            } catch (IOException e) {
                return false;
            }
        }, "the server up");
    }

    static void copyTree(Path from, Path to) throws IOException {
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
