package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Concurrent pushes and pulls on one hub, in memory and on disk (real fsyncs, shared by group commit). */
class ConcurrencyTest {
    @TempDir
    Path dir;

    private PlasmidHub hub(boolean disk) {
        return disk ? PlasmidHub.open(dir) : PlasmidHub.inMemory();
    }

    private static Change value(String key, String json) {
        return Change.put("s", key, JsonValue.parse(json));
    }

    @ParameterizedTest(name = "on disk: {0}")
    @ValueSource(booleans = {false, true})
    void sixteenPushesFromTheSameRevision_exactlyOneIsAccepted(boolean disk) throws Exception {
        try (PlasmidHub hub = hub(disk)) {
            hub.info("db");
            int threads = 16;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<PushResult>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    start.await();
                    return hub.push("db", 1, List.of(value("k", Integer.toString(n)), value("k" + n, "true")));
                }));
            }
            start.countDown();
            int accepted = 0;
            for (Future<PushResult> f : results) {
                PushResult r = f.get(30, TimeUnit.SECONDS);
                if (r.status() == PushResult.Status.ACCEPTED) {
                    accepted++;
                    assertEquals(PushResult.accepted(2, 2), r);
                } else {
                    assertEquals(PushResult.outOfDate(2), r);
                }
            }
            pool.shutdown();
            assertEquals(1, accepted);
            assertEquals(2, hub.info("db").revision());
            List<Change> all = new ArrayList<>();
            hub.pull("db", 0, 0, all::add);
            assertEquals(2, all.size(), "only the winner's objects were written");
        }
    }

    @ParameterizedTest(name = "on disk: {0}")
    @ValueSource(booleans = {false, true})
    void eightClientsInPullAndRetryLoops_produceGapFreeRevisions_andWholePushes(boolean disk) throws Exception {
        int clients = 8;
        int pushesEach = 40;
        try (PlasmidHub hub = hub(disk)) {
            hub.info("db");
            Map<Long, Integer> acceptedSizes = new ConcurrentHashMap<>();
            AtomicInteger conflicts = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                work.add(pool.submit(() -> {
                    long revision = 1;
                    for (int p = 0; p < pushesEach; ) {
                        int size = 1 + (client + p) % 5;
                        List<Change> changes = new ArrayList<>();
                        for (int i = 0; i < size; i++) {
                            changes.add(value("c" + client + "-p" + p + "-" + i, "{\"n\": " + size + "}"));
                        }
                        PushResult r = hub.push("db", revision, changes);
                        if (r.status() == PushResult.Status.ACCEPTED) {
                            assertEquals(null, acceptedSizes.put(r.revision(), size), "revision given twice");
                            revision = r.revision();
                            p++;
                        } else {
                            assertEquals(PushResult.Status.OUT_OF_DATE, r.status());
                            conflicts.incrementAndGet();
                            revision = hub.pull("db", revision, 0, ch -> true).until();
                        }
                    }
                    return null;
                }));
            }
            // A concurrent reader: every pull is internally consistent with the revision it reports.
            work.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    long[] max = {0};
                    PullResult r = hub.pull("db", 0, 0, ch -> {
                        max[0] = Math.max(max[0], ch.revision());
                        return true;
                    });
                    assertTrue(max[0] <= r.until(), "pull returned a revision past its own until");
                }
                return null;
            }));
            for (Future<?> f : work) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            int total = clients * pushesEach;
            assertEquals(total, acceptedSizes.size());
            assertEquals(1 + total, hub.info("db").revision());
            Map<Long, Integer> seen = new HashMap<>();
            hub.pull("db", 0, 0, ch -> {
                seen.merge(ch.revision(), 1, Integer::sum);
                return true;
            });
            assertEquals(acceptedSizes, seen, "every revision 2.." + (1 + total) + " present and whole");
            assertTrue(conflicts.get() > 0, "the clients did contend");
        }
    }

    @ParameterizedTest(name = "on disk: {0}")
    @ValueSource(booleans = {false, true})
    void pushesToDifferentDatabases_proceedInParallel_andAllLand(boolean disk) throws Exception {
        int clients = 8;
        int pushesEach = 50;
        try (PlasmidHub hub = hub(disk)) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String db = "db" + c;
                work.add(pool.submit(() -> {
                    for (int p = 0; p < pushesEach; p++) {
                        assertEquals(PushResult.accepted(2 + p, 1), hub.push(db, 1 + p, List.of(value("k" + p, "1"))));
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            for (int c = 0; c < clients; c++) {
                assertEquals(1 + pushesEach, hub.info("db" + c).revision());
            }
        }
    }
    @ParameterizedTest(name = "on disk: {0}")
    @ValueSource(booleans = {false, true})
    void pullsWhilePushesOverwriteTheKeysTheyRead_neverFail_andNeverShowAKeyTwice(boolean disk) throws Exception {
        int pushes = 300;
        int keys = 10;
        try (PlasmidHub hub = hub(disk)) {
            hub.info("db");
            ExecutorService pool = Executors.newFixedThreadPool(2);
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            Future<?> writer = pool.submit(() -> {
                try {
                    for (int p = 0; p < pushes; p++) {
                        List<Change> changes = new ArrayList<>();
                        for (int k = 0; k < keys; k++) {
                            changes.add(value("k" + k, Integer.toString(p)));
                        }
                        assertEquals(PushResult.Status.ACCEPTED, hub.push("db", 1 + p, changes).status());
                    }
                } finally {
                    writing.set(false);
                }
                return null;
            });
            Future<Integer> reader = pool.submit(() -> {
                int pulls = 0;
                while (writing.get() || pulls == 0) {
                    java.util.Set<String> seen = new java.util.HashSet<>();
                    PullResult r = hub.pull("db", 0, 0, ch -> {
                        assertTrue(seen.add(ch.key()), "key " + ch.key() + " returned twice");
                        return true;
                    });
                    assertTrue(seen.size() <= keys && r.until() <= 1 + pushes);
                    pulls++;
                }
                return pulls;
            });
            writer.get(120, TimeUnit.SECONDS);
            assertTrue(reader.get(120, TimeUnit.SECONDS) > 0);
            pool.shutdown();
            List<Change> last = new ArrayList<>();
            hub.pull("db", 0, 0, last::add);
            assertEquals(keys, last.size());
            assertTrue(last.stream().allMatch(c -> c.revision() == 1 + pushes), "each key at its latest revision");
        }
    }
}
