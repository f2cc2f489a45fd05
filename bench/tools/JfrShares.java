import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Shares of JFR execution samples (see bench/README.md, "Profiling"):
 * <ul>
 * <li>{@code java JfrShares.java file.jfr top}: by package of the running method, then Moat's methods inclusive;
 * <li>{@code java JfrShares.java file.jfr tree <class.method> <depth> <min %>}: what the named method calls.
 * </ul>
 * With the environment variable FROM (epoch milliseconds), only samples from then on count.
 */
public class JfrShares {

    public static void main(String[] args) throws Exception {
        List<List<String>> stacks = samples(Path.of(args[0]), System.getenv("FROM"));
        System.out.println("samples " + stacks.size());
        if (args[1].equals("top")) {
            top(stacks);
        } else {
            tree(stacks, args[2], Integer.parseInt(args[3]), Double.parseDouble(args[4]));
        }
    }

    /** Each sample's stack, innermost frame first, as class.method. */
    private static List<List<String>> samples(Path file, String from) throws Exception {
        long since = from == null ? Long.MIN_VALUE : Long.parseLong(from);
        List<List<String>> stacks = new ArrayList<>();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")
                        || e.getStartTime().toEpochMilli() < since) {
                    continue;
                }
                List<String> names = new ArrayList<>();
                if (e.getStackTrace() != null) {
                    for (RecordedFrame frame : e.getStackTrace().getFrames()) {
                        names.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
                    }
                }
                stacks.add(names);
            }
        }
        return stacks;
    }

    private static void top(List<List<String>> stacks) {
        Map<String, Integer> byPackage = new HashMap<>();
        Map<String, Integer> moatInclusive = new HashMap<>();
        for (List<String> stack : stacks) {
            if (!stack.isEmpty()) {
                String[] parts = stack.get(0).split("\\.");
                String pkg = parts[0] + "." + parts[1] + (parts.length > 3 ? "." + parts[2] : "");
                byPackage.merge(pkg, 1, Integer::sum);
            }
            for (String method : new HashSet<>(stack)) {
                if (method.startsWith("io.moat") && !method.contains("Proxy") && !method.contains("ambda")) {
                    moatInclusive.merge(method, 1, Integer::sum);
                }
            }
        }
        print(byPackage, stacks.size(), 25);
        System.out.println("--");
        print(moatInclusive, stacks.size(), 45);
    }

    private static void tree(List<List<String>> stacks, String anchor, int depth, double minPercent) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (List<String> stack : stacks) {
            int at = stack.indexOf(anchor);
            if (at < 0) {
                continue;
            }
            List<String> path = new ArrayList<>(stack.subList(0, at));
            Collections.reverse(path);
            path.replaceAll(JfrShares::shortName);
            for (int k = 1; k <= Math.min(depth, path.size()); k++) {
                counts.merge(new ArrayList<>(path.subList(0, k)), 1, Integer::sum);
            }
        }
        show(counts, List.of(), stacks.size(), minPercent);
    }

    private static String shortName(String method) {
        String[] parts = method.split("\\.");
        return parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    private static void show(Map<List<String>, Integer> counts, List<String> prefix, int total, double minPercent) {
        counts.entrySet().stream()
                .filter(e -> e.getKey().size() == prefix.size() + 1
                        && e.getKey().subList(0, prefix.size()).equals(prefix))
                .sorted((x, y) -> y.getValue() - x.getValue())
                .forEach(e -> {
                    double percent = e.getValue() * 100.0 / total;
                    if (percent >= minPercent) {
                        System.out.printf("%s%5.1f%% %s%n", "  ".repeat(prefix.size()), percent,
                                e.getKey().get(e.getKey().size() - 1));
                        show(counts, e.getKey(), total, minPercent);
                    }
                });
    }

    private static void print(Map<String, Integer> counts, int total, int limit) {
        counts.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(limit)
                .forEach(e -> System.out.printf("%5.1f%% %s%n", e.getValue() * 100.0 / total, e.getKey()));
    }
}
