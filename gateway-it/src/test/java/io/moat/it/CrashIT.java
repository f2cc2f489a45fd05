package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.devtools.CoreEmulator;
import io.moat.devtools.ReceivedMail;
import io.moat.devtools.SmtpSink;
import io.moat.testkit.SmtpClient;
import jakarta.json.JsonArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No mail lost, none invented: a few thousand messages with unique ids go in over SMTP while the server JVM is
 * killed with SIGKILL at random moments and restarted, and Core and the downstream server are stopped and started.
 * At the end every attempt the gateway answered {@code 250} to has arrived at the sink, nothing refused or cut
 * off has, nothing is left in a non-final state, and duplicates are no more than the deliveries that can have been
 * in flight at the kills (RFC 1047). The figures go to {@code target/crash/report.md}.
 */
class CrashIT {

    private static final int MESSAGES = Integer.getInteger("it.crash.messages", 2000);
    private static final int SENDERS = 4;
    private static final int WORKERS = 8;
    private static final Pattern TEST_ID = Pattern.compile("X-Test-Id: ([0-9a-f-]{36})");
    private static final List<String> PENDING = List.of("RECEIVED", "SCANNING", "SCANNED", "QUEUED", "DEFERRED");

    /** What the sending side knows about one attempt. */
    enum Outcome {
        /** 250: the gateway took responsibility. */
        ACCEPTED,
        /** a 4xx/5xx reply to the end of DATA: the gateway refused it. */
        REFUSED,
        /** the connection broke before all of DATA was written: the gateway cannot have it. */
        CUT,
        /** all of DATA was written but no reply came: either way is correct. */
        UNKNOWN
    }

    private final Path dir = Path.of(System.getProperty("it.crash.dir", "target/crash"));
    private final Map<String, Outcome> attempts = new ConcurrentHashMap<>();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final AtomicInteger kills = new AtomicInteger();
    private final AtomicInteger coreOutages = new AtomicInteger();
    private final AtomicInteger sinkOutages = new AtomicInteger();
    private DedicatedGateway gateway;
    private ServerProcess server;
    private CoreEmulator core;
    private SmtpSink sink;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void killedAndRestartedAtRandomTheGatewayLosesNothingAndInventsNothing() throws Exception {
        gateway = DedicatedGateway.start(0, "crash", List.of("-Dmoat.pipeline.workers=" + WORKERS));
        server = gateway.server;
        core = gateway.core;
        sink = gateway.sink;
        Instant started = Instant.now();

        ExecutorService pool = Executors.newFixedThreadPool(SENDERS + 1);
        List<Future<?>> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int first = s;
            senders.add(pool.submit(() -> send(first)));
        }
        Future<?> chaos = pool.submit(this::chaos);
        for (Future<?> sender : senders) {
            sender.get(20, TimeUnit.MINUTES);
        }
        sending.set(false);
        chaos.get(5, TimeUnit.MINUTES);
        pool.shutdown();

        Instant drained = awaitNothingPending(Duration.ofMinutes(5));
        Map<String, Integer> arrived = arrivals();
        Map<Outcome, Integer> byOutcome = new HashMap<>();
        attempts.values().forEach(o -> byOutcome.merge(o, 1, Integer::sum));
        List<String> lost = new ArrayList<>();
        List<String> invented = new ArrayList<>();
        int duplicates = 0;
        for (Map.Entry<String, Outcome> attempt : attempts.entrySet()) {
            int count = arrived.getOrDefault(attempt.getKey(), 0);
            switch (attempt.getValue()) {
                case ACCEPTED -> {
                    if (count == 0) {
                        lost.add(attempt.getKey());
                    }
                }
                case REFUSED, CUT -> {
                    if (count > 0) {
                        invented.add(attempt.getKey() + " (" + attempt.getValue() + ")");
                    }
                }
                case UNKNOWN -> {
                    // the kill fell between the end of DATA and the reply: delivered or not, both are right
                }
            }
            duplicates += Math.max(0, count - 1);
        }
        List<String> unknownToClient = arrived.keySet().stream().filter(id -> !attempts.containsKey(id)).toList();
        int inFlightBound = kills.get() * WORKERS;
        report(byOutcome, arrived, lost, invented, duplicates, inFlightBound, started, drained);

