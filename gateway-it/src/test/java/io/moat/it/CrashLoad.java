package io.moat.it;

import io.moat.devtools.ReceivedMail;
import io.moat.devtools.SmtpSink;
import io.moat.testkit.SmtpClient;
import jakarta.json.JsonArray;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sending side of the crash tests ({@link CrashIT}, {@link ClusterCrashIT}): MTAs that send messages with unique
 * ids, each retried as a new attempt until a gateway answers {@code 250}, and what arrived at the sink judged against
 * what each attempt was told (RFC 1047: an attempt without a reply may be delivered or not).
 */
final class CrashLoad {

    private static final List<String> PENDING = List.of("RECEIVED", "SCANNING", "SCANNED", "QUEUED", "DEFERRED");
    private static final Pattern TEST_ID = Pattern.compile("X-Test-Id: ([0-9a-f-]{36})");

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

    /** What arrived, judged against what was sent. */
    record Tally(Map<Outcome, Integer> byOutcome, Map<String, Integer> arrived, List<String> lost,
            List<String> invented, int duplicates, List<String> unknownToClient) {
    }

    final Map<String, Outcome> attempts = new ConcurrentHashMap<>();
    private final int messages;
    private final int senders;

    CrashLoad(int messages, int senders) {
        this.messages = messages;
        this.senders = senders;
    }

    /** The attempts answered {@code 250} so far. */
    long accepted() {
        return attempts.values().stream().filter(o -> o == Outcome.ACCEPTED).count();
    }

    /**
     * One sending MTA: its share of the messages, each retried (as a new attempt) until it is accepted.
     *
     * @param first  which share (0 to senders - 1)
     * @param target where its n-th connection goes (a sender moves on to the next target when one fails)
     */
    void send(int first, IntFunction<InetSocketAddress> target) {
        Random random = new Random(first);
        SmtpClient smtp = null;
        int connections = first;
        for (int n = first; n < messages; n += senders) {
            boolean accepted = false;
            while (!accepted) {
                Mails mail = new Mails().attach("part-" + n + ".txt", "text/plain", payload(random));
                byte[] bytes = mail.build("load@sender.test", "user" + n % 50 + "@example.com");
                try {
                    if (smtp == null) {
                        InetSocketAddress to = target.apply(connections++);
                        smtp = new SmtpClient(to.getAddress(), to.getPort());
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

    /** What arrived at {@code sink}, judged. */
    Tally tally(SmtpSink sink) {
        Map<String, Integer> arrived = new HashMap<>();
        for (ReceivedMail mail : sink.messages()) {
            Matcher id = TEST_ID.matcher(new String(mail.data(), StandardCharsets.ISO_8859_1));
            if (id.find()) {
                arrived.merge(id.group(1), 1, Integer::sum);
            }
        }
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
        return new Tally(byOutcome, arrived, lost, invented, duplicates, unknownToClient);
    }

    /** Waits until the gateway whose REST API is at {@code api} ({@code .../api/v1}) holds no message in work. */
    static Instant awaitNothingPending(String api, Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
            boolean pending = false;
            for (String state : PENDING) {
                JsonArray page = (JsonArray) Api.get(api + "/messages?limit=1&state=" + state, TestBed.ADMIN_PASSWORD,
                        true).json();
                pending |= !page.isEmpty();
            }
            if (!pending) {
                return Instant.now();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("messages still pending after " + patience);
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

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
