package org.plasmid.examples.tools.torture;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.plasmid.examples.cli.Cli;
import org.plasmid.examples.cli.SizeConverter;
import org.plasmid.examples.client.SimulatedDevice;
import org.plasmid.examples.client.SyncClient;
import org.plasmid.examples.tools.ServerProcess;
import org.plasmid.examples.tools.Trees;

/**
 * The crash torture: runs the real {@code plasmidctl.jar} server as a child process on a temporary hub,
 * lets simulated devices sync against it over HTTP, kills the server with SIGKILL at a random moment,
 * restarts it, and checks that no acknowledged push was lost, no push is partial, revisions have no
 * gaps, and every device converges to the server's clone. With {@code --jdbc-url} it runs two nodes on
 * PostgreSQL, the devices spread over both, and kills one of them in each trial, in turn, while the other
 * serves on. {@code --help} and the README say more.
 *
 * <pre>java -cp plasmid-examples/target/plasmidctl.jar org.plasmid.examples.tools.torture.CrashTorture --trials 20</pre>
 */
public final class CrashTorture {
    /** Exit code: every check passed. */
    public static final int OK = Cli.OK;
    /** Exit code: a check failed, or the torture could not run. */
    public static final int FAILED = Cli.FAILED;
    /** Exit code: the command line is wrong. */
    public static final int USAGE = Cli.USAGE;

