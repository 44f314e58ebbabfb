package org.plasmid.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** The fixed workloads W1–W6 of the benchmark, each returning its figures by name. */
final class Workloads {
    /** Workload sizes: the full ones, or a quick smoke configuration. */
    record Sizes(int w1Pushes, int w1PerPush, int w2Repeats, int w3Samples, int w3Small, int w3Large,
            int w4Clients, int w4PerClient, int w4PerPush, int w5Pushes, int w6Objects, int w6PerPush) {
        static final Sizes FULL = new Sizes(100, 100, 5, 200, 10_000, 100_000, 8, 1000, 10, 2000, 1_000_000, 10_000);
        static final Sizes QUICK = new Sizes(10, 10, 2, 20, 500, 2_000, 4, 50, 10, 100, 5_000, 1_000);
    }

    private final Target target;
    private final Sizes sizes;
    private final DataGen data;
    private final Path hubDir;

    Workloads(Target target, Sizes sizes, long seed, Path hubDir) {
        this.target = target;
        this.sizes = sizes;
        this.data = new DataGen(seed);
        this.hubDir = hubDir;
    }

    void warmUp() {
        long rev = target.revision("warmup");
        for (int i = 0; i < 30; i++) {
            DataGen.Batch b = data.batch(i * 50L, 50);
            rev = target.push("warmup", rev, b.keys(), b.values()).revision();
            target.pull("warmup", 0, 0);
        }
    }

    /** Fills a database with {@code count} objects in pushes of {@code perPush}; returns its revision. */
    private long fill(String db, long first, int count, int perPush) {
        long rev = target.revision(db);
        for (long done = 0; done < count; done += perPush) {
            DataGen.Batch b = data.batch(first + done, (int) Math.min(perPush, count - done));
            rev = checked(target.push(db, rev, b.keys(), b.values()));
        }
        return rev;
    }

    private static long checked(Target.Pushed pushed) {
        if (!pushed.accepted()) {
            throw new IllegalStateException("a push with no competitor was refused as out of date");
        }
        return pushed.revision();
    }

