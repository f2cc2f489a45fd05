import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.util.*;

/**
 * Shares of JFR execution samples: {@code java JfrShares.java file.jfr top} (by package of the running method, and
 * Moat methods inclusive) or {@code java JfrShares.java file.jfr tree <class.method> <depth> <min %>} (what the
 * named method calls). With the environment variable FROM (epoch ms) only samples from then on count.
 */
public class JfrShares {
    public static void main(String[] a) throws Exception {
        List<List<String>> stacks = new ArrayList<>();
        try (RecordingFile f = new RecordingFile(Path.of(a[0]))) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
                if (System.getenv("FROM") != null && e.getStartTime().toEpochMilli() < Long.parseLong(System.getenv("FROM"))) continue;
                RecordedStackTrace st = e.getStackTrace();
                List<String> names = new ArrayList<>();
                if (st != null) for (RecordedFrame fr : st.getFrames()) names.add(fr.getMethod().getType().getName() + "." + fr.getMethod().getName());
                stacks.add(names);
            }
        }
        int n = stacks.size();
        System.out.println("samples " + n);
        if (a[1].equals("top")) {
            Map<String, Integer> pkg = new HashMap<>(), incl = new HashMap<>();
            for (List<String> s : stacks) {
                if (!s.isEmpty()) { String[] p = s.get(0).split("\\."); pkg.merge(p[0] + "." + p[1] + (p.length > 3 ? "." + p[2] : ""), 1, Integer::sum); }
                for (String x : new HashSet<>(s)) if (x.startsWith("io.moat") && !x.contains("Proxy") && !x.contains("ambda")) incl.merge(x, 1, Integer::sum);
            }
            print(pkg, n, 25); System.out.println("--"); print(incl, n, 45);
        } else {
            String anchor = a[2]; int depth = Integer.parseInt(a[3]); double min = Double.parseDouble(a[4]);
            Map<List<String>, Integer> tree = new HashMap<>();
            for (List<String> s : stacks) {
                int i = s.indexOf(anchor); if (i < 0) continue;
                List<String> path = new ArrayList<>(s.subList(0, i)); Collections.reverse(path);
                path.replaceAll(x -> { String[] p = x.split("\\."); return p[p.length - 2] + "." + p[p.length - 1]; });
                for (int k = 1; k <= Math.min(depth, path.size()); k++) tree.merge(new ArrayList<>(path.subList(0, k)), 1, Integer::sum);
            }
            show(tree, List.of(), n, min);
        }
    }
    static void show(Map<List<String>, Integer> tree, List<String> prefix, int n, double min) {
        tree.entrySet().stream().filter(e -> e.getKey().size() == prefix.size() + 1 && e.getKey().subList(0, prefix.size()).equals(prefix))
            .sorted((x, y) -> y.getValue() - x.getValue()).forEach(e -> {
                if (e.getValue() * 100.0 / n < min) return;
                System.out.printf("%s%5.1f%% %s%n", "  ".repeat(prefix.size()), e.getValue() * 100.0 / n, e.getKey().get(e.getKey().size() - 1));
                show(tree, e.getKey(), n, min);
            });
    }
    static void print(Map<String, Integer> m, int n, int lim) {
        m.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(lim).forEach(e -> System.out.printf("%5.1f%% %s%n", e.getValue() * 100.0 / n, e.getKey()));
    }
}
