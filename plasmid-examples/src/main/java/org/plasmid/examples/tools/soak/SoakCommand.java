package org.plasmid.examples.tools.soak;

import java.io.PrintStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.plasmid.examples.cli.Cli;
import org.plasmid.examples.cli.ManifestVersion;
import org.plasmid.examples.cli.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The soak's command line: its options, their defaults, and its help. */
@Command(name = "Soak",
        customSynopsis = "java -cp plasmidctl.jar org.plasmid.examples.tools.soak.Soak [OPTIONS]",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 90, // the synopsis, a class name, on one line
        versionProvider = ManifestVersion.class,
        sortOptions = false,
        description = {
            "",
            "Soak/load test: workers (each a simulated device on one of the databases) send a sustained mix of "
                    + "pulls, pushes (on outofdate: catch up from the missed changes the refusal carries, or pull, and retry), long-polls at the head, clones, database info and "
                    + "bad requests that must be refused with a 4xx (malformed JSON, wrong types, bad revision, bad "
                    + "name, bad wait, unknown endpoint, wrong method, wrong secret or unknown account (one every 5 s, "
                    + "below the default throttling of failed logins), no grant). After a warm-up it runs for "
                    + "--duration and reports throughput, p50/p99 latency per kind, answers by status, and, for the "
                    + "embedded server, heap after GC and open file descriptors at the start and the end."},
        optionListHeading = "%nOptions:%n",
        footer = {
            "",
            "Fails (exit 1) on: any 5xx answer; any answer the protocol does not allow for its request (a refused "
                    + "bad request must be exactly its 4xx, with a JSON error); any request without an answer; "
                    + "embedded only, unbounded growth, meaning heap after GC at the end above start + max(64 MiB, "
                    + "50%% of start), or open file descriptors at the end above start + 50.",
            "",
            "Example, against a running plasmidctl:",
            "  --url " + SoakCommand.EXAMPLE_URL + " --access A --secret S --duration 5m"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:a check failed, or the soak could not run", "2:bad usage"})
final class SoakCommand implements Callable<Integer> {
    static final String EXAMPLE_URL = "http://127.0.0.1:8880/plasmid/v1/";

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "60s", converter = DurationConverter.class,
            description = "how long to load after the warm-up (default: ${DEFAULT-VALUE}; 30s, 5m, 1h ...)")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "D", defaultValue = "5s", converter = DurationConverter.class,
            description = "load before the start figures are taken (default: ${DEFAULT-VALUE}, 0 for none)")
    Duration warmup;

    @Option(names = "--url", paramLabel = "API",
            description = "load the server whose API base is API (see the example below) instead of an embedded "
                    + "one; needs "
                    + "--access and --secret of an account that may create, read and write the databases soak-0.. "
                    + "(and create accounts, for the \"no grant\" case). Heap and descriptors are then not measured.")
    String url;

    @Option(names = "--access", paramLabel = "A", description = "the account to use with --url")
    String access;

    @Option(names = "--secret", paramLabel = "S", description = "its secret")
    String secret;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "8",
            description = "concurrent workers (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--databases", paramLabel = "N", defaultValue = "4",
            description = "databases soak-0..soak-N-1 (default: ${DEFAULT-VALUE})")
    int databases;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "500",
            description = "keys per store that pushes edit (default: ${DEFAULT-VALUE}; bounds the data)")
    int keys;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the operation mix (default: random, printed)")
    Long seed;

    private final PrintStream out;

    /** @param out where the report goes */
    SoakCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        return Soak.run(options(), out).passed() ? Cli.OK : Cli.FAILED;
    }

    /** @return the options, checked together */
    Soak.Options options() {
        URI api = null;
        if (url != null) {
            try {
                api = URI.create(url.endsWith("/") ? url : url + "/");
            } catch (IllegalArgumentException e) {
                throw usage("--url needs a URL such as " + EXAMPLE_URL + ", got '" + url + "'");
            }
            if (!"http".equals(api.getScheme()) && !"https".equals(api.getScheme()) || api.getHost() == null) {
                throw usage("--url needs an http(s) URL such as " + EXAMPLE_URL + ", got '" + url + "'");
            }
            if (access == null || secret == null) {
                throw usage("--url needs --access and --secret too");
            }
        } else if (access != null || secret != null) {
            throw usage("--access and --secret go with --url (the embedded server makes its own account)");
        }
        return new Soak.Options(
                DurationConverter.inRange(spec, "--duration", duration, Duration.ofSeconds(1), Duration.ofDays(7)),
                DurationConverter.inRange(spec, "--warmup", warmup, Duration.ZERO, Duration.ofHours(1)),
                api, access != null ? access : Soak.ACCESS, secret,
                Cli.inRange(spec, "--workers", workers, 1, 1000), Cli.inRange(spec, "--databases", databases, 1, 1000),
                Cli.inRange(spec, "--keys", keys, 1, 1_000_000), seed != null ? seed : new SecureRandom().nextLong());
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