    private static final String ACCESS = "torture";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** Options of the server JVM: quick to start, small, and without a log line per request. */
    private static final List<String> SERVER_JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.log.org.plasmid.servlet.RequestLog=warn",
            "-Dorg.slf4j.simpleLogger.log.org.plasmid.access=warn");

    /**
     * What to run.
     *
     * @param trials kills and restarts
     * @param devices simulated devices
     * @param seed the schedule's seed
     * @param maxRun the longest time a trial lets the devices work before the kill
     * @param jar the plasmidctl jar
     * @param jdbcUrl with PostgreSQL: the URL two nodes share (one of them killed in each trial, in turn); null
     *     for one server on a temporary MapDB hub
     * @param checkpointEvery on MapDB: the server's {@code --checkpoint-every} in bytes, 0 for its default
     */
    record Options(int trials, int devices, long seed, Duration maxRun, Path jar, String jdbcUrl,
            long checkpointEvery) {
    }

    /** What the server logs for each checkpoint it records (plasmid-core's MapDB storage). */
    static final String CHECKPOINT_LOGGED = "checkpoint at journal position";

    private final Options options;
    private final PrintStream out;
    private final List<String> errors = new ArrayList<>();
    private final Map<TortureAudit.Batch, TortureAudit.Ack> acks = new ConcurrentHashMap<>();
    private final String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final List<TortureDevice> devices = new ArrayList<>();
    /** One server on a MapDB hub; two nodes on PostgreSQL. */
    private final List<ServerProcess> servers = new ArrayList<>();
    /** The database the devices share (on PostgreSQL a new one each run, so earlier runs do not matter). */
    private final String db;
    private Path work;
    private SyncClient admin;
    /** Checkpoints logged by the server processes that were killed or stopped so far. */
    private long checkpoints;

    private CrashTorture(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.db = options.jdbcUrl() == null ? "torture" : "torture-" + Long.toHexString(options.seed()) + "-"
                + Long.toHexString(System.nanoTime());
    }

    /**
     * Runs the torture and exits: 0 if every check passed, 1 if not, 2 for bad usage.
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
     * @param err where usage errors go
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.execute(new TortureCommand(out), args, out, err);
    }

    /**
     * Runs the torture with these options, printing the table as it goes.
     *
     * @param options what to run
     * @param out where the table goes
     * @return what happened
     */
    static TortureReport run(Options options, PrintStream out) {
        return new CrashTorture(options, out).torture();
    }

    private TortureReport torture() {
        Random schedule = new Random(options.seed());
        List<TortureReport.Trial> trials = new ArrayList<>();
        out.println("Plasmid crash torture: " + options.trials() + " trials, " + options.devices() + " devices, seed "
                + options.seed() + " (the same schedule again: --seed " + options.seed() + ")"
                + (options.checkpointEvery() > 0 ? ", a checkpoint every "
                        + SizeConverter.format(options.checkpointEvery()) + " of journal" : ""));
        try {
            if (!Files.isRegularFile(options.jar())) {
                throw new IOException("there is no plasmidctl jar at " + options.jar().toAbsolutePath()
                        + " (build it with mvn package, or name it with --jar)");
            }
            work = Files.createTempDirectory("plasmid-torture-");
            ServerProcess.admin(options.jar(), work, hubArgs("--set-secret", ACCESS, secret));
            ServerProcess.admin(options.jar(), work, hubArgs("--grant-permission", ACCESS, "*", "*"));
            int nodes = options.jdbcUrl() == null ? 1 : 2;
            for (int n = 0; n < nodes; n++) {
                servers.add(ServerProcess.start(options.jar(), work, SERVER_JVM, serverArgs(0), START_TIMEOUT));
                out.println("server " + (n + 1) + ": java -jar " + options.jar().toAbsolutePath() + ", "
                        + (options.jdbcUrl() == null ? "hub " + work.resolve("hub") : "PostgreSQL, database " + db)
                        + ", API " + servers.get(n).api());
            }
            admin = new SyncClient(servers.get(0).api(), ACCESS, secret);
            for (int i = 0; i < options.devices(); i++) {
                devices.add(new TortureDevice(i, new SyncClient(servers.get(i % nodes).api(), ACCESS, secret), db,
                        new Random(schedule.nextLong()), acks));
            }
            out.println(TortureReport.HEADER);
            for (int t = 1; t <= options.trials(); t++) {
                TortureReport.Trial trial = trial(t, 100 + schedule.nextInt((int) options.maxRun().toMillis() - 99));
                trials.add(trial);
                out.println(trial.row());
                out.flush();
            }
            finalAudit();
            for (ServerProcess server : servers) {
                int exit = server.terminate(Duration.ofSeconds(60));
                checkpoints += logged(server);
                if (exit != 0) {
                    errors.add("the server exited with " + exit + " on SIGTERM at the end");
                }
            }
            if (options.jdbcUrl() == null) {
                verifyHub();
            }
        } catch (IOException | UncheckedIOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            errors.add("the torture could not go on: " + e.getMessage());
        } finally {
            servers.forEach(ServerProcess::close);
        }
        TortureReport report = new TortureReport(options.seed(), trials, List.copyOf(errors));
        boolean keep = !report.passed() && !trials.isEmpty(); // a hub that was tortured and failed is evidence
        report.print(out, keep ? work : null);
        if (!keep && work != null) {
            Trees.delete(work);
        }
        return report;
    }

    private List<String> serverArgs(int port) {
        List<String> args = hubArgs("--host", "127.0.0.1", "--port", Integer.toString(port));
        if (options.checkpointEvery() > 0) {
            args.addAll(List.of("--checkpoint-every", SizeConverter.format(options.checkpointEvery())));
        }
        return args;
    }

    private static long logged(ServerProcess server) {
        String log = server.log();
        long n = 0;
        for (int i = log.indexOf(CHECKPOINT_LOGGED); i >= 0; i = log.indexOf(CHECKPOINT_LOGGED, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * After the last clean stop: plasmidctl --verify checks the tortured hub's journal, checkpoints and index
     * (a hub that opens and serves may still hold damage that a later recovery would trip on).
     */
    private void verifyHub() {
        out.println("checkpoints recorded by the servers: " + checkpoints);
        try {
            String report = ServerProcess.admin(options.jar(), work, hubArgs("--verify"));
            out.println("plasmidctl --verify after the last stop: " + report.lines()
                    .filter(l -> l.startsWith("No damage found")).findFirst().orElse("(no verdict)"));
        } catch (IOException e) {
            errors.add("plasmidctl --verify after the last stop: " + e.getMessage());
        }
    }

    /** plasmidctl's arguments, after the hub's: a temporary MapDB hub, or the PostgreSQL URL. */
    private List<String> hubArgs(String... args) {
        List<String> all = new ArrayList<>(options.jdbcUrl() == null ? List.of("-p", work.resolve("hub").toString())
                : List.of("--jdbc-url", options.jdbcUrl()));
        all.addAll(List.of(args));
        return all;
    }

    private TortureReport.Trial trial(int number, long runMillis) throws IOException, InterruptedException {
        long ackedBefore = devices.stream().mapToLong(TortureDevice::acknowledged).sum();
        long landedBefore = devices.stream().mapToLong(TortureDevice::landedUnanswered).sum();
        List<String> trialErrors = new ArrayList<>();
        DeviceThreads running = DeviceThreads.start(devices);
        Thread.sleep(runMillis);
        running.killed();
        int victim = number % servers.size(); // on PostgreSQL the nodes take turns; the other serves on
        ServerProcess killed = servers.get(victim);
        killed.kill();
        checkpoints += logged(killed);
        trialErrors.addAll(running.join(Duration.ofSeconds(60)));
        int inDoubt = (int) devices.stream().filter(TortureDevice::inDoubt).count();

        ServerProcess restarted = ServerProcess.start(options.jar(), work, SERVER_JVM, serverArgs(killed.port()),
                START_TIMEOUT);
        servers.set(victim, restarted);
        long restartMillis = restarted.startMillis();

        TortureAudit.Result audit = audit();
        int diverged = 0;
        try {
            for (TortureDevice d : devices) {
                d.recover();
            }
            diverged = diverged(trialErrors);
        } catch (RuntimeException e) {
            trialErrors.add("syncing after the restart failed: " + e.getMessage());
        }
        long acked = devices.stream().mapToLong(TortureDevice::acknowledged).sum() - ackedBefore;
        long landed = devices.stream().mapToLong(TortureDevice::landedUnanswered).sum() - landedBefore;
        errors.addAll(trialErrors.stream().map(e -> "trial " + number + ": " + e).toList());
        errors.addAll(audit.problems().stream().map(e -> "trial " + number + ": " + e).toList());
        return new TortureReport.Trial(number, runMillis, acked, inDoubt, landed, audit, diverged, restartMillis,
                trialErrors.size());
    }

    /** Pulls the whole log through the restarted server and checks it against every acknowledgement. */
    private TortureAudit.Result audit() {
        SyncClient.Response all = admin.pull(db, 1, 0, 0);
        if (all.status() != 200 || !all.body().has("updates")) {
            throw new UncheckedIOException(new IOException("the full pull failed: HTTP " + all.status() + " " + all.body()));
        }
        return TortureAudit.audit(all.body().get("updates"), all.body().get("until").asLong(), Map.copyOf(acks));
    }

    /** After the last trial: the pushes acknowledged while recovering are checked too. */
    private void finalAudit() {
        TortureAudit.Result last = audit();
        if (!last.clean()) {
            errors.add("final audit: " + last.lost() + " lost, " + last.partial() + " partial, " + last.gaps() + " gaps");
            errors.addAll(last.problems().stream().map(e -> "final audit: " + e).toList());
        }
        out.println("final audit: " + last.entries() + " entries, head revision " + last.head() + ", "
                + acks.size() + " acknowledged pushes all present whole: " + (last.clean() ? "yes" : "NO"));
    }

    /** @return how many devices, once synced, differ from the server's clone */
    private int diverged(List<String> trialErrors) {
        for (TortureDevice d : devices) {
            d.pull();
        }
        SyncClient.Response clone = admin.cloneDatabase(db);
        if (clone.status() != 200) {
            throw new UncheckedIOException(new IOException("clone failed: HTTP " + clone.status() + " " + clone.body()));
        }
        Map<String, JsonNode> state = SimulatedDevice.cloneState(clone.body());
        long revision = clone.body().get("revision").asLong();
        int diverged = 0;
        for (TortureDevice d : devices) {
            if (!d.data().equals(state) || d.revision() != revision) {
                diverged++;
                trialErrors.add("device " + d.id() + " diverged: " + d.data().size() + " keys at revision "
                        + d.revision() + ", the server's clone " + state.size() + " keys at revision " + revision);
            }
        }
        return diverged;
    }
}
