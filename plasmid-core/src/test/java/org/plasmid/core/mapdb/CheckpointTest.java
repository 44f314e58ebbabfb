package org.plasmid.core.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.Grant;
import org.plasmid.core.spi.AppendResult;
import org.plasmid.core.spi.Credential;
import org.plasmid.core.spi.Write;

/**
 * Checkpoints and journal compaction: the directory shrinks to the live data, recovery from a
 * checkpoint gives back exactly what the protocol serves, and pushes and pulls during a checkpoint's
 * copy see a consistent database.
 */
class CheckpointTest {
    private static final long SEGMENT = 32 << 10;

    @TempDir
    Path dir;

    @AfterEach
    void resetHook() {
        Checkpointer.testHook = step -> { };
        Checkpoint.sortRunBytes = 16 << 20;
    }

    private MapDbStorage open() {
        return MapDbStorage.open(dir, CheckpointPolicy.disabled(), SEGMENT);
    }

    /** Reopens as after a kill -9: no clean marker, so the index is rebuilt from the checkpoint and journal. */
    private MapDbStorage reopenAsAfterACrash(MapDbStorage open) throws IOException {
        open.close();
        Files.delete(dir.resolve("index.clean"));
        return open();
    }

    private static Credential credential(String access) {
        return new Credential(access, new byte[] {1, 2}, new byte[] {3, 4, (byte) access.length()}, 0, false);
    }

    @Test
    void aCheckpoint_dropsOverwrittenHistory_andRecoveryFromIt_servesExactlyTheSameState() throws Exception {
        MapDbStorage s = open();
        s.createDatabase("db", 50_000);
        s.createAccount(credential("alice"), List.of(new Grant("alice", "ReadDatabase", "db", "Yes", null)), "alice_db", 7);
        s.putGrant(new Grant("bob", "WriteDatabase", "db", "Yes", "alice"));
        s.putGrant(new Grant("bob", "ReadDatabase", "db", "Yes", null));
        assertTrue(s.removeGrant("bob", "ReadDatabase", "db"));
        long head = Overwrites.pushMany(s, "db", 400, 200);
        long before = Trees.size(dir.resolve("journal"));
        s.checkpoint();
        long after = Trees.size(dir.resolve("journal"));
        assertTrue(after <= SEGMENT, "the journal kept is at most one segment: " + after + " of " + before);
        assertEquals(1, Checkpoint.files(dir).size());

        s = reopenAsAfterACrash(s);
        try {
            assertEquals(head, s.revision("db").getAsLong());
            assertEquals(Overwrites.expected(head), Overwrites.actual(s, "db"));
            Overwrites.pulled(s, "db"); // each key once
            assertEquals(50_000, s.databaseQuota("db"));
            assertEquals(7, s.databaseQuota("alice_db"));
            assertEquals(1, s.revision("alice_db").getAsLong());
            assertEquals(credential("alice"), s.credential("alice").orElseThrow());
            assertEquals(List.of(new Grant("bob", "WriteDatabase", "db", "Yes", "alice")), s.grants("bob"));
            assertEquals(s.grants("bob"), s.delegatedBy("alice"));
            assertEquals(AppendResult.duplicate(head, 4), s.append("db", 1, Overwrites.push(head, 0), "p" + head, -1),
                    "the last push id is remembered across the checkpoint");
            long size = s.storedBytes("db");
            long pushed = Overwrites.pushNext(s, "db", 200);
            assertEquals(head + 1, pushed, "pushes go on from the recovered head");
            assertTrue(s.storedBytes("db") > 0 && size > 0);
        } finally {
            s.close();
        }
    }

