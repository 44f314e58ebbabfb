package org.plasmid.examples.tools.torture;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.plasmid.examples.cli.Cli;
import org.plasmid.examples.cli.ManifestVersion;
import org.plasmid.examples.cli.DurationConverter;
import org.plasmid.examples.cli.SizeConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The crash torture's command line: its options, their defaults, and its help. */
@Command(name = "CrashTorture",
        customSynopsis = "java -cp plasmidctl.jar org.plasmid.examples.tools.torture.CrashTorture [OPTIONS]",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 90, // the synopsis, a class name, on one line
        versionProvider = ManifestVersion.class,
        sortOptions = false,
        description = {
            "",
            "Crash torture: starts the real plasmidctl.jar server (java -jar, a child process) on a temporary hub, "
                    + "lets simulated devices sync with it over HTTP on 127.0.0.1 (each pushes batches from its own "
                    + "last_revision, on outofdate catches up from the refusal or pulls, and retries, with a push_id), kills the server with SIGKILL "
                    + "at a random moment, restarts it, and after every trial checks that: the hub opens (the server "
                    + "restarts); every acknowledged push is present whole at its revision; no push is partial; "
                    + "revisions 2..head have no gaps; every device, once it has synced again, holds exactly the "
                    + "server's clone. A push whose answer was lost may be there or not, but only whole."},
        optionListHeading = "%nOptions:%n",
        footer = {
            "",
            "Output: one row per trial; \"lost\", \"partial\", \"gaps\" and \"diverged\" must be 0. The temporary "
                    + "hub is deleted when every check passes, and kept (path printed) otherwise."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every check passed", "1:a check failed, or the torture could not run", "2:bad usage"})
final class TortureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "20",
            description = "kills and restarts (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "4",
            description = "simulated devices syncing concurrently (default: ${DEFAULT-VALUE})")
    int devices;

    @Option(names = "--seed", paramLabel = "S",
            description = "seed of the schedule (kill moments, batch sizes); default random, always printed: the "
                    + "same seed replays the same schedule")
    Long seed;

    @Option(names = "--max-run", paramLabel = "D", defaultValue = "1500ms", converter = DurationConverter.class,
            description = "each trial kills the server after a random 100ms..D (default: ${DEFAULT-VALUE})")
    Duration maxRun;

    @Option(names = "--jar", paramLabel = "PATH",
            description = "the plasmidctl jar to run (default: plasmid-examples/target/plasmidctl.jar, else the "
                    + "jar this tool runs from)")
    Path jar;

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "torture two nodes on PostgreSQL instead (plasmidctl --jdbc-url URL; the password in "
                    + "PLASMID_DB_PASSWORD): devices spread over both, one node killed in each trial, in turn; the "
                    + "devices use a new database each run")
    String jdbcUrl;

    @Option(names = "--checkpoint-every", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "MapDB only: start the server with plasmidctl --checkpoint-every SIZE, forcing frequent "
                    + "checkpoints and journal compaction (such as 64KiB; default: the server's own policy)")
    Long checkpointEvery;

    private final PrintStream out;

    /** @param out where the table goes */
    TortureCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        if (checkpointEvery != null && jdbcUrl != null) {
            throw new ParameterException(spec.commandLine(), "--checkpoint-every applies to a MapDB hub, not to "
                    + "--jdbc-url");
        }
        CrashTorture.Options options = new CrashTorture.Options(Cli.inRange(spec, "--trials", trials, 1, 100_000),
                Cli.inRange(spec, "--devices", devices, 1, 64),
                seed != null ? seed : new SecureRandom().nextLong(),
                DurationConverter.inRange(spec, "--max-run", maxRun, Duration.ofMillis(200), Duration.ofMinutes(10)),
                jar != null ? jar : defaultJar(), jdbcUrl, checkpointEvery == null ? 0
                        : SizeConverter.inRange(spec, "--checkpoint-every", checkpointEvery, 4L << 10, 1L << 30));
        return CrashTorture.run(options, out).passed() ? Cli.OK : Cli.FAILED;
    }

    private static Path defaultJar() {
        Path built = Path.of("plasmid-examples", "target", "plasmidctl.jar");
        if (Files.isRegularFile(built)) {
            return built;
        }
        try {
            Path self = Path.of(CrashTorture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self) && self.getFileName().toString().endsWith(".jar")) {
                return self;
            }
        } catch (Exception e) {
            // no code source to go by; the default is reported missing when used
        }
        return built;
    }
}
