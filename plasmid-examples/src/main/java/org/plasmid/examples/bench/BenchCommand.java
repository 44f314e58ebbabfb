package org.plasmid.examples.bench;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.plasmid.examples.cli.Cli;
import org.plasmid.examples.cli.ManifestVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The benchmark's command line: its options, their defaults, and its help. */
@Command(name = "Bench",
        customSynopsis = "java [-Xmx256m] -cp plasmidctl.jar org.plasmid.examples.bench.Bench [OPTIONS]",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 90, // the synopsis, a class name, on one line
        versionProvider = ManifestVersion.class,
        sortOptions = false,
        description = {
            "",
            "The benchmark: fixed workloads W1..W6 with seeded data over real HTTP (an embedded server on a "
                    + "temporary hub, or --url), or straight into the engine (--engine). Prints a table of medians "
                    + "over --runs fresh runs and one BENCH {...} JSON line.",
            "",
            "W7 (only when named in --workloads): live devices holding long-polls while single-object pushes "
                    + "reach each pair's other device, and with --storm the reconnect storm after a restart."},
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every run completed", "1:a run failed", "2:bad usage"})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--workloads", paramLabel = "W", split = ",", defaultValue = "W1,W2,W3,W4,W5,W6",
            description = "which workloads (default: ${DEFAULT-VALUE}; W2 needs W1; W7 only when named)")
    List<String> workloads;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
            description = "fresh runs; the table shows medians (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warm-up-runs", paramLabel = "N",
            description = "at most this many unmeasured runs of W1..W6 first, ended early once the JIT compiler "
                    + "has settled (it spent under 5 %% of a run compiling): the runs then measure the server, "
                    + "not its compiler (default: 10; 0 with --quick)")
    Integer warmUpRuns;

    @Option(names = "--quick", description = "tiny sizes: a smoke test, not a measurement")
    boolean quick;

    @Option(names = "--engine", description = "call the engine directly instead of over HTTP")
    boolean engine;

    @Option(names = "--no-checkpoints", description = "the benchmark's own hub records no checkpoints (compares the "
            + "cost of checkpointing and compaction, which run by default)")
    boolean noCheckpoints;

    @Option(names = "--url", paramLabel = "URL", split = ",",
            description = "benchmark a running server's API base (with --access and --secret of an account "
                    + "allowed to create databases); several, comma-separated, for nodes that share one hub "
                    + "(PostgreSQL): parallel clients spread over them")
    List<URI> url;

    @Option(names = "--access", paramLabel = "A", description = "the account to use with --url")
    String access;

    @Option(names = "--secret", paramLabel = "S", description = "its secret")
    String secret;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${sys:java.io.tmpdir}",
            description = "where temporary hubs go (default: the system's temporary directory)")
    Path dir;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "data seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    LiveFlags live = new LiveFlags();

    /** Enough for the JIT to settle on W1..W6 over HTTP (it compiles for about a minute on 2 cores). */
    static final int DEFAULT_WARM_UP_RUNS = 10;

    private final PrintStream out;

    /** @param out where the table goes */
    BenchCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        return Bench.run(options(), out) ? Cli.OK : Cli.FAILED;
    }

    /** @return the options, checked together */
    Bench.Options options() {
        List<String> chosen = workloads.stream().map(w -> w.trim().toUpperCase(Locale.ROOT)).toList();
        for (String w : chosen) {
            if (!Bench.ALL.contains(w) && !w.equals(Bench.LIVE)) {
                throw usage("unknown workload " + w + " (use " + String.join(",", Bench.ALL) + "," + Bench.LIVE + ")");
            }
        }
        if (chosen.contains("W2") && !chosen.contains("W1")) {
            throw usage("W2 pulls what W1 pushed: add W1");
        }
        if (url != null && (access == null || secret == null)) {
            throw usage("--url needs --access and --secret");
        }
        if (url != null && engine) {
            throw usage("--url and --engine exclude each other");
        }
        LiveRun w7 = live.check(spec, chosen.contains(Bench.LIVE), quick, url != null, engine);
        int warmUps = warmUpRuns == null ? (quick ? 0 : DEFAULT_WARM_UP_RUNS)
                : Cli.inRange(spec, "--warm-up-runs", warmUpRuns, 0, 1000);
        return new Bench.Options(url, access, secret, engine, quick, chosen, Cli.inRange(spec, "--runs", runs, 1, 1000),
                warmUps, seed, dir, noCheckpoints, w7);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