    /** Several databases and stores, keys whose UTF-8 bytes sort unlike their revisions, deletions (fixed seed). */
    private static long pushMixed(MapDbStorage s, String db, Random random, int pushes) {
        String[] stores = {"s", "ß", "t"};
        String[] prefixes = {"k", "ключ", "\uD83D\uDE00", "~"};
        long head = s.revision(db).orElseThrow();
        for (int i = 0; i < pushes; i++) {
            List<Write> writes = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int j = 0; j < 20; j++) {
                String store = stores[random.nextInt(stores.length)];
                String key = prefixes[random.nextInt(prefixes.length)] + random.nextInt(100);
                if (seen.add(store + "/" + key)) {
                    writes.add(new Write(store, key, random.nextInt(5) == 0 ? null
                            : ("v" + random.nextLong()).getBytes(StandardCharsets.UTF_8)));
                }
            }
            head = s.append(db, head, writes, null, -1).revision();
        }
        return head;
    }

    private static List<String> everything(MapDbStorage s, String db) {
        List<String> out = new ArrayList<>();
        s.readState(db, (store, key, revision, value) -> out.add("state " + store + "/" + key + "@" + revision + "="
                + new String(value, StandardCharsets.UTF_8)));
        s.readChanges(db, 0, (store, key, revision, value) -> out.add("change " + store + "/" + key + "@" + revision
                + "=" + (value == null ? "deleted" : new String(value, StandardCharsets.UTF_8))));
        return out;
    }

    @Test
    void aRebuildFromACheckpoint_sortingItsKeyIndexInManyRuns_buildsTheIndexThatInsertsBuilt() throws Exception {
        Checkpoint.sortRunBytes = 4 << 10; // the checkpoint's key index (some 30 KiB) is sorted in several runs
        Random random = new Random(11);
        MapDbStorage s = open();
        List<String> dbs = List.of("b", "a", "é", "c");
        for (String db : dbs) {
            s.createDatabase(db, -1);
            pushMixed(s, db, random, 40);
        }
        s.checkpoint();
        pushMixed(s, "a", random, 5); // and a journal tail after it
        Map<String, List<String>> before = new java.util.HashMap<>();
        for (String db : dbs) {
            before.put(db, everything(s, db));
        }
        s.close();

        // the verifier rebuilds from the checkpoint and compares with the index that inserts built while serving
        MapDbStorage.VerifyReport report = MapDbStorage.verify(dir);
        String text = String.join("\n", report.lines());
        assertTrue(report.clean() && text.contains("index: agrees with the checkpoint and the journal"), text);

        Files.delete(dir.resolve("index.clean"));
        s = open(); // rebuilt after a crash
        try {
            for (String db : dbs) {
                assertEquals(before.get(db), everything(s, db), db);
            }
        } finally {
            s.close();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                    "no sort runs left");
        }
    }

    @Test
    void recovery_afterACheckpoint_replaysTheJournalWrittenAfterIt() throws Exception {
        MapDbStorage s = open();
        s.createDatabase("db", -1);
        Overwrites.pushMany(s, "db", 100, 100);
        s.checkpoint();
        long head = Overwrites.pushMany(s, "db", 50, 100);
        s.createDatabase("later", 3);
        s.updateCredential(credential("nobody")); // no such account: nothing written
        s = reopenAsAfterACrash(s);
        try {
            assertEquals(head, s.revision("db").getAsLong());
            assertEquals(Overwrites.expected(head), Overwrites.actual(s, "db"));
            assertEquals(3, s.databaseQuota("later"));
        } finally {
            s.close();
        }
    }

    @Test
    void pushesAndPullsDuringACopy_seeEveryKeyOnce_andTheCheckpointHoldsTheStateItStartedFrom() throws Exception {
        MapDbStorage s = open();
        s.createDatabase("db", -1);
        long head = Overwrites.pushMany(s, "db", 60, 50);
        long pinned = head;
        AtomicReference<Map<String, Long>> pulledDuringCopy = new AtomicReference<>();
        AtomicReference<Map<String, Long>> clonedDuringCopy = new AtomicReference<>();
        AtomicReference<Long> headDuringCopy = new AtomicReference<>();
        MapDbStorage storage = s;
        Checkpointer.testHook = step -> {
            if (step.equals("copying") && headDuringCopy.get() == null) {
                // the database is pinned and its copy begun: overwrite every key, then read
                long h = 0;
                for (int i = 0; i < 30; i++) {
                    h = Overwrites.pushNext(storage, "db", 50);
                }
                headDuringCopy.set(h);
                pulledDuringCopy.set(Overwrites.pulled(storage, "db"));
                clonedDuringCopy.set(Overwrites.actual(storage, "db"));
            }
        };
        s.checkpoint();
        head = headDuringCopy.get();
        assertEquals(Overwrites.expected(head), clonedDuringCopy.get());
        assertEquals(Overwrites.expected(head).keySet(), live(pulledDuringCopy.get()));
        assertEquals(Overwrites.expected(head), Overwrites.actual(s, "db"), "after the copy");

        List<Long> heads = new ArrayList<>();
        Map<String, Long> copied = new java.util.TreeMap<>();
        Checkpoint.read(Checkpoint.files(dir).get(0), new Checkpoint.Visitor() {
            @Override
            public void database(String name, long id, long h, long size, long quota) {
                heads.add(h);
            }

            @Override
            public void entry(long databaseId, String store, String key, long revision, byte[] value) {
                if (value != null) {
                    copied.put(key, revision);
                }
            }
        });
        assertEquals(List.of(pinned), heads, "the checkpoint holds the database as of its pin");
        assertEquals(Overwrites.expected(pinned), copied, "with every key as it was at the pin, though overwritten"
                + " during the copy");

        s = reopenAsAfterACrash(s);
        try {
            assertEquals(head, s.revision("db").getAsLong());
            assertEquals(Overwrites.expected(head), Overwrites.actual(s, "db"),
                    "pushes made during the copy come back from the journal after the checkpoint");
        } finally {
            s.close();
        }
    }

    private static java.util.Set<String> live(Map<String, Long> pulled) {
        java.util.Set<String> result = new java.util.TreeSet<>();
        pulled.forEach((k, v) -> {
            if (v > 0) {
                result.add(k);
            }
        });
        return result;
    }

    @Test
    void theBackgroundPolicy_checkpointsAndCompacts_whileServing() throws Exception {
        try (MapDbStorage s = MapDbStorage.open(dir, CheckpointPolicy.defaults().every(64 << 10), SEGMENT)) {
            s.createDatabase("db", -1);
            long head = Overwrites.pushMany(s, "db", 600, 200);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (Checkpoint.files(dir).isEmpty() || segments() > 4) {
                assertTrue(System.nanoTime() < deadline, "a checkpoint within a minute; segments " + segments());
                Thread.sleep(50);
            }
            assertEquals(Overwrites.expected(head), Overwrites.actual(s, "db"));
        }
    }

    @Test
    void aCleanStop_afterCompaction_reopensWithoutReplayingTheCheckpoint() throws Exception {
        MapDbStorage s = open();
        s.createDatabase("db", -1);
        long head = Overwrites.pushMany(s, "db", 200, 200);
        s.checkpoint();
        s.close();
        assertTrue(Files.exists(dir.resolve("index.clean")));
        try (MapDbStorage again = open()) {
            assertEquals(head, again.revision("db").getAsLong());
            assertEquals(Overwrites.expected(head), Overwrites.actual(again, "db"));
        }
        assertTrue(MapDbStorage.verify(dir).clean(), MapDbStorage.verify(dir).lines().toString());
    }

    @Test
    void anIndexGrownByOverwrites_isRebuiltFromTheCheckpoint_whenTheHubOpens_andOnlyThen() throws Exception {
        MapDbStorage s = open();
        s.createDatabase("db", -1);
        long head = Overwrites.pushMany(s, "db", 300, 400);
        s.checkpoint();
        s.close();
        long position = Checkpoint.position(Checkpoint.files(dir).get(0));
        assertEquals(0, builtFrom(), "built as the hub was written");
        open().close();
        assertEquals(0, builtFrom(), "an index within bounds is kept (a clean stop reopens at once)");
        long allowance = MapDbStorage.bloatAllowance;
        MapDbStorage.bloatAllowance = 0; // every index is "much larger than its live state" now
        try {
            open().close();
        } finally {
            MapDbStorage.bloatAllowance = allowance;
        }
        assertEquals(position, builtFrom(), "the index was rebuilt from the checkpoint");
        try (MapDbStorage again = open()) {
            assertEquals(head, again.revision("db").getAsLong());
            assertEquals(Overwrites.expected(head), Overwrites.actual(again, "db"));
        }
    }

    private long builtFrom() {
        Index index = Index.readOnly(dir.resolve("index.mapdb"));
        try {
            return index.builtFrom();
        } finally {
            index.close();
        }
    }

    @Test
    void aDamagedCheckpoint_whoseJournalWasCompactedAway_refusesToOpen_insteadOfLosingData() throws Exception {
        MapDbStorage s = open();
        s.createDatabase("db", -1);
        Overwrites.pushMany(s, "db", 200, 200);
        s.checkpoint();
        s.close();
        Files.delete(dir.resolve("index.clean"));
        Path checkpoint = Checkpoint.files(dir).get(0);
        VerifyTest.flipByte(checkpoint, Files.size(checkpoint) / 2);
        org.plasmid.core.PlasmidException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.plasmid.core.PlasmidException.class, this::open);
        assertTrue(e.getMessage().contains("restore it from a backup"), e.getMessage());
    }

    @Test
    void anUnfinishedCheckpointFile_isDeletedWhenTheHubOpens() throws Exception {
        MapDbStorage s = open();
        s.createDatabase("db", -1);
        Overwrites.pushNext(s, "db", 10);
        s.close();
        Files.createDirectories(Checkpoint.directory(dir));
        Path tmp = Checkpoint.directory(dir).resolve(String.format("%020d", 8) + ".ckpt.tmp");
        Files.writeString(tmp, "half");
        try (MapDbStorage again = open()) {
            assertFalse(Files.exists(tmp));
            assertNotNull(again.revision("db"));
        }
    }

    private long segments() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
            return files.count();
        }
    }

    /** Sizes of directory trees. */
    static final class Trees {
        private Trees() {
        }

        static long size(Path root) throws IOException {
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(Files::isRegularFile).mapToLong(p -> {
                    try {
                        return Files.size(p);
                    } catch (IOException e) {
                        return 0;
                    }
                }).sum();
            }
        }
    }
}
