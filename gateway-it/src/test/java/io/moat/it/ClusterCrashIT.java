package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import io.moat.devtools.SmtpSink;
import io.moat.it.CrashLoad.Outcome;
import io.moat.testkit.PostgresCluster;
import io.moat.testkit.SmtpClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Two nodes on one PostgreSQL database and one data directory, each on its own address with the same ports (issue
 * #33): messages go to both, one node is killed with SIGKILL halfway and not restarted, and the other finishes its
 * work once its leases ({@code moat.pipeline.lease}, 20 s here) run out. Every message answered {@code 250} arrives,
 * nothing refused arrives, and duplicates are no more than the messages the killed node held at the kill (read from
 * the database at once). Then the killed node starts again and delivers what it is sent. The figures go to
 * {@code target/cluster-crash/report.md}.
 */
@EnabledIfSystemProperty(named = "it.db", matches = "postgresql", disabledReason = "several nodes need PostgreSQL")
class ClusterCrashIT {

    private static final int MESSAGES = Integer.getInteger("it.crash.messages", 2000);
    private static final int SENDERS = 4;
    private static final int WORKERS = 8;
    private static final int SMTP = Cluster.SMTP;
    private static final String A = "127.0.0.2";
    private static final String B = "127.0.0.3";

    private final CrashLoad load = new CrashLoad(MESSAGES, SENDERS);
    private Cluster cluster;
    private SmtpSink sink;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aNodeKilledForGoodLeavesItsMessagesToTheOtherAndRejoinsWhenStarted() throws Exception {
        cluster = new Cluster("cluster-crash");
        sink = cluster.sink;
        List<String> settings = List.of("-Dmoat.pipeline.workers=" + WORKERS, "-Dmoat.pipeline.lease=PT20S");
        ServerProcess nodeA = cluster.node("node-a", A, settings);
        ServerProcess nodeB = cluster.node("node-b", B, settings);
        // one after the other: the first start seeds the settings (the default endpoint, profiles, rule)
        nodeA.start(Duration.ofMinutes(3));
        nodeB.start(Duration.ofMinutes(3));
        Instant started = Instant.now();

        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int first = s;
            // the n-th connection of a sender goes to one node, the next to the other: one that is gone is passed by
            senders.add(pool.submit(() -> load.send(first,
                    n -> new InetSocketAddress((first + n) % 2 == 0 ? A : B, SMTP))));
        }
        await().atMost(Duration.ofMinutes(10)).until(() -> load.accepted() >= MESSAGES / 2);
        nodeA.kill();
        int held = heldBy("node-a");
        // node-b shows node-a as not answering once three heartbeats are missed
        await().atMost(Duration.ofSeconds(60)).until(() -> "NOT_ANSWERING".equals(state("node-a")));
        for (Future<?> sender : senders) {
            sender.get(20, TimeUnit.MINUTES);
        }
        pool.shutdown();

        Instant drained = CrashLoad.awaitNothingPending(Cluster.api(B, ""), Duration.ofMinutes(5));
        CrashLoad.Tally tally = load.tally(sink);
        int stillHeld = heldBy("node-a");

        // the killed node starts again with the same id and takes mail again
        nodeA.start(Duration.ofMinutes(3));
        assertThat(state("node-a")).isEqualTo("UP");
        assertThat(state("node-b")).isEqualTo("UP");
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Mails mail = new Mails().attach("after-" + i + ".txt", "text/plain", ("after " + i).getBytes());
            try (SmtpClient smtp = new SmtpClient(InetAddress.getByName(A), SMTP)) {
                smtp.command("EHLO load.it.test");
                SmtpClient.expect(smtp.command("MAIL FROM:<load@sender.test>"), "250");
                SmtpClient.expect(smtp.command("RCPT TO:<user@example.com>"), "250");
                assertThat(smtp.data(mail.build("load@sender.test", "user@example.com"))).startsWith("250");
            }
            after.add(mail.testId());
        }
        await().atMost(Duration.ofMinutes(2)).until(() -> arrivedOf(after) == after.size());
        report(tally, held, stillHeld, started, drained);

        assertThat(tally.byOutcome().getOrDefault(Outcome.ACCEPTED, 0)).isGreaterThanOrEqualTo(MESSAGES);
        assertThat(held).as("messages node-a held when it was killed").isPositive();
        assertThat(stillHeld).as("messages still leased to the dead node-a once all were final").isZero();
        assertThat(tally.lost()).as("accepted (250) but never delivered").isEmpty();
        assertThat(tally.invented()).as("refused or cut off, yet delivered").isEmpty();
        assertThat(tally.unknownToClient()).as("delivered but never sent").isEmpty();
        assertThat(tally.duplicates()).as("duplicates beyond what the killed node held").isLessThanOrEqualTo(held);
    }

    /** What node-b's REST API says of {@code node}'s state. */
    private static String state(String node) {
        JsonArray nodes = (JsonArray) Api.get(Cluster.api(B, "/nodes"), TestBed.ADMIN_PASSWORD, true).json();
        return nodes.stream().map(JsonValue::asJsonObject).filter(n -> n.getString("id").equals(node))
                .map(n -> n.getString("state")).findFirst().orElse("none");
    }

    /** The messages leased to {@code node} now, read from the database. */
    private int heldBy(String node) throws SQLException {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), PostgresCluster.USER, "");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM moat_message WHERE lease_owner LIKE '" + node
                        + "/%'")) {
            r.next();
            return r.getInt(1);
        }
    }

    private long arrivedOf(List<String> ids) {
        return sink.messages().stream().map(ReceivedMail::data)
                .map(d -> new String(d, StandardCharsets.ISO_8859_1))
                .filter(text -> ids.stream().anyMatch(text::contains)).count();
    }

    private void report(CrashLoad.Tally tally, int held, int stillHeld, Instant started, Instant drained)
            throws IOException {
        Map<Outcome, Integer> byOutcome = tally.byOutcome();
        String report = """
                # Two-node crash test report (PostgreSQL, shared data directory)

                | figure | value |
                |---|---|
                | messages (each retried until accepted, to either node) | %d |
                | attempts | %d |
                | accepted (250) | %d |
                | refused (4xx/5xx at end of DATA) | %d |
                | cut off during DATA | %d |
                | end of DATA sent, no reply (either outcome is right) | %d |
                | messages node-a held at its SIGKILL (the in-flight bound) | %d |
                | messages leased to node-a once all were final | %d |
                | distinct ids at the sink | %d |
                | lost (accepted, not delivered) | %d |
                | invented (refused or cut, yet delivered) | %d |
                | duplicates | %d |
                | duration, start to all final on node-b | %ds |
                """.formatted(MESSAGES, load.attempts.size(), byOutcome.getOrDefault(Outcome.ACCEPTED, 0),
                byOutcome.getOrDefault(Outcome.REFUSED, 0), byOutcome.getOrDefault(Outcome.CUT, 0),
                byOutcome.getOrDefault(Outcome.UNKNOWN, 0), held, stillHeld, tally.arrived().size(),
                tally.lost().size(), tally.invented().size(), tally.duplicates(),
                Duration.between(started, drained).toSeconds());
        Files.createDirectories(cluster.dir);
        Files.writeString(cluster.dir.resolve("report.md"), report);
        System.out.println(report);
    }
}
