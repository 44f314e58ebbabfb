package org.plasmid.examples.tools.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.plasmid.core.PlasmidHub;
import org.plasmid.examples.cli.Cli;
import org.plasmid.examples.client.SyncClient;
import org.plasmid.examples.server.Serving;
import org.plasmid.examples.cli.DurationConverter;
import org.plasmid.examples.tools.Trees;
import org.plasmid.servlet.PlasmidServlet;

/**
 * The soak: sustained mixed load (pulls, pushes, long-polls, clones, info, bad requests) for a while
 * against a server, by default one embedded in this JVM on a temporary hub, and a report of throughput,
 * latencies, answers by status, and (embedded) heap and file descriptors at the start and the end.
 * {@code --help} and the README say more.
 *
 * <pre>java -cp plasmid-examples/target/plasmidctl.jar org.plasmid.examples.tools.soak.Soak --duration 5m</pre>
 */
public final class Soak {
    /** Exit code: no 5xx, no unexpected answer, no growth beyond the bounds. */
    public static final int OK = Cli.OK;
    /** Exit code: a check failed, or the soak could not run. */
    public static final int FAILED = Cli.FAILED;
    /** Exit code: the command line is wrong. */
    public static final int USAGE = Cli.USAGE;

    /** Heap growth allowed: max(this, start × {@link #HEAP_GROWTH_FRACTION}). */
    static final long HEAP_GROWTH_MIN_BYTES = 64L << 20;
    static final double HEAP_GROWTH_FRACTION = 0.5;
    /** File descriptors that may be open at the end beyond those at the start. */
    static final long FD_GROWTH = 50;

    /** The account the embedded server makes for the soak. */
    static final String ACCESS = "soak";
    /**
     * Requests with wrong credentials, in all: 12 a minute from this address, half for the soak's own
     * account (6), well below the default throttling of failed logins (30 per address, 10 per account),
     * which would otherwise refuse the soak's own requests too.
     */
    private static final double WRONG_CREDENTIALS_PER_SECOND = 0.2;

    /**
     * What to run.
     *
     * @param duration the measured load
     * @param warmup load before the start figures
     * @param url a server's API base, or null for an embedded server
     * @param access the account (with --url)
     * @param secret its secret
     * @param workers concurrent workers
     * @param databases databases under load
     * @param keys keys per store
     * @param seed the operation mix's seed
     */
    record Options(Duration duration, Duration warmup, URI url, String access, String secret, int workers,
            int databases, int keys, long seed) {
    }

    private final Options options;
    private final PrintStream out;
    private final AtomicReference<SoakStats> stats = new AtomicReference<>(new SoakStats());
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<LoadWorker> workers = new ArrayList<>();
    private final List<String> stuck = new ArrayList<>();

    private Soak(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Runs the soak and exits: 0 if it passed, 1 if not, 2 for bad usage.
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
     * @param out where the report (or the help) goes
     * @param err where usage errors go
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.execute(new SoakCommand(out), args, out, err);
    }

    /**
     * Runs a soak, printing as it goes.
     *
     * @param options what to run
     * @param out where the report goes
     * @return what happened
     */
    static SoakReport run(Options options, PrintStream out) {
        return new Soak(options, out).soak();
    }

    private SoakReport soak() {
        List<String> failures = new ArrayList<>();
        Path work = null;
        Serving serving = null;
        SoakReport.Footprint resources = null;
        SoakStats warmup = null;
        SoakStats measured = null;
        String target;
        try {
            URI api = options.url();
            String secret = options.secret();
            if (api == null) {
                // one access-log line per request would drown the report (and the disk) at this rate
                if (System.getProperty("org.slf4j.simpleLogger.log.org.plasmid.servlet.RequestLog") == null) {
                    System.setProperty("org.slf4j.simpleLogger.log.org.plasmid.servlet.RequestLog", "warn");
                }
                work = Files.createTempDirectory("plasmid-soak-");
                secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
                try (PlasmidHub hub = PlasmidHub.open(work.resolve("hub"))) {
                    hub.accounts().setSecret(ACCESS, secret);
                    hub.accounts().grant(ACCESS, "*", "*", "Yes");
                }
                serving = Serving.start(work.resolve("hub"), "127.0.0.1", 0, PlasmidServlet::new, Duration.ofSeconds(5));
                api = serving.apiUri();
                target = "embedded server " + api + " (hub " + work.resolve("hub") + ")";
            } else {
                target = api.toString();
            }
            out.printf("Plasmid soak: %s; %d workers, %d databases x %d keys per store, warm-up %s, duration %s,"
                    + " seed %d%n", target, options.workers(), options.databases(), options.keys(),
                    DurationConverter.format(options.warmup()), DurationConverter.format(options.duration()), options.seed());
            LoadWorker.Target t = target(api, options.access(), secret);
            Random random = new Random(options.seed());
            for (int i = 0; i < options.workers(); i++) {
                workers.add(new LoadWorker(i, t, stats::get, new Random(random.nextLong()), stop::get));
            }
            if (!options.warmup().isZero()) {
                runLoad(options.warmup(), null);
            }
            warmup = stats.getAndSet(new SoakStats());
            long heapStart = serving == null ? -1 : Resources.heapAfterGc();
            long fdsStart = serving == null ? -1 : Resources.openFileDescriptors();
            if (serving != null) {
                out.printf("start (after the warm-up): heap after GC %s, open file descriptors %d%n",
                        Resources.mib(heapStart), fdsStart);
            }
            long loadNanos = runLoad(options.duration(), serving == null ? null : Resources::heapUsed);
            measured = stats.get();
            if (serving != null) {
                resources = new SoakReport.Footprint(heapStart, Resources.heapAfterGc(), fdsStart,
                        Resources.openFileDescriptors());
            }
            failures.addAll(stuck);
            stopEmbedded(serving, failures);
            serving = null;
            out.println();
            SoakReport report = new SoakReport(target, loadNanos, warmup, measured, resources, failures);
            report.print(out);
            return report;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add("interrupted");
        } catch (Exception e) {
            failures.add("the soak could not run: " + e);
        } finally {
            stop.set(true);
            stopEmbedded(serving, failures);
            if (work != null) {
                Trees.delete(work);
            }
        }
        SoakReport report = new SoakReport(options.url() == null ? "embedded server" : options.url().toString(), 0,
                warmup == null ? stats.get() : warmup, measured == null ? new SoakStats() : measured, resources, failures);
        report.print(out);
        return report;
    }

