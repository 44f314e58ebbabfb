package org.plasmid.examples.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.mapdb.CheckpointPolicy;
import org.plasmid.core.mapdb.MapDbStorage;
import org.plasmid.examples.cli.Cli;
import org.plasmid.examples.client.SyncClient;
import org.plasmid.examples.server.HubLocation;
import org.plasmid.examples.server.ServerSettings;
import org.plasmid.examples.server.Serving;
import org.plasmid.examples.tools.Trees;
import org.plasmid.servlet.PlasmidServlet;
import org.plasmid.servlet.PlasmidServletOptions;

/**
 * The benchmark: fixed workloads W1–W6 with seeded data over real HTTP (an embedded server on a
 * temporary hub, or {@code --url}), or straight into the engine ({@code --engine}) to separate HTTP
 * cost; and W7, thousands of live devices holding long-polls, with the reconnect storm ({@link LiveDevices}). Prints a table of medians over {@code --runs} fresh runs and one {@code BENCH {...}} JSON line.
 *
 * <pre>java -Xmx256m -cp plasmid-examples/target/plasmidctl.jar org.plasmid.examples.bench.Bench</pre>
 */
public final class Bench {
    static final List<String> ALL = List.of("W1", "W2", "W3", "W4", "W5", "W6");
    /** Live devices (and the reconnect storm): not among the defaults, it takes a minute and many sockets. */
    static final String LIVE = "W7";

    /** A run in which the JIT compiled for less than this share of its time ends the warm-up. */
    static final double SETTLED = 0.05;

    private Bench() {
    }

    /** What to run; {@link BenchCommand} reads them from the command line. */
    record Options(List<URI> url, String access, String secret, boolean engine, boolean quick, List<String> workloads,
            int runs, int warmUpRuns, long seed, Path dir, boolean noCheckpoints, LiveRun live) {
    }

    /**
     * Runs the benchmark and exits: 0 if every run completed, 1 if one failed, 2 for bad usage.
     *
     * @param args the command line ({@code --help} describes it)
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * The main entry without the exit.
     *
     * @param args the command line
     * @param out where the table (or the help) goes
     * @param err where errors go
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.execute(new BenchCommand(out), args, out, err);
    }

    /** Runs the benchmark, prints the table and the JSON line; returns whether every run completed. */
    static boolean run(Options o, PrintStream out) throws Exception {
        Workloads.Sizes sizes = o.quick() ? Workloads.Sizes.QUICK : Workloads.Sizes.FULL;
        int warmUps = warmUp(o, sizes, out);
        List<Map<String, Map<String, Double>>> runs = new ArrayList<>();
        for (int r = 0; r < o.runs(); r++) {
            out.printf("run %d of %d (%s%s)...%n", r + 1, o.runs(), o.engine() ? "engine" : "http",
                    o.quick() ? ", quick" : "");
            Map<String, Map<String, Double>> results = new LinkedHashMap<>();
            if (o.workloads().stream().anyMatch(w -> !w.equals(LIVE))) {
                results.putAll(oneRun(o, sizes, o.seed() + r));
            }
            if (o.live() != null) {
                results.putAll(o.live().run(o, o.seed() + r, out));
            }
            runs.add(results);
        }
        Report.print(out, o, warmUps, runs);
        return true;
    }

    /**
     * Runs W1..W6 (those chosen) unmeasured until the JIT compiler has settled: a run in which it spent
     * under {@value #SETTLED} of the run's time compiling, or {@link Options#warmUpRuns()} runs. Without
     * it the first minute's runs on 2 cores measure the compiler as much as the server (it took a third
     * of the CPU, and W1's CPU per object halved once it was done).
     */
    private static int warmUp(Options o, Workloads.Sizes sizes, PrintStream out) throws Exception {
        if (o.warmUpRuns() == 0 || o.workloads().stream().allMatch(w -> w.equals(LIVE))) {
            return 0;
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        for (int r = 0; r < o.warmUpRuns(); r++) {
            long compiled = jit.getTotalCompilationTime();
            long start = System.nanoTime();
            oneRun(o, sizes, o.seed() - 1 - r);
            double share = (jit.getTotalCompilationTime() - compiled) / ((System.nanoTime() - start) / 1e6);
            out.printf("warm-up run %d (not measured): the JIT compiled for %.0f %% of it%n", r + 1, share * 100);
            if (share < SETTLED) {
                return r + 1;
            }
        }
        return o.warmUpRuns();
    }

    private static Map<String, Map<String, Double>> oneRun(Options o, Workloads.Sizes sizes, long seed)
            throws Exception {
        Path hubDir = Files.createTempDirectory(o.dir(), "plasmid-bench-");
        PlasmidHub hub = null;
        Serving server = null;
        Target target;
        CheckpointPolicy policy = o.noCheckpoints() ? CheckpointPolicy.disabled() : CheckpointPolicy.defaults();
        try {
            if (o.url() != null) {
                target = new HttpTarget(o.url(), 0, o.access(), o.secret());
            } else if (o.engine()) {
                hub = PlasmidHub.builder().storage(MapDbStorage.open(hubDir.resolve("hub"), policy), true).build();
                target = new EngineTarget(hub);
            } else {
                String secret = java.util.UUID.randomUUID().toString();
                try (PlasmidHub setUp = PlasmidHub.open(hubDir.resolve("hub"))) {
                    setUp.accounts().setSecret("bench", secret);
                    setUp.accounts().grant("bench", "*", "*", "Yes");
                }
                // served as plasmidctl serves it: Jetty writes the access log on a thread of its own, the
                // servlet's (a synchronous line on each request's thread) is off
                PlasmidServletOptions options = PlasmidServletOptions.builder().requestLog(false).build();
                server = Serving.start(HubLocation.directory(hubDir.resolve("hub"), policy), new ServerSettings("127.0.0.1", 0, null, -1, "127.0.0.1",
                        -1, true, false), h -> new PlasmidServlet(h, options), Duration.ofSeconds(5), null);
                target = new HttpTarget(server.apiUri(), "bench", secret);
            }
            Workloads w = new Workloads(target, sizes, seed, hubDir);
            w.warmUp();
            Map<String, Map<String, Double>> results = new LinkedHashMap<>();
            for (String name : o.workloads()) {
                if (name.equals(LIVE)) {
                    continue; // its own server: LiveRun
                }
                results.put(name, switch (name) {
                    case "W1" -> w.w1();
                    case "W2" -> w.w2();
                    case "W3" -> w.w3();
                    case "W4" -> w.w4();
                    case "W5" -> w.w5();
                    case "W6" -> w.w6();
                    default -> throw new IllegalStateException(name);
                });
            }
            return results;
        } finally {
            if (server != null) {
                server.stop();
            }
            if (hub != null) {
                hub.close();
            }
            Trees.delete(hubDir);
        }
    }

    static ObjectNode machine() {
        ObjectNode m = SyncClient.JSON.createObjectNode();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / 1048576);
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }
}
