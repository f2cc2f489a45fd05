package io.moat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.core.CoreClient;
import io.moat.core.CoreServer;
import io.moat.core.ScanResult;
import io.moat.core.SubmitOptions;
import io.moat.devtools.CoreEmulator;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The A/B of ADR 0026: the Core client over each HTTP exchange against the Core emulator on loopback, in one JVM,
 * the variants alternating (A B B A ...) round after round. Each request is a submit of a spool file and the poll
 * of its result, made by as many threads as the pipeline has workers ({@code moat.pipeline.workers}, 28). Per round
 * and variant: requests per second, p50 and p99 of submit+poll, and the CPU time of the calling threads per request
 * (ThreadMXBean; the emulator's threads are not counted). Not part of the default build:
 *
 * <pre>
 * flock /work/it.lock ./mvnw -o test -pl gateway-core-client -am -Dtest=CoreHttpAbBench \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dmoat.ab=true [-Dmoat.ab.rounds=6] [-Dmoat.ab.seconds=8]
 * </pre>
 *
 * The figures go to standard output and to {@code target/core-http-ab.txt}.
 */
@EnabledIfSystemProperty(named = "moat.ab", matches = "true")
class CoreHttpAbBench {

    private static final int WORKERS = Integer.getInteger("moat.ab.workers", 28);
    private static final int ROUNDS = Integer.getInteger("moat.ab.rounds", 6);
    private static final Duration RUN = Duration.ofSeconds(Integer.getInteger("moat.ab.seconds", 8));
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One variant's figures for one run. */
    private record Figures(double perSecond, double p50Millis, double p99Millis, double cpuMicros) {
    }

    @Test
    void compareTheExchangesUnderThePipelinesConcurrency(@TempDir Path dir) throws Exception {
        Map<String, Function<CoreServer, CoreExchange>> variants = new LinkedHashMap<>();
        variants.put("ours", s -> new CoreHttp(s.baseUri(), null, null, s.requestTimeout()));
        variants.put("hc5", s -> new ApacheCoreHttp(s.baseUri(), null, null, s.requestTimeout()));
        Random random = new Random(26);
        Map<String, Path> sizes = new LinkedHashMap<>();
        for (int kib : new int[]{10, 1024}) {
            byte[] content = new byte[kib * 1024];
            random.nextBytes(content);
            Path file = dir.resolve(kib + "k.bin");
            Files.write(file, content);
            sizes.put(kib == 10 ? "10 KB" : "1 MB", file);
        }

        StringBuilder log = new StringBuilder();
        PrintStream out = System.out;
        try (CoreEmulator core = CoreEmulator.builder().bindAddress(InetAddress.getLoopbackAddress()).build()
                .start()) {
            CoreServer server = new CoreServer(core.baseUri(), CoreEmulator.DEFAULT_API_KEY, null, TIMEOUT);
            Map<String, CoreClient> clients = new LinkedHashMap<>();
            variants.forEach((name, make) -> clients.put(name, new HttpCoreClient(server, make.apply(server))));
            line(out, log, String.format(Locale.ROOT, "workers %d, rounds %d, %d s per run, %d cores", WORKERS,
                    ROUNDS, RUN.toSeconds(), Runtime.getRuntime().availableProcessors()));
            for (Map.Entry<String, Path> size : sizes.entrySet()) {
                for (CoreClient client : clients.values()) {
                    run(client, size.getValue(), RUN, core); // warming up: not counted
                }
                Map<String, List<Figures>> results = new LinkedHashMap<>();
                List<String> names = new ArrayList<>(clients.keySet());
                for (int round = 0; round < ROUNDS; round++) {
                    List<String> order = new ArrayList<>(names);
                    if (round % 2 == 1) {
                        java.util.Collections.reverse(order); // A B, B A, A B ...: neither always goes first
                    }
                    for (String name : order) {
                        Figures f = run(clients.get(name), size.getValue(), RUN, core);
                        results.computeIfAbsent(name, n -> new ArrayList<>()).add(f);
                        line(out, log, String.format(Locale.ROOT,
                                "%-5s round %d %-4s %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  cpu %7.1f us/req",
                                size.getKey(), round + 1, name, f.perSecond(), f.p50Millis(), f.p99Millis(),
                                f.cpuMicros()));
                    }
                }
                for (Map.Entry<String, List<Figures>> r : results.entrySet()) {
                    List<Figures> fs = r.getValue();
                    line(out, log, String.format(Locale.ROOT,
                            "%-5s median %-4s %8.1f req/s (%.1f-%.1f)  p50 %7.2f ms  p99 %7.2f ms (%.2f-%.2f)"
                                    + "  cpu %7.1f us/req (%.1f-%.1f)",
                            size.getKey(), r.getKey(), median(fs, Figures::perSecond), min(fs, Figures::perSecond),
                            max(fs, Figures::perSecond), median(fs, Figures::p50Millis),
                            median(fs, Figures::p99Millis), min(fs, Figures::p99Millis),
                            max(fs, Figures::p99Millis), median(fs, Figures::cpuMicros),
                            min(fs, Figures::cpuMicros), max(fs, Figures::cpuMicros)));
                }
                List<Figures> a = results.get(names.get(0));
                List<Figures> b = results.get(names.get(1));
                double[] ratios = new double[ROUNDS];
                for (int i = 0; i < ROUNDS; i++) {
                    ratios[i] = b.get(i).perSecond() / a.get(i).perSecond();
                }
                Arrays.sort(ratios);
                double middle = ROUNDS % 2 == 1
                        ? ratios[ROUNDS / 2]
                        : (ratios[ROUNDS / 2 - 1] + ratios[ROUNDS / 2]) / 2;
                line(out, log, String.format(Locale.ROOT, "%-5s throughput %s/%s per round: median %.3f (%.3f-%.3f)",
                        size.getKey(), names.get(1), names.get(0), middle, ratios[0], ratios[ROUNDS - 1]));
            }
        }
        Path report = Path.of("target", "core-http-ab.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, log, StandardCharsets.UTF_8);
    }

    private static void line(PrintStream out, StringBuilder log, String line) {
        out.println(line);
        log.append(line).append('\n');
    }

    /** {@link #WORKERS} threads submitting {@code file} and polling its result for {@code length}. */
    private static Figures run(CoreClient client, Path file, Duration length, CoreEmulator core)
            throws InterruptedException {
        core.clear();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(WORKERS);
        long[][] latencies = new long[WORKERS][];
        int[] counts = new int[WORKERS];
        long[] cpuNanos = new long[WORKERS];
        Throwable[] failures = new Throwable[WORKERS];
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            int id = w;
            threads.add(new Thread(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                long cpuStart = cpu.getCurrentThreadCpuTime();
                try {
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        String dataId = client.submit(file, "sample.bin", SubmitOptions.none());
                        ScanResult result = client.fetchResult(dataId);
                        while (!result.complete()) {
                            result = client.fetchResult(dataId);
                        }
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = System.nanoTime() - start;
                    }
                } catch (Throwable t) {
                    failures[id] = t;
                } finally {
                    cpuNanos[id] = cpu.getCurrentThreadCpuTime() - cpuStart;
                    latencies[id] = mine;
                    counts[id] = n;
                    done.countDown();
                }
            }, "ab-worker-" + w));
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        Thread.sleep(length.toMillis());
        stop.set(true);
        done.await();
        long elapsed = System.nanoTime() - start;
        for (Throwable t : failures) {
            if (t != null) {
                throw new AssertionError("a request failed", t);
            }
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int w = 0; w < WORKERS; w++) {
            System.arraycopy(latencies[w], 0, all, at, counts[w]);
            at += counts[w];
        }
        Arrays.sort(all);
        assertThat(total).as("requests made").isPositive();
        return new Figures(total * 1e9 / elapsed, all[total / 2] / 1e6, all[(int) (total * 0.99)] / 1e6,
                Arrays.stream(cpuNanos).sum() / 1e3 / total);
    }

    private static double median(List<Figures> fs, java.util.function.ToDoubleFunction<Figures> f) {
        double[] v = fs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(List<Figures> fs, java.util.function.ToDoubleFunction<Figures> f) {
        return fs.stream().mapToDouble(f).min().orElseThrow();
    }

    private static double max(List<Figures> fs, java.util.function.ToDoubleFunction<Figures> f) {
        return fs.stream().mapToDouble(f).max().orElseThrow();
    }
}
