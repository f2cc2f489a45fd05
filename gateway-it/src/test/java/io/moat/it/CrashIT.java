package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.devtools.CoreEmulator;
import io.moat.devtools.SmtpSink;
import io.moat.it.CrashLoad.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

    private final Path dir = Path.of(System.getProperty("it.crash.dir", "target/crash"));
    private final CrashLoad load = new CrashLoad(MESSAGES, SENDERS);
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
            InetSocketAddress gatewaySmtp = new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.smtpPort);
            senders.add(pool.submit(() -> load.send(first, connection -> gatewaySmtp)));
        }
        Future<?> chaos = pool.submit(this::chaos);
        for (Future<?> sender : senders) {
            sender.get(20, TimeUnit.MINUTES);
        }
        sending.set(false);
        chaos.get(5, TimeUnit.MINUTES);
        pool.shutdown();

        Instant drained = CrashLoad.awaitNothingPending(gateway.api(""), Duration.ofMinutes(5));
        CrashLoad.Tally tally = load.tally(sink);
        int inFlightBound = kills.get() * WORKERS;
        report(tally, inFlightBound, started, drained);

        assertThat(kills.get()).as("the server was killed").isGreaterThanOrEqualTo(2);
        assertThat(coreOutages.get()).as("Core outages").isPositive();
        assertThat(sinkOutages.get()).as("downstream outages").isPositive();
        assertThat(tally.byOutcome().getOrDefault(Outcome.ACCEPTED, 0)).isGreaterThanOrEqualTo(MESSAGES);
        assertThat(tally.lost()).as("accepted (250) but never delivered").isEmpty();
        assertThat(tally.invented()).as("refused or cut off, yet delivered").isEmpty();
        assertThat(tally.unknownToClient()).as("delivered but never sent").isEmpty();
        assertThat(tally.duplicates()).as("duplicates beyond the deliveries in flight at the kills")
                .isLessThanOrEqualTo(inFlightBound);
    }

    /**
     * While messages are sent, at random moments in turn: kill -9 and restart the server, stop Core for a while,
     * kill again, stop the downstream for a while.
     */
    private Void chaos() throws Exception {
        Random random = new Random();
        for (int event = 0; sending.get(); event++) {
            CrashLoad.pause(1500 + random.nextInt(2500));
            if (!sending.get()) {
                break;
            }
            switch (event % 4) {
                case 0, 2 -> {
                    server.kill();
                    kills.incrementAndGet();
                    CrashLoad.pause(random.nextInt(1500));
                    server.start(Duration.ofMinutes(3));
                }
                case 1 -> {
                    core.stop();
                    coreOutages.incrementAndGet();
                    CrashLoad.pause(1000 + random.nextInt(2000));
                    core.start();
                }
                default -> {
                    sink.stop();
                    sinkOutages.incrementAndGet();
                    CrashLoad.pause(1000 + random.nextInt(2000));
                    sink.start();
                }
            }
        }
        if (coreOutages.get() == 0) {
            core.stop();
            coreOutages.incrementAndGet();
            CrashLoad.pause(1500);
            core.start();
        }
        if (sinkOutages.get() == 0) {
            sink.stop();
            sinkOutages.incrementAndGet();
            CrashLoad.pause(1500);
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

    private void report(CrashLoad.Tally tally, int inFlightBound, Instant started, Instant drained)
            throws IOException {
        Map<Outcome, Integer> byOutcome = tally.byOutcome();
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
                """.formatted(MESSAGES, load.attempts.size(), byOutcome.getOrDefault(Outcome.ACCEPTED, 0),
                byOutcome.getOrDefault(Outcome.REFUSED, 0), byOutcome.getOrDefault(Outcome.CUT, 0),
                byOutcome.getOrDefault(Outcome.UNKNOWN, 0), kills.get(), coreOutages.get(), sinkOutages.get(),
                tally.arrived().size(), tally.lost().size(), tally.invented().size(), tally.duplicates(),
                inFlightBound, Duration.between(started, drained).toSeconds());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), report);
        System.out.println(report);
    }
}
