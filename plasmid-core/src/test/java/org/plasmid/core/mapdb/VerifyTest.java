package org.plasmid.core.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verifier: clean hubs are reported clean; a flipped byte is found wherever it is. */
class VerifyTest {
    private static final long SEGMENT = 32 << 10;

    @TempDir
    Path dir;

    /** A hub of several segments and a checkpoint, closed cleanly. */
    private void hubWithACheckpoint() {
        try (MapDbStorage s = MapDbStorage.open(dir, CheckpointPolicy.disabled(), SEGMENT)) {
            s.createDatabase("db", -1);
            Overwrites.pushMany(s, "db", 300, 200);
            s.checkpoint();
            Overwrites.pushMany(s, "db", 300, 200);
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x20);
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("journal"))) {
            return s.sorted().toList();
        }
    }

    @Test
    void aCleanHub_isReportedClean_withItsIndexChecked() throws Exception {
        hubWithACheckpoint();
        MapDbStorage.VerifyReport report = MapDbStorage.verify(dir);
        assertTrue(report.clean(), report.lines().toString());
        String text = String.join("\n", report.lines());
        assertTrue(text.contains("index: agrees with the checkpoint and the journal"), text);
        assertTrue(text.contains("checkpoint 0"), text);
    }

    @Test
    void aFlippedByteInAJournalSegment_isDamage() throws Exception {
        hubWithACheckpoint();
        List<Path> segments = segments();
        assertTrue(segments.size() >= 3, segments.toString());
        flipByte(segments.get(1), SEGMENT / 2);
        MapDbStorage.VerifyReport report = MapDbStorage.verify(dir);
        assertFalse(report.clean(), report.lines().toString());
        assertTrue(report.lines().stream().anyMatch(l -> l.startsWith("DAMAGED: journal: segment "
                + segments.get(1).getFileName() + " is damaged")), report.lines().toString());
    }

    @Test
    void aFlippedByteInTheMiddleOfTheLastSegment_isDamage_notATornWrite() throws Exception {
        hubWithACheckpoint();
        List<Path> segments = segments();
        Path last = segments.get(segments.size() - 1);
        flipByte(last, Files.size(last) / 2);
        MapDbStorage.VerifyReport report = MapDbStorage.verify(dir);
        assertFalse(report.clean(), report.lines().toString());
        assertTrue(report.lines().toString().contains("not a torn write"), report.lines().toString());
    }

    @Test
    void aFlippedByteInTheCheckpoint_isDamage() throws Exception {
        hubWithACheckpoint();
        Path checkpoint = Checkpoint.files(dir).get(0);
        flipByte(checkpoint, Files.size(checkpoint) / 2);
        MapDbStorage.VerifyReport report = MapDbStorage.verify(dir);
        assertFalse(report.clean(), report.lines().toString());
        assertTrue(report.lines().stream().anyMatch(l -> l.startsWith("DAMAGED: checkpoint") && l.contains(
                "checksum")), report.lines().toString());
    }

    @Test
    void anIndexThatDisagreesWithTheJournal_isDamage() throws Exception {
        hubWithACheckpoint();
        // a clean stop of a hub whose journal then lost its last segment's records: the index holds more
        Path other = dir.resolveSibling(dir.getFileName() + "-short");
        try (MapDbStorage s = MapDbStorage.open(other, CheckpointPolicy.disabled(), SEGMENT)) {
            s.createDatabase("db", -1);
            Overwrites.pushNext(s, "db", 10);
        }
        Files.copy(dir.resolve("index.mapdb"), other.resolve("index.mapdb"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(other.resolve("index.clean"), Files.readString(dir.resolve("index.clean")));
        MapDbStorage.VerifyReport report = MapDbStorage.verify(other);
        assertFalse(report.clean(), report.lines().toString());
        assertTrue(report.lines().toString().contains("DAMAGED: index"), report.lines().toString());
        Backup.Trees.delete(other);
    }

    /** The hub kept open, as a server holds it, with 100 pushes and a checkpoint. */
    private MapDbStorage hubInUse() {
        MapDbStorage s = MapDbStorage.open(dir, CheckpointPolicy.disabled(), SEGMENT);
        s.createDatabase("db", -1);
        Overwrites.pushMany(s, "db", 100, 200);
        s.checkpoint();
        return s;
    }

    @Test
    void aHubInUse_isCheckedAsFarAsIsSafe_andSaysSo() throws Exception {
        try (MapDbStorage s = hubInUse()) {
            MapDbStorage.VerifyReport report = MapDbStorage.verify(dir);
            assertTrue(report.clean(), report.lines().toString());
            assertTrue(report.lines().get(0).startsWith("in use: "), report.lines().toString());
            assertTrue(report.lines().contains("index: not checked (a server holds the hub)"), report.lines().toString());
            assertEquals(102, Overwrites.pushNext(s, "db", 1), "the hub serves on after the check");
        }
    }

    /**
     * Verifies the hub in use, running {@code action} once between the verifier's reads of the checkpoints
     * and of the journal, and asserts that it is reported clean.
     */
    private void reportedCleanWith(Runnable action) throws IOException {
        Verifier.betweenReadsForTest = () -> {
            Verifier.betweenReadsForTest = null;
            action.run();
        };
        MapDbStorage.VerifyReport report;
        try {
            report = MapDbStorage.verify(dir);
        } finally {
            Verifier.betweenReadsForTest = null;
        }
        assertTrue(report.clean(), report.lines().toString());
        assertTrue(report.lines().get(0).startsWith("in use: "), report.lines().toString());
    }

    @Test
    void aCheckpointTakenBetweenTheVerifiersReads_ofAHubInUse_isNotDamage() throws Exception {
        try (MapDbStorage s = hubInUse()) {
            reportedCleanWith(() -> {
                Overwrites.pushMany(s, "db", 20, 200);
                s.checkpoint(); // further into the journal than the checkpoint the verifier read
            });
        }
    }

    @Test
    void segmentsDeletedAfterANewerCheckpoint_betweenTheVerifiersReads_ofAHubInUse_areReadAgain_notDamage()
            throws Exception {
        try (MapDbStorage s = hubInUse()) {
            Path firstBefore = segments().get(0);
            reportedCleanWith(() -> {
                Overwrites.pushMany(s, "db", 300, 200); // several segments of 32 KiB
                s.checkpoint(); // and the segments before it deleted
            });
            assertFalse(Files.exists(firstBefore), "the checkpoint deleted the journal's first segment");
        }
    }
}
