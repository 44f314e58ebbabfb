package org.plasmid.examples.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.Change;
import org.plasmid.core.JsonValue;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.PushResult;
import org.plasmid.core.mapdb.CheckpointPolicy;
import org.plasmid.core.mapdb.MapDbStorage;

/**
 * {@code --backup} and {@code --verify} through plasmidctl's main entry, on real hubs in a temporary
 * directory; a hub held open in this process stands for a server (the real server process is in
 * {@code OnlineBackupIT}).
 */
class PlasmidCtlHubFilesTest {
    @TempDir
    Path tmp;
    Path hub;

    @BeforeEach
    void hubPath() {
        hub = tmp.resolve("hub");
    }

    private CtlInProcess.Run ctl(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--hub-path";
        all[1] = hub.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CtlInProcess.run(all);
    }

    private static void failsInOneLine(CtlInProcess.Run r, int exit, String err) {
        assertEquals(exit, r.exitCode(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals(err + "\n", r.err());
    }

    /** Pushes {@code key = n} to database {@code notes}; returns the new revision. */
    private static long push(PlasmidHub h, String key, String json) {
        PushResult r = h.push("notes", h.info("notes").revision(), List.of(Change.put("s", key, JsonValue.parse(json))));
        assertTrue(r.isStored(), r::toString);
        return r.revision();
    }

    private static Map<String, String> clone(PlasmidHub h) {
        Map<String, String> state = new TreeMap<>();
        h.clone("notes", c -> {
            state.put(c.key(), c.value().toString());
            return true;
        });
        return state;
    }

    private void hubWithAnAccountAndData() {
        assertEquals(0, ctl("--set-secret", "test", "secret123").exitCode());
        try (PlasmidHub h = PlasmidHub.open(hub)) {
            for (int i = 1; i <= 20; i++) {
                push(h, "k" + i, "{\"n\": " + i + "}");
            }
        }
    }

    @Test
    void backup_writesAHubThatServesWhatTheSourceHeld_andSaysWhereInOneLine() {
        hubWithAnAccountAndData();
        Path target = tmp.resolve("backup");

        CtlInProcess.Run r = ctl("--backup", target.toString());

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err());
        assertTrue(r.out().matches("Backed up hub \\Q" + hub + "\\E to \\Q" + target
                + "\\E: \\d+\\.\\d MiB copied, up to journal position \\d+\\.\n"), r.out());
        Map<String, String> source;
        try (PlasmidHub h = PlasmidHub.open(hub)) {
            source = clone(h);
        }
        try (PlasmidHub copy = PlasmidHub.open(target)) {
            assertEquals(21, copy.info("notes").revision());
            assertEquals(source, clone(copy));
            assertTrue(copy.accounts().authenticate("test", "secret123"));
        }
    }

    @Test
    void backup_whileTheHubIsHeldOpen_works_andTheHubServesOn() {
        hubWithAnAccountAndData();
        Path target = tmp.resolve("backup");
        try (PlasmidHub server = PlasmidHub.open(hub)) {
            CtlInProcess.Run r = ctl("--backup", target.toString());
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(22, push(server, "after", "1"));
        }
        try (PlasmidHub copy = PlasmidHub.open(target)) {
            assertEquals(21, copy.info("notes").revision(), "what was acknowledged before the backup, not after");
        }
    }

    @Test
    void backup_intoAnEmptyDirectory_works() throws IOException {
        hubWithAnAccountAndData();
        Path target = Files.createDirectory(tmp.resolve("empty"));
        assertEquals(0, ctl("--backup", target.toString()).exitCode());
        assertTrue(Files.isDirectory(target.resolve("journal")));
    }

    @Test
    void backup_intoADirectoryThatIsNotEmpty_failsInOneLine_andLeavesItAsItWas() throws IOException {
        hubWithAnAccountAndData();
        Path target = Files.createDirectory(tmp.resolve("old"));
        Files.writeString(target.resolve("keep.txt"), "mine");

        failsInOneLine(ctl("--backup", target.toString()), 1, "plasmidctl: the backup directory " + target
                + " exists and is not empty: give a new or empty directory (each backup is a whole hub)");
        try (Stream<Path> files = Files.list(target)) {
            assertEquals(List.of(target.resolve("keep.txt")), files.toList());
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("hub", "old"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no partial copy left beside it");
        }
    }

    @Test
    void backup_orVerify_ofADirectoryThatIsNotAHub_failsInOneLine() throws IOException {
        Files.createDirectories(hub);
        failsInOneLine(ctl("--backup", tmp.resolve("b").toString()), 1,
                "plasmidctl: there is no hub at " + hub + " (no journal directory in it)");
        failsInOneLine(ctl("--verify"), 1, "plasmidctl: there is no hub at " + hub + " (no journal directory in it)");
        assertFalse(Files.exists(tmp.resolve("b")));
        try (Stream<Path> files = Files.list(hub)) {
            assertEquals(0, files.count(), "nothing created in it");
        }
    }

    @Test
    void backup_orVerify_ofAMissingHub_failsInOneLine_withoutCreatingIt() {
        for (String[] args : List.of(new String[] {"--backup", tmp.resolve("b").toString()}, new String[] {"--verify"})) {
            CtlInProcess.Run r = ctl(args);
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.err().startsWith("plasmidctl: there is no hub at " + hub + " "), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
        }
        assertFalse(Files.exists(hub));
    }

    @Test
    void verify_ofACleanHub_printsTheReport_andExits0() {
        hubWithAnAccountAndData();

        CtlInProcess.Run r = ctl("--verify");

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("journal: 1 segment(s), "), r.out());
        assertTrue(r.out().contains("\nindex: agrees with the checkpoint and the journal\n"), r.out());
        assertTrue(r.out().endsWith("\nNo damage found in hub " + hub + ".\n"), r.out());
        assertFalse(r.out().contains("DAMAGED"), r.out());
    }

    @Test
    void verify_whileTheHubIsHeldOpen_checksWhatItSafelyCan_saysSo_andExits0() {
        hubWithAnAccountAndData();
        try (PlasmidHub server = PlasmidHub.open(hub)) {
            CtlInProcess.Run r = ctl("--verify");

            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.out().startsWith("in use: "), r.out());
            assertTrue(r.out().contains("\nindex: not checked (a server holds the hub)\n"), r.out());
            assertTrue(r.out().endsWith("\nNo damage found in hub " + hub + ".\n"), r.out());
            assertEquals(22, push(server, "after", "1"), "the hub serves on");
        }
    }

