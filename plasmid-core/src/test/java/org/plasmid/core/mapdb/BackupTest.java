package org.plasmid.core.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.Grant;
import org.plasmid.core.spi.Credential;

/** Online backups: taken while pushes go on and compaction runs, whole, and served as they are. */
class BackupTest {
    @TempDir
    Path root;

    @Test
    void aBackupUnderConcurrentPushesAndCompaction_holdsEveryPushAcknowledgedBeforeIt_andRealStates()
            throws Exception {
        Path hub = root.resolve("hub");
        String[] dbs = {"a", "b", "c"};
        AtomicBoolean stop = new AtomicBoolean();
        try (MapDbStorage s = MapDbStorage.open(hub, CheckpointPolicy.defaults().every(48 << 10), 32 << 10)) {
            s.createAccount(new Credential("alice", new byte[] {1}, new byte[] {2}, 0, false),
                    List.of(new Grant("alice", "ReadDatabase", "a", "Yes", null)), null, -1);
            AtomicLong[] acked = new AtomicLong[dbs.length];
            Thread[] writers = new Thread[dbs.length];
            for (int i = 0; i < dbs.length; i++) {
                s.createDatabase(dbs[i], -1);
                AtomicLong a = acked[i] = new AtomicLong(1);
                String db = dbs[i];
                writers[i] = new Thread(() -> {
                    while (!stop.get()) {
                        a.set(Overwrites.pushNext(s, db, 150));
                    }
                });
                writers[i].start();
            }
            for (int round = 0; round < 3; round++) {
                while (acked[0].get() < 150L * (round + 1)) {
                    Thread.sleep(5);
                }
                long[] before = new long[dbs.length];
                for (int i = 0; i < dbs.length; i++) {
                    before[i] = acked[i].get();
                }
                Path target = root.resolve("backup-" + round);
                MapDbStorage.BackupResult result = round == 1 ? MapDbStorage.backup(hub, target) : s.backup(target);
                assertEquals(target, result.target());
                try (MapDbStorage copy = MapDbStorage.open(target)) {
                    for (int i = 0; i < dbs.length; i++) {
                        long head = copy.revision(dbs[i]).getAsLong();
                        assertTrue(head >= before[i], dbs[i] + ": acknowledged " + before[i] + " before the backup,"
                                + " backup holds " + head);
                        assertEquals(Overwrites.expected(head), Overwrites.actual(copy, dbs[i]),
                                dbs[i] + " in the backup is the state it had at revision " + head);
                    }
                    assertEquals(s.grants("alice"), copy.grants("alice"));
                    assertTrue(copy.credential("alice").isPresent());
                }
                assertTrue(MapDbStorage.verify(target).clean(), MapDbStorage.verify(target).lines().toString());
            }
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
            assertFalse(Checkpoint.files(hub).isEmpty(), "compaction ran meanwhile");
        }
        try (var leftovers = Files.list(root)) {
            assertEquals(List.of(), leftovers.filter(p -> p.getFileName().toString().startsWith(".")).toList(),
                    "no partial copy left beside the backups");
        }
    }

    @Test
    void aBackupIntoANonEmptyDirectory_isRefused_andAnEmptyOneIsFilled() throws Exception {
        Path hub = root.resolve("hub");
        try (MapDbStorage s = MapDbStorage.open(hub)) {
            s.createDatabase("db", -1);
            Overwrites.pushNext(s, "db", 10);
        }
        Path full = Files.createDirectories(root.resolve("full"));
        Files.writeString(full.resolve("something"), "x");
        assertThrows(FileAlreadyExistsException.class, () -> MapDbStorage.backup(hub, full));
        assertEquals(List.of(full.resolve("something")), Files.list(full).toList());

        Path empty = Files.createDirectories(root.resolve("empty"));
        MapDbStorage.backup(hub, empty);
        try (MapDbStorage copy = MapDbStorage.open(empty)) {
            assertEquals(2, copy.revision("db").getAsLong());
        }
        assertThrows(java.nio.file.NoSuchFileException.class, () -> MapDbStorage.backup(root.resolve("none"),
                root.resolve("x")));
    }
}
