package org.plasmid.core.mapdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.StoreBinary;
import org.plasmid.core.spi.Write;

/**
 * The index's node cache (inner nodes): a B-tree over it reads what the same tree reads without it,
 * through splits, removals, eviction and concurrent writers; it never keeps a node older than its record;
 * it stays within its bound; and a hub's index uses it.
 */
class NodeCachingStoreTest {
    @TempDir
    Path dir;

    private record Opened(DB db, NodeCachingStore cache, BTreeMap<byte[], byte[]> tree) {
    }

    /** A file store with the cache in front, and a tree of small nodes (many splits, a deep tree). */
    private Opened open(String name, long maxBytes) {
        DB plain = DBMaker.fileDB(dir.resolve(name).toFile()).fileMmapEnableIfSupported().make();
        NodeCachingStore cache = new NodeCachingStore((StoreBinary) plain.getStore(), maxBytes);
        DB db = new DB(cache, true, true, DB.class.getClassLoader(), 0);
        return new Opened(db, cache, tree(db));
    }

    private static BTreeMap<byte[], byte[]> tree(DB db) {
        return db.treeMap("t", ByteArraySerializer.INSTANCE, ByteArraySerializer.INSTANCE).maxNodeSize(6).createOrOpen();
    }

    /** What the file holds, read again without the cache. */
    private TreeMap<String, String> reopenedWithoutCache(String name) {
        DB db = DBMaker.fileDB(dir.resolve(name).toFile()).fileMmapEnableIfSupported().make();
        try {
            return strings(tree(db));
        } finally {
            db.close();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The tree walked in key order (through the nodes the cache hands out). */
    private static TreeMap<String, String> strings(NavigableMap<byte[], byte[]> tree) {
        TreeMap<String, String> out = new TreeMap<>();
        for (Map.Entry<byte[], byte[]> e : tree.entrySet()) {
            out.put(s(e.getKey()), s(e.getValue()));
        }
        return out;
    }

    private static String key(int i) {
        return String.format("key-%05d", i);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void aTreeOverTheCache_readsWhatTheTreeHolds_throughSplitsRemovalsAndEviction(long seed) {
        Opened o = open("a.db", 16 * 1024); // a few dozen nodes: evicting all the time
        Random random = new Random(seed);
        TreeMap<String, String> expected = new TreeMap<>();
        for (int op = 1; op <= 6_000; op++) {
            String k = key(random.nextInt(1_500));
            if (random.nextInt(4) == 0) {
                o.tree().remove(b(k));
                expected.remove(k);
            } else {
                String v = "v" + op + "-" + "x".repeat(random.nextInt(40));
                o.tree().put(b(k), b(v));
                expected.put(k, v);
            }
            if (op % 500 == 0) {
                assertEquals(expected, strings(o.tree()), "in key order after " + op + " changes");
                assertEquals(expected.descendingMap(), strings(o.tree().descendingMap()).descendingMap());
                String probe = key(random.nextInt(1_500));
                Map.Entry<byte[], byte[]> ceiling = o.tree().ceilingEntry(b(probe));
                Map.Entry<String, String> want = expected.ceilingEntry(probe);
                assertEquals(want == null ? null : want.getKey(), ceiling == null ? null : s(ceiling.getKey()));
            }
        }
        assertTrue(o.cache().hits() > 0, "nodes were handed out again");
        assertEquals(0, o.cache().staleNodes(), "every cached node is its record's current node");
        assertEquals(o.cache().countedWeight(), o.cache().weight(), "the weight counts what is held");
        o.db().close();
        assertEquals(expected, reopenedWithoutCache("a.db"));
    }

    @Test
    void concurrentWritersAndReaders_neverLeaveANodeOlderThanItsRecord() throws Exception {
        Opened o = open("c.db", 8 * 1024);
        int writers = 3;
        List<Map<String, String>> expected = new ArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Throwable> failures = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int id = w;
            Map<String, String> mine = new ConcurrentHashMap<>();
            expected.add(mine);
            threads.add(new Thread(() -> {
                Random random = new Random(100 + id);
                for (int op = 0; op < 8_000; op++) {
                    String k = id + "-" + key(random.nextInt(600)); // each writer its own keys, interleaved in the tree
                    if (random.nextInt(5) == 0) {
                        o.tree().remove(b(k));
                        mine.remove(k);
                    } else {
                        String v = "w" + id + "-" + op;
                        o.tree().put(b(k), b(v));
                        mine.put(k, v);
                    }
                }
            }));
        }
        for (int r = 0; r < 2; r++) {
            long seed = 200 + r;
            threads.add(new Thread(() -> {
                Random random = new Random(seed);
                while (writing.get()) { // walks load nodes into the cache while the writers replace them
                    o.tree().ceilingEntry(b(random.nextInt(writers) + "-" + key(random.nextInt(600))));
                    int n = 0;
                    for (byte[] k : o.tree().keySet()) {
                        if (++n > 50) {
                            break;
                        }
                        assertNotNull(k);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.setUncaughtExceptionHandler((th, e) -> {
                synchronized (failures) {
                    failures.add(e);
                }
            });
            t.start();
        }
        for (int w = 0; w < writers; w++) {
            threads.get(w).join();
        }
        writing.set(false);
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), failures);
        TreeMap<String, String> all = new TreeMap<>();
        expected.forEach(all::putAll);
        assertEquals(0, o.cache().staleNodes(), "every cached node is its record's current node");
        assertEquals(all, strings(o.tree()));
        assertEquals(o.cache().countedWeight(), o.cache().weight());
        o.db().close();
        assertEquals(all, reopenedWithoutCache("c.db"));
    }

    /**
     * The race a cache in front of a store must not lose: a reader has read a node from the store; before
     * it keeps it, a writer writes a newer node to that record and the entry is evicted. Kept then, the
     * older node would be handed out from then on. The writer runs inside the reader's window here (the
     * reader waits for it, at most a second: with the node read under its record's lock, the writer
     * cannot finish until the reader has kept the node, and the writer's node replaces it).
     */
    @Test
    void aNodeWrittenAndEvictedWhileAReaderReadsIt_isNotBroughtBackStale() throws Exception {
        Opened o = open("r.db", 1 << 20);
        TreeMap<String, String> expected = new TreeMap<>();
        for (int i = 0; i < 12; i++) { // nodes of at most 6 keys: the root is an inner node over a few leaves
            o.tree().put(b(key(10 * i)), b("first"));
            expected.put(key(10 * i), "first");
        }
        o.cache().evict(0);
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 12; i++) { // leaves split: the root gains keys, its record is written
                o.tree().put(b(key(10 * i + 5)), b("second"));
            }
            o.cache().evict(0);
        });
        AtomicBoolean raced = new AtomicBoolean();
        o.cache().afterMissReadForTest = () -> {
            raced.set(true);
            writer.start();
            try {
                writer.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        assertEquals("first", s(o.tree().ceilingEntry(b(key(0))).getValue()));
        assertTrue(raced.get(), "the reader read an inner node and the writer ran meanwhile");
        writer.join();
        for (int i = 0; i < 12; i++) {
            expected.put(key(10 * i + 5), "second");
        }
        assertEquals(0, o.cache().staleNodes(), "every cached node is its record's current node");
        assertEquals(expected, strings(o.tree()));
        o.db().close();
    }

    @Test
    void theCache_staysWithinItsBound_andCountsWhatItHolds() {
        long bound = 64 * 1024;
        Opened o = open("b.db", bound);
        long most = 0;
        for (int i = 0; i < 20_000; i++) {
            o.tree().put(b(key(i * 7919 % 20_000)), b("value-" + i));
            most = Math.max(most, o.cache().weight());
        }
        for (int i = 0; i < 20_000; i += 3) {
            assertArrayEquals(b("value-" + i), o.tree().get(b(key(i * 7919 % 20_000))));
        }
        assertTrue(most > bound / 2, "the cache filled: " + most);
        // one node may enter before the eviction that follows it: a node of 6 short keys is far below 4 KiB
        assertTrue(most <= bound + 4096, "held " + most + " of " + bound);
        assertEquals(o.cache().countedWeight(), o.cache().weight());
        o.db().close();
    }

    @Test
    void aHubsIndex_handsOutItsNodesAgain() {
        try (Index index = Index.file(dir.resolve("index.mapdb"))) {
            NodeCachingStore cache = index.nodeCache();
            assertNotNull(cache, "a file index caches its nodes");
            Map<String, Index.Db> databases = index.loadDatabases();
            index.apply(new Records.CreateDatabase("db", -1), databases);
            Index.Db d = databases.get("db");
            for (int p = 0; p < 500; p++) {
                List<Write> writes = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    writes.add(new Write("todos", key(p * 10 + i), b("value " + p)));
                }
                index.apply(new Records.Push("db", d.head + 1, null, writes.size(), writes), databases);
                d.head++;
            }
            assertTrue(cache.hits() > 10 * cache.misses(), cache.hits() + " hits, " + cache.misses() + " misses");
            assertEquals(0, cache.staleNodes());
            List<String> keys = new ArrayList<>();
            index.readChanges(d, d.head - 10, (store, key, revision, value) -> keys.add(key));
            List<String> last = new ArrayList<>();
            for (int i = 4_900; i < 5_000; i++) {
                last.add(key(i));
            }
            assertEquals(last, keys, "the last 10 pushes, read through the cached log");
        }
    }
}
