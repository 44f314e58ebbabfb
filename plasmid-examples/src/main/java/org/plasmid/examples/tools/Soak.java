package org.plasmid.examples.tools;

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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.plasmid.core.PlasmidHub;
import org.plasmid.examples.server.Serving;
import org.plasmid.examples.client.SyncClient;
import org.plasmid.servlet.PlasmidServlet;

/**
 * The soak: sustained mixed load (pulls, pushes, long-polls, clones, info, bad requests) for a while
 * against a server, by default one embedded in this JVM on a temporary hub, and a report of throughput,
 * latencies, answers by status, and (embedded) heap and file descriptors at the start and the end.
 * See {@link #HELP} and the README.
 *
 * <pre>java -cp plasmid-examples/target/plasmidctl.jar org.plasmid.examples.tools.Soak --duration 5m</pre>
 */
public final class Soak {
    /** Exit code: no 5xx, no unexpected answer, no growth beyond the bounds. */
    public static final int OK = 0;
    /** Exit code: a check failed, or the soak could not run. */
    public static final int FAILED = 1;
    /** Exit code: the command line is wrong. */
    public static final int USAGE = 2;

    static final String HELP = """
            Usage: java -cp plasmidctl.jar org.plasmid.examples.tools.Soak [OPTIONS]

            Soak/load test: workers (each a simulated device on one of the databases) send a
            sustained mix of pulls, pushes (pull and retry on outofdate), long-polls (?wait=) at
            the head, clones, database info and bad requests that must be refused with a 4xx
            (malformed JSON, wrong types, bad revision, bad name, bad wait, unknown endpoint, wrong
            method, wrong secret or unknown account (one every 5 s, below the default throttling of
            failed logins), no grant). After a warm-up it runs for --duration and reports
            throughput, p50/p99 latency per kind, answers by status, and, for the embedded server,
            heap after GC and open file descriptors at the start and the end.

            Options:
              --duration D    how long to load after the warm-up (default 60s; 30s, 5m, 1h ...)
              --warmup D      load before the start figures are taken (default 5s, 0 for none)
              --url API       load this server's API base (http://host:port/plasmid/v1/) instead of
                              an embedded one; needs --access and --secret of an account that may
                              create, read and write the databases soak-0.. (and create accounts,
                              for the "no grant" case). Heap and descriptors are then not measured.
              --access A      the account to use with --url
              --secret S      its secret
              --workers N     concurrent workers (default 8)
              --databases N   databases soak-0..soak-N-1 (default 4)
              --keys N        keys per store that pushes edit (default 500; bounds the data)
              --seed S        seed of the operation mix (default random, printed)
              -h, --help      show this help and exit

            Fails (exit 1) on: any 5xx answer; any answer the protocol does not allow for its
            request (a refused bad request must be exactly its 4xx, with a JSON error); any request
            without an answer; embedded only, unbounded growth, meaning heap after GC at the end
            above start + max(64 MiB, 50% of start), or open file descriptors at the end above
            start + 50.

            Exit codes: 0 passed; 1 a check failed or the soak could not run; 2 bad usage.
            """;

    /** Heap growth allowed: max(this, start × {@link #HEAP_GROWTH_FRACTION}). */
    static final long HEAP_GROWTH_MIN_BYTES = 64L << 20;
    static final double HEAP_GROWTH_FRACTION = 0.5;
    /** File descriptors that may be open at the end beyond those at the start. */
    static final long FD_GROWTH = 50;

    private static final Set<String> OPTIONS = Set.of("--duration", "--warmup", "--url", "--access", "--secret",
            "--workers", "--databases", "--keys", "--seed");
    private static final String ACCESS = "soak";
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
     * @param args the command line (see {@link #HELP})
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * The main entry without the exit.
     *
     * @param args the command line
     * @param out where the report goes
     * @param err where usage errors go
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (Args.UsageException e) {
            err.println("Soak: " + e.getMessage());
            err.println("Run with --help for usage.");
            return USAGE;
        }
        if (options == null) {
            out.print(HELP);
            return OK;
        }
        return run(options, out).passed() ? OK : FAILED;
    }

    /** @return the options, or null if help was asked for */
    static Options parse(String[] args) throws Args.UsageException {
        Args a = Args.parse(args, OPTIONS);
        if (a.help()) {
            return null;
        }
        URI url = null;
        if (a.has("--url")) {
            String u = a.string("--url", "");
            try {
                url = URI.create(u.endsWith("/") ? u : u + "/");
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--url needs a URL such as http://127.0.0.1:8880/plasmid/v1/, got '" + u + "'");
            }
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new Args.UsageException("--url needs an http(s) URL such as http://127.0.0.1:8880/plasmid/v1/, got '" + u + "'");
            }
            if (!a.has("--access") || !a.has("--secret")) {
                throw new Args.UsageException("--url needs --access and --secret too");
            }
        } else if (a.has("--access") || a.has("--secret")) {
            throw new Args.UsageException("--access and --secret go with --url (the embedded server makes its own account)");
        }
        return new Options(a.duration("--duration", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofDays(7)),
                a.duration("--warmup", Duration.ofSeconds(5), Duration.ZERO, Duration.ofHours(1)),
                url, a.string("--access", ACCESS), a.string("--secret", null),
                a.integer("--workers", 8, 1, 1000), a.integer("--databases", 4, 1, 1000),
                a.integer("--keys", 500, 1, 1_000_000), a.longValue("--seed", new SecureRandom().nextLong()));
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
                    Args.show(options.warmup()), Args.show(options.duration()), options.seed());
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