    Map<String, Double> w1() {
        Stats perPush = new Stats();
        long rev = target.revision("w1");
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        for (int p = 0; p < sizes.w1Pushes(); p++) {
            DataGen.Batch b = data.batch((long) p * sizes.w1PerPush(), sizes.w1PerPush());
            long t = System.nanoTime();
            rev = checked(target.push("w1", rev, b.keys(), b.values()));
            perPush.add(System.nanoTime() - t);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = processCpuNanos() - cpuBefore;
        Map<String, Double> m = new LinkedHashMap<>();
        int objects = sizes.w1Pushes() * sizes.w1PerPush();
        m.put("objects_per_s", objects / seconds);
        m.put("push_p50_ms", perPush.percentileMillis(50));
        m.put("push_p99_ms", perPush.percentileMillis(99));
        m.put("cpu_ms_per_1000_objects", cpu / 1e6 / (objects / 1000.0));
        return m;
    }

    /** Needs W1's database. */
    Map<String, Double> w2() {
        long expected = (long) sizes.w1Pushes() * sizes.w1PerPush();
        Target reader = target.another();
        double[] one = new double[sizes.w2Repeats()];
        double[] paged = new double[sizes.w2Repeats()];
        for (int r = 0; r < sizes.w2Repeats(); r++) {
            long t = System.nanoTime();
            Target.Read all = reader.pull("w1", 1, 0);
            one[r] = all.count() / ((System.nanoTime() - t) / 1e9);
            expect(expected, all.count(), "W2 single pull");
            t = System.nanoTime();
            long count = 0;
            long since = 1;
            Target.Read page;
            do {
                page = reader.pull("w1", since, 1000);
                count += page.count();
                since = page.until();
            } while (page.more());
            paged[r] = count / ((System.nanoTime() - t) / 1e9);
            expect(expected, count, "W2 paged pull");
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("one_request_objects_per_s", Stats.median(one));
        m.put("paged_1000_objects_per_s", Stats.median(paged));
        return m;
    }

    Map<String, Double> w3() {
        long rev = fill("w3", 0, sizes.w3Small(), 1000);
        double small = tailPull(rev, sizes.w3Small());
        rev = fill("w3", sizes.w3Small() + 10L * sizes.w3Samples(), sizes.w3Large() - sizes.w3Small(), 1000);
        double large = tailPull(rev, 10_000_000);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("p50_ms_at_small", small);
        m.put("p50_ms_at_large", large);
        m.put("ratio_large_to_small", large / small);
        return m;
    }

    /** p50 latency of pulling the 10 objects of the latest push. */
    private double tailPull(long rev, long keyBase) {
        Stats s = new Stats();
        for (int i = 0; i < sizes.w3Samples(); i++) {
            DataGen.Batch b = data.batch(keyBase + 10L * i, 10);
            long before = rev;
            rev = checked(target.push("w3", rev, b.keys(), b.values()));
            long t = System.nanoTime();
            Target.Read r = target.pull("w3", before, 0);
            s.add(System.nanoTime() - t);
            expect(10, r.count(), "W3 tail pull");
        }
        return s.percentileMillis(50);
    }

    Map<String, Double> w4() throws Exception {
        Map<String, Double> m = new LinkedHashMap<>();
        Stats own = new Stats();
        long ownCpuBefore = processCpuNanos();
        double ownSeconds = parallel(client -> {
            Stats local = new Stats();
            Target t = target.another();
            String db = "w4a-" + client;
            long rev = t.revision(db);
            for (int p = 0; p < sizes.w4PerClient() / sizes.w4PerPush(); p++) {
                DataGen.Batch b = batch(client, p);
                long start = System.nanoTime();
                rev = checked(t.push(db, rev, b.keys(), b.values()));
                local.add(System.nanoTime() - start);
            }
            synchronized (own) {
                own.addAll(local);
            }
        });
        int objects = sizes.w4Clients() * sizes.w4PerClient();
        m.put("own_db_objects_per_s", objects / ownSeconds);
        m.put("own_db_push_p99_ms", own.percentileMillis(99));
        m.put("own_db_cpu_ms_per_1000_objects", (processCpuNanos() - ownCpuBefore) / 1e6 / (objects / 1000.0));
        AtomicLong conflicts = new AtomicLong();
        AtomicLong pulls = new AtomicLong();
        long cpuBefore = processCpuNanos();
        double sharedSeconds = parallel(client -> {
            Target t = target.another();
            long rev = t.revision("w4b");
            DataGen.Batch b = batch(client, 0);
            for (int p = 0; p < sizes.w4PerClient() / sizes.w4PerPush(); ) {
                // a refused push is sent again as it was (its objects do not change): made once
                Target.Pushed r = t.push("w4b", rev, b.keys(), b.values());
                if (r.accepted()) {
                    rev = r.revision();
                    p++;
                    if (p < sizes.w4PerClient() / sizes.w4PerPush()) {
                        b = batch(client, p);
                    }
                } else if (r.missed() != null) { // the refusal carried what was missed: retry from there
                    conflicts.incrementAndGet();
                    rev = r.missed().until();
                } else {
                    conflicts.incrementAndGet();
                    pulls.incrementAndGet();
                    rev = pullAll(t, "w4b", rev);
                }
            }
        });
        m.put("shared_db_objects_per_s", objects / sharedSeconds);
        m.put("shared_db_conflicts", (double) conflicts.get());
        m.put("shared_db_pulls", (double) pulls.get());
        // this JVM's CPU (the writers, and the embedded server when there is one): steadier than objects/s
        // when other processes share the cores
        m.put("shared_db_cpu_ms_per_1000_objects", (processCpuNanos() - cpuBefore) / 1e6 / (objects / 1000.0));
        // W4b's ceiling: the same pushes into a database of their own from one writer, which never conflicts.
        // Each accepted push must be durable before the next can be based on it, so writers racing for one
        // database can at best approach this; the ratio says how close they come.
        double oneWriter;
        try (Target one = target.another()) {
            long start = System.nanoTime();
            long rev = one.revision("w4b-one");
            for (int client = 0; client < sizes.w4Clients(); client++) {
                for (int p = 0; p < sizes.w4PerClient() / sizes.w4PerPush(); p++) {
                    DataGen.Batch b = batch(client, p);
                    rev = checked(one.push("w4b-one", rev, b.keys(), b.values()));
                }
            }
            oneWriter = objects / ((System.nanoTime() - start) / 1e9);
        }
        m.put("shared_db_one_writer_objects_per_s", oneWriter);
        m.put("shared_db_to_one_writer", objects / sharedSeconds / oneWriter);
        return m;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private DataGen.Batch batch(int client, int push) {
        synchronized (data) {
            return data.batch((long) client * 1_000_000 + (long) push * sizes.w4PerPush(), sizes.w4PerPush());
        }
    }

    private static long pullAll(Target t, String db, long since) {
        Target.Read r;
        do {
            r = t.pull(db, since, 0);
            since = r.until();
        } while (r.more());
        return since;
    }

    private interface Client {
        void run(int client) throws Exception;
    }

    /** Runs the clients in parallel; returns the wall time in seconds. */
    private double parallel(Client body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(sizes.w4Clients());
        try {
            List<Future<?>> work = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < sizes.w4Clients(); c++) {
                int client = c;
                work.add(pool.submit(() -> {
                    body.run(client);
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    Map<String, Double> w5() throws Exception {
        long rev = target.revision("w5");
        long start = System.nanoTime();
        for (int p = 0; p < sizes.w5Pushes(); p++) {
            DataGen.Batch b = data.batch(p, 1);
            rev = checked(target.push("w5", rev, b.keys(), b.values()));
        }
        double pushes = sizes.w5Pushes() / ((System.nanoTime() - start) / 1e9);
        double fsyncs = FsyncProbe.appendsPerSecond(hubDir, sizes.w5Pushes());
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("pushes_per_s", pushes);
        m.put("disk_fsync_appends_per_s", fsyncs);
        m.put("ratio_to_fsync", pushes / fsyncs);
        return m;
    }

    Map<String, Double> w6() {
        fill("w6", 0, sizes.w6Objects(), sizes.w6PerPush());
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        Map<String, Double> m = new LinkedHashMap<>();
        long t = System.nanoTime();
        Target.Read clone = target.another().cloneAll("w6");
        m.put("clone_s", (System.nanoTime() - t) / 1e9);
        expect(sizes.w6Objects(), clone.count(), "W6 clone");
        t = System.nanoTime();
        Target.Read pull = target.another().pull("w6", 0, 0);
        m.put("full_pull_s", (System.nanoTime() - t) / 1e9);
        expect(sizes.w6Objects(), pull.count(), "W6 full pull");
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        m.put("objects", (double) clone.count());
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / 1048576.0);
        m.put("peak_heap_used_mib", peak / 1048576.0);
        return m;
    }

    private static void expect(long expected, long actual, String what) {
        if (expected != actual) {
            throw new IllegalStateException(what + " returned " + actual + " objects, expected " + expected);
        }
    }
}
