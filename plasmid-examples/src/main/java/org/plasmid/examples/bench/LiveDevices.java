package org.plasmid.examples.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * W7, live devices: pairs of devices on one database each (one account per pair: most with a secret the
 * server generated, a few with a chosen one), every device holding a long-poll, single-object pushes at a
 * fixed rate reaching the pair's other device. Then, optionally, the reconnect storm: the server restarts
 * and every device connects again within {@link Options#stormSpread()}.
 *
 * <p>All devices come from this JVM, one client address: the server must allow that many held polls per
 * address ({@code max-held-polls-per-address}, 5,000 by default) and in all ({@code max-held-polls},
 * 10,000).
 */
final class LiveDevices implements LiveDevice.Host {
    /**
     * W7's settings.
     *
     * @param generatedPairDevices devices on generated-secret accounts (two per account)
     * @param chosenPairDevices devices on chosen-secret accounts (two per account)
     * @param rate pushes per second, in all
     * @param duration how long to push
     * @param pushConnections the connections pushes share
     * @param storm whether to run the reconnect storm afterwards
     * @param stormSpread the window in which every device connects again
     * @param waitSeconds a poll's {@code wait}
     * @param warmUp how long to push at the same rate before measuring (both JVMs compile the paths)
     */
    record Options(int generatedPairDevices, int chosenPairDevices, int rate, Duration duration, int pushConnections,
            boolean storm, Duration stormSpread, int waitSeconds, Duration warmUp) {
        static final Options QUICK = new Options(40, 4, 20, Duration.ofSeconds(3), 4, false, Duration.ofSeconds(1), 25,
                Duration.ofSeconds(1));

        int devices() {
            return generatedPairDevices + chosenPairDevices;
        }
    }

    /** The load client: this JVM (its CPU is reported beside a separate server's). */
    private static final ProcessMeter CLIENT = ProcessMeter.thisJvm();
    /** How long all devices may take to hold their polls, at the start and after the restart. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(3);

    private final Options o;
    private final LiveServer server;
    private final PrintStream out;
    private final long seed;
    private final LongAdder requests = new LongAdder();
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "w7-timer");
        t.setDaemon(true);
        return t;
    });
    private final List<LiveDevice> devices = new ArrayList<>();
    private volatile LiveHttp http;
    private volatile int generation;
    private volatile ErrorCounts errors = new ErrorCounts();
    private volatile LivePushes pushes;
    private volatile AtomicIntegerArray sentOnce;
    private final LongAdder sentCount = new LongAdder();

    private LiveDevices(Options o, LiveServer server, PrintStream out, long seed) {
        this.o = o;
        this.server = server;
        this.out = out;
        this.seed = seed;
    }

    /**
     * Runs W7 (and the storm) against the server.
     *
     * @return figures by name: {@code W7}, and {@code W7storm} when the storm ran
     */
    static Map<String, Map<String, Double>> run(Options o, LiveServer server, PrintStream out, long seed)
            throws Exception {
        LiveDevices w = new LiveDevices(o, server, out, seed);
        try {
            return w.run();
        } finally {
            w.timer.shutdownNow();
            if (w.http != null) {
                w.http.close();
            }
        }
    }

    private Map<String, Map<String, Double>> run() throws Exception {
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        Map<String, Double> m = new LinkedHashMap<>();
        int total = o.devices();
        out.printf("W7: %,d devices (%,d pairs on generated secrets, %,d on chosen ones), %d pushes/s for %d s, "
                + "server measured: %s%n", total, o.generatedPairDevices() / 2, o.chosenPairDevices() / 2, o.rate(),
                o.duration().toSeconds(), server.meter().describe());
        out.printf("W7: the load client is one address: the server must allow %,d held polls per address "
                + "(max-held-polls-per-address, default 5000) and in all (max-held-polls, default 10000)%n", total);

        long t = System.nanoTime();
        List<LiveAccounts.Pair> pairs;
        try (LiveHttp setup = new LiveHttp(server.api(), 64, 4, "w7-setup")) {
            pairs = LiveAccounts.create(setup, server.admin(), o.generatedPairDevices() / 2, o.chosenPairDevices() / 2,
                    "w7-" + Long.toString(System.currentTimeMillis(), 36), new Random(seed));
        }
        m.put("devices", (double) total);
        m.put("setup_s", seconds(t));
        for (LiveAccounts.Pair p : pairs) {
            devices.add(new LiveDevice(this, p, 0, devices.size()));
            devices.add(new LiveDevice(this, p, 1, devices.size()));
        }
        ProcessMeter meter = server.meter();
        double heap0 = meter.heapAfterGcBytes();
        double rss0 = meter.rssBytes();

        http = newClient();
        sentOnce = new AtomicIntegerArray(total);
        t = System.nanoTime();
        for (LiveDevice d : devices) {
            d.start(generation);
        }
        int held = awaitHeld(total);
        m.put("connect_s", seconds(t));
        m.put("held_polls", (double) held);
        out.printf("W7: %,d polls held after %.1f s%n", held, seconds(t));
        double heap1 = meter.heapAfterGcBytes();
        double rss1 = meter.rssBytes();

        try (LiveHttp pushHttp = new LiveHttp(server.api(), o.pushConnections(), 4, "w7-pushes")) {
            LivePushes warmUp = null;
            if (!o.warmUp().isZero()) {
                out.printf("W7: warming up, %d pushes/s for %d s (not measured)%n", o.rate(), o.warmUp().toSeconds());
                warmUp = new LivePushes('w', pairs, o.rate(), o.warmUp(), seed - 1, requests, new ErrorCounts());
                pushes = warmUp;
                warmUp.run(pushHttp);
                warmUp.awaitDone(Duration.ofSeconds(30));
            }
            pushes = new LivePushes('p', pairs, o.rate(), o.duration(), seed, requests, errors);
            if (warmUp != null) {
                pushes.continueFrom(warmUp);
            }
            double cpu0 = meter.cpuSeconds();
            double clientCpu0 = CLIENT.cpuSeconds();
            long requests0 = requests.sum();
            t = System.nanoTime();
            pushes.run(pushHttp);
            double pushSeconds = seconds(t);
            pushes.awaitDone(Duration.ofSeconds(10));
            double cpu = meter.cpuSeconds() - cpu0;
            long answered = requests.sum() - requests0;
            pushes.report(m, pushSeconds);
            m.put("requests", (double) answered);
            putIfKnown(m, "server_cpu_s", cpu);
            putIfKnown(m, "server_cpu_s_per_1000_requests", cpu / answered * 1000);
            if (!server.meter().describe().startsWith("this JVM")) {
                putIfKnown(m, "client_cpu_s", CLIENT.cpuSeconds() - clientCpu0);
            }
        }
        putIfKnown(m, "server_heap_after_gc_mib", heap1 / 1048576);
        putIfKnown(m, "heap_per_held_poll_kib", (heap1 - heap0) / held / 1024);
        putIfKnown(m, "server_rss_mib", rss1 / 1048576);
        putIfKnown(m, "rss_per_held_poll_kib", (rss1 - rss0) / held / 1024);
        errors.report(m);
        results.put("W7", m);
        if (o.storm()) {
            results.put("W7storm", storm());
        }
        return results;
    }

    /** The reconnect storm: restart, then every device connects again within the spread. */
    private Map<String, Double> storm() throws Exception {
        Map<String, Double> m = new LinkedHashMap<>();
        int total = devices.size();
        generation++; // the devices' loops end: their answers, the restart's included, are ignored
        long t = System.nanoTime();
        String kind = server.restart();
        m.put("restart_s", seconds(t));
        http.close(); // every connection the devices had is gone, as after a restart or a network blip
        http = newClient();
        errors = new ErrorCounts();
        sentOnce = new AtomicIntegerArray(total);
        sentCount.reset();
        ProcessMeter meter = server.meter();
        double cpu0 = meter.cpuSeconds();
        double clientCpu0 = CLIENT.cpuSeconds();
        out.printf("W7 storm: restart %s; %,d devices connect within %d ms%n", kind, total, o.stormSpread().toMillis());
        Random random = new Random(seed + 1);
        int gen = generation;
        long spreadMicros = Math.max(1, o.stormSpread().toNanos() / 1000);
        t = System.nanoTime();
        for (LiveDevice d : devices) {
            timer.schedule(() -> d.start(gen), (long) (random.nextDouble() * spreadMicros), TimeUnit.MICROSECONDS);
        }
        long allSent = -1;
        int held = -1;
        long deadline = t + CONNECT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (allSent < 0 && sentCount.sum() >= total) {
                allSent = System.nanoTime() - t;
            }
            held = server.heldPolls();
            if (allSent >= 0 && (held < 0 || held >= total)) {
                break;
            }
            ProcessMeter.sleep(held < 0 ? 100 : server.heldPollsEveryMillis());
        }
        double heldSeconds = seconds(t);
        m.put("devices", (double) total);
        m.put("real_restart", server.restartsForReal() ? 1.0 : 0.0);
        m.put("all_polls_sent_s", allSent < 0 ? Double.NaN : allSent / 1e9);
        if (held >= 0 && server.restartsForReal()) {
            m.put("all_polls_held_s", held >= total ? heldSeconds : Double.NaN);
            m.put("held_polls", (double) held);
        }
        putIfKnown(m, "server_cpu_s", meter.cpuSeconds() - cpu0);
        if (!meter.describe().startsWith("this JVM")) {
            putIfKnown(m, "client_cpu_s", CLIENT.cpuSeconds() - clientCpu0);
        }
        errors.report(m);
        out.printf("W7 storm: %,d polls sent after %.2f s, %s, %,d errors%n", sentCount.sum(), allSent / 1e9,
                held < 0 ? "held polls unknown (no metrics)" : String.format("%,d held after %.2f s", held, heldSeconds),
                errors.total());
        return m;
    }

    /** Waits until the server holds {@code total} polls (or, when it cannot tell, until all were sent). */
    private int awaitHeld(int total) {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        int held = -1;
        while (System.nanoTime() < deadline) {
            held = server.heldPolls();
            if (held >= total || held < 0 && sentCount.sum() >= total) {
                break;
            }
            ProcessMeter.sleep(server.heldPollsEveryMillis());
        }
        if (held < 0) {
            ProcessMeter.sleep(1000); // no gauge: give the last ones a moment to be checked and held
            return (int) sentCount.sum();
        }
        return held;
    }

    /** The devices' client: each device polls on a line of its own, none uses the pool. */
    private LiveHttp newClient() {
        return new LiveHttp(server.api(), 1, 8, "w7-devices");
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void putIfKnown(Map<String, Double> m, String name, double value) {
        if (!Double.isNaN(value) && !Double.isInfinite(value)) {
            m.put(name, value);
        }
    }

    @Override
    public LiveHttp http() {
        return http;
    }

    @Override
    public int generation() {
        return generation;
    }

    @Override
    public int waitSeconds() {
        return o.waitSeconds();
    }

    @Override
    public void pollSent(LiveDevice device, int gen) {
        if (gen == generation && sentOnce.compareAndSet(device.index(), 0, 1)) {
            sentCount.increment();
        }
    }

    @Override
    public void polled() {
        requests.increment();
    }

    @Override
    public void seen(char prefix, long seq, int side, long nanos) {
        LivePushes p = pushes;
        if (p != null) {
            p.seen(prefix, seq, side, nanos);
        }
    }

    @Override
    public void failed(String kind) {
        requests.increment();
        errors.add(kind);
    }

    @Override
    public void later(Runnable retry, long millis) {
        timer.schedule(retry, millis, TimeUnit.MILLISECONDS);
    }
}