    private static void stopEmbedded(Serving serving, List<String> failures) {
        if (serving != null && serving.stop() != Serving.Stopped.CLEANLY) {
            failures.add("the embedded server did not stop cleanly");
        }
    }

    /** Checks the account works, and makes the databases and an account without grants. */
    private LoadWorker.Target target(URI api, String access, String secret) throws IOException {
        SyncClient admin = new SyncClient(api, access, secret);
        List<LoadWorker.Database> dbs = new ArrayList<>();
        for (int i = 0; i < options.databases(); i++) {
            String name = "soak-" + i;
            SyncClient.Response info = admin.info(name);
            if (info.status() != 200) {
                throw new IOException("cannot use " + api + " as " + access + ": GET d/" + name + " answered HTTP "
                        + info.status() + " " + info.body());
            }
            dbs.add(new LoadWorker.Database(name, new AtomicLong(info.body().get("revision").asLong())));
        }
        String[] restricted = null;
        SyncClient.Response created = admin.createCredentials(null, null, false);
        if (created.ok()) {
            restricted = new String[] {created.body().at("/success/access").asText(),
                created.body().at("/success/secret").asText()};
        } else {
            out.println("note: " + access + " may not create accounts, so the 403 (no grant) case is left out: "
                    + created.body());
        }
        return new LoadWorker.Target(api, access, secret, dbs, options.keys(), restricted,
                new LoadWorker.RateLimit(WRONG_CREDENTIALS_PER_SECOND));
    }

    /**
     * Runs every worker for {@code duration}, printing a progress row now and then.
     *
     * @param heap reads the heap in use for the progress rows, or null when it is not measured
     * @return how long the load ran, in nanoseconds
     */
    private long runLoad(Duration duration, java.util.function.LongSupplier heap) throws InterruptedException {
        stop.set(false);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (LoadWorker w : workers) {
            Thread thread = new Thread(w, "soak-worker-" + threads.size());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        long end = start + duration.toNanos();
        if (heap != null || duration.compareTo(Duration.ofSeconds(20)) >= 0) {
            long every = Math.max(TimeUnit.SECONDS.toNanos(10), duration.toNanos() / 10);
            out.printf("%8s %10s %8s %10s %14s %6s%n", "elapsed", "requests", "req/s", "unexpected", "heap used MiB", "FDs");
            long last = 0;
            long lastAt = start;
            for (long next = start + every; next < end; next += every) {
                TimeUnit.NANOSECONDS.sleep(next - System.nanoTime());
                long now = System.nanoTime();
                long requests = stats.get().requests();
                out.printf("%7ds %10d %8.0f %10d %14s %6s%n", TimeUnit.NANOSECONDS.toSeconds(now - start), requests,
                        (requests - last) * 1e9 / (now - lastAt), stats.get().unexpected(),
                        heap == null ? "-" : String.format("%.1f", heap.getAsLong() / 1048576.0),
                        heap == null ? "-" : Long.toString(Resources.openFileDescriptors()));
                out.flush();
                last = requests;
                lastAt = now;
            }
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime()));
        stop.set(true);
        long nanos = System.nanoTime() - start;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(120)); // a long-poll waits 2 s at most; a request, 90 s
            if (thread.isAlive()) {
                stuck.add(thread.getName() + " did not finish its request within 120 s of the end");
            }
        }
        return nanos;
    }
}