        assertThat(kills.get()).as("the server was killed").isGreaterThanOrEqualTo(2);
        assertThat(coreOutages.get()).as("Core outages").isPositive();
        assertThat(sinkOutages.get()).as("downstream outages").isPositive();
        assertThat(byOutcome.getOrDefault(Outcome.ACCEPTED, 0)).isGreaterThanOrEqualTo(MESSAGES);
        assertThat(lost).as("accepted (250) but never delivered").isEmpty();
        assertThat(invented).as("refused or cut off, yet delivered").isEmpty();
        assertThat(unknownToClient).as("delivered but never sent").isEmpty();
        assertThat(duplicates).as("duplicates beyond the deliveries in flight at the kills")
                .isLessThanOrEqualTo(inFlightBound);
    }

    /** One sending MTA: its share of the messages, each retried (as a new attempt) until it is accepted. */
    private void send(int first) {
        Random random = new Random(first);
        SmtpClient smtp = null;
        for (int n = first; n < MESSAGES; n += SENDERS) {
            boolean accepted = false;
            while (!accepted) {
                Mails mail = new Mails().attach("part-" + n + ".txt", "text/plain", payload(random));
                byte[] bytes = mail.build("load@sender.test", "user" + n % 50 + "@example.com");
                try {
                    if (smtp == null) {
                        smtp = new SmtpClient(gateway.smtpPort);
                        smtp.command("EHLO load.it.test");
                    }
                    if (!smtp.command("MAIL FROM:<load@sender.test>").startsWith("250")
                            || !smtp.command("RCPT TO:<user" + n % 50 + "@example.com>").startsWith("250")) {
                        smtp.command("RSET");
                        pause(200);
                        continue;
                    }
                    attempts.put(mail.testId(), Outcome.CUT);
                    SmtpClient.DataResult result = smtp.dataTracked(bytes);
                    Outcome outcome = result.reply() == null
                            ? (result.allWritten() ? Outcome.UNKNOWN : Outcome.CUT)
                            : result.reply().startsWith("250") ? Outcome.ACCEPTED : Outcome.REFUSED;
                    attempts.put(mail.testId(), outcome);
                    accepted = outcome == Outcome.ACCEPTED;
                    if (result.reply() == null) {
                        smtp = close(smtp);
                        pause(300);
                    } else if (!accepted) {
                        smtp.command("RSET");
                        pause(200);
                    }
                } catch (IOException e) {
                    smtp = close(smtp);
                    pause(300);
                }
            }
        }
        close(smtp);
    }

    /**
     * While messages are sent, at random moments in turn: kill -9 and restart the server, stop Core for a while,
     * kill again, stop the downstream for a while.
     */
    private Void chaos() throws Exception {
        Random random = new Random();
        for (int event = 0; sending.get(); event++) {
            pause(1500 + random.nextInt(2500));
            if (!sending.get()) {
                break;
            }
            switch (event % 4) {
                case 0, 2 -> {
                    server.kill();
                    kills.incrementAndGet();
                    pause(random.nextInt(1500));
                    server.start(Duration.ofMinutes(3));
                }
                case 1 -> {
                    core.stop();
                    coreOutages.incrementAndGet();
                    pause(1000 + random.nextInt(2000));
                    core.start();
                }
                default -> {
                    sink.stop();
                    sinkOutages.incrementAndGet();
                    pause(1000 + random.nextInt(2000));
                    sink.start();
                }
            }
        }
        if (coreOutages.get() == 0) {
            core.stop();
            coreOutages.incrementAndGet();
            pause(1500);
            core.start();
        }
        if (sinkOutages.get() == 0) {
            sink.stop();
            sinkOutages.incrementAndGet();
            pause(1500);
            sink.start();
        }
        while (kills.get() < 2) {
            // a fast sender can finish before the dice said kill twice: kill with the last messages in the queue
            server.kill();
            kills.incrementAndGet();
            server.start(Duration.ofMinutes(3));
        }
        return null;
    }

    private Instant awaitNothingPending(Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
            boolean pending = false;
            for (String state : PENDING) {
                JsonArray page = (JsonArray) Api.get(gateway.api("/messages?limit=1&state=" + state),
                        TestBed.ADMIN_PASSWORD, true).json();
                pending |= !page.isEmpty();
            }
            if (!pending) {
                return Instant.now();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("messages still pending after " + patience);
    }

    private Map<String, Integer> arrivals() {
        Map<String, Integer> arrived = new HashMap<>();
        for (ReceivedMail mail : sink.messages()) {
            Matcher id = TEST_ID.matcher(new String(mail.data(), StandardCharsets.ISO_8859_1));
            if (id.find()) {
                arrived.merge(id.group(1), 1, Integer::sum);
            }
        }
        return arrived;
    }

    private void report(Map<Outcome, Integer> byOutcome, Map<String, Integer> arrived, List<String> lost,
            List<String> invented, int duplicates, int inFlightBound, Instant started, Instant drained)
            throws IOException {
        String report = """
                # Crash test report

                | figure | value |
                |---|---|
                | messages (each retried until accepted) | %d |
                | attempts | %d |
                | accepted (250) | %d |
                | refused (4xx/5xx at end of DATA) | %d |
                | cut off during DATA | %d |
                | end of DATA sent, no reply (either outcome is right) | %d |
                | SIGKILLs of the server | %d |
                | Core outages | %d |
                | downstream outages | %d |
                | distinct ids at the sink | %d |
                | lost (accepted, not delivered) | %d |
                | invented (refused or cut, yet delivered) | %d |
                | duplicates | %d |
                | bound: kills x workers (deliveries that can be in flight) | %d |
                | duration, start to all final | %ds |
                """.formatted(MESSAGES, attempts.size(), byOutcome.getOrDefault(Outcome.ACCEPTED, 0),
                byOutcome.getOrDefault(Outcome.REFUSED, 0), byOutcome.getOrDefault(Outcome.CUT, 0),
                byOutcome.getOrDefault(Outcome.UNKNOWN, 0), kills.get(), coreOutages.get(), sinkOutages.get(),
                arrived.size(), lost.size(),
                invented.size(), duplicates, inFlightBound, Duration.between(started, drained).toSeconds());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), report);
        System.out.println(report);
    }

    private static byte[] payload(Random random) {
        byte[] bytes = new byte[16 * 1024];
        random.nextBytes(bytes);
        return bytes;
    }

    private static SmtpClient close(SmtpClient smtp) {
        if (smtp != null) {
            try {
                smtp.close();
            } catch (IOException e) {
                // the connection is gone either way
            }
        }
        return null;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