    /**
     * A hub of two journal segments (64 MiB each): 17 pushes of a 4 MiB value, without checkpoints, so
     * the first segment is kept.
     */
    private void hubOfTwoSegments() throws IOException {
        String big = "\"" + "x".repeat(4 << 20) + "\"";
        try (PlasmidHub h = PlasmidHub.builder().storage(MapDbStorage.open(hub, CheckpointPolicy.disabled()), true)
                .build()) {
            for (int i = 1; i <= 17; i++) {
                push(h, "k" + i, big);
            }
        }
        assertEquals(2, segments().size(), segments()::toString);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(hub.resolve("journal"))) {
            return s.sorted().toList();
        }
    }

    @Test
    void verify_afterAByteFlippedInTheMiddleOfAJournalSegment_reportsTheDamage_andExits1() throws IOException {
        hubOfTwoSegments();
        assertEquals(0, ctl("--verify").exitCode(), "clean before the flip");
        Path first = segments().get(0);
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            long middle = f.length() / 2;
            f.seek(middle);
            int b = f.read();
            f.seek(middle);
            f.write(b ^ 0x01);
        }

        CtlInProcess.Run r = ctl("--verify");

        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("DAMAGED: journal: segment " + first.getFileName() + " is damaged at position "),
                r.out());
        assertFalse(r.out().contains("No damage found"), r.out());
        assertEquals("plasmidctl: hub " + hub + " is damaged (1 DAMAGED line above)\n", r.err());
    }

    @Test
    void backupAndVerify_withJdbcUrl_areBadUsage_pointingToPostgresOwnTools() {
        String url = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"; // refused before any connection
        CtlInProcess.Run backup = CtlInProcess.run("--jdbc-url", url, "--backup", tmp.resolve("b").toString());
        failsInOneLine(backup, 2, "plasmidctl: --backup copies a hub directory, not PostgreSQL: back PostgreSQL up "
                + "with its own tools (pg_dump, or pg_basebackup and WAL archiving; see the README, Scaling out on "
                + "PostgreSQL) (see --help)");
        failsInOneLine(CtlInProcess.run("--jdbc-url", url, "--verify"), 2, "plasmidctl: --verify checks a hub "
                + "directory, not PostgreSQL (pg_amcheck checks a PostgreSQL database) (see --help)");
        assertFalse(Files.exists(tmp.resolve("b")));
    }

    @Test
    void checkpointEvery_withJdbcUrl_withAnAction_orTooSmall_isBadUsage() {
        String url = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
        failsInOneLine(CtlInProcess.run("--jdbc-url", url, "--checkpoint-every", "1MiB"), 2,
                "plasmidctl: --checkpoint-every applies to a hub directory, not to --jdbc-url (PostgreSQL manages "
                        + "its own storage) (see --help)");
        failsInOneLine(ctl("--checkpoint-every", "1MiB", "--list-accounts"), 2,
                "plasmidctl: --checkpoint-every applies to serving, not to --list-accounts (see --help)");
        failsInOneLine(ctl("--checkpoint-every", "64KiB", "--backup", "b"), 2,
                "plasmidctl: --checkpoint-every applies to serving, not to --backup (see --help)");
        failsInOneLine(ctl("--checkpoint-every", "1KiB"), 2,
                "plasmidctl: --checkpoint-every needs a size of at least 4KiB, got 1KiB (see --help)");
        failsInOneLine(ctl("--checkpoint-every", "16MB"), 2, "plasmidctl: invalid value for option "
                + "'--checkpoint-every': '16MB' is not a size such as 65536, 64KiB, 16MiB or 1GiB (see --help)");
        failsInOneLine(ctl("--backup", "b", "--verify"), 2,
                "plasmidctl: --backup and --verify exclude each other: give one (see --help)");
        assertFalse(Files.exists(hub));
    }
}
