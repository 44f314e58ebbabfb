package org.plasmid.core.mapdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.plasmid.core.PlasmidException;

/**
 * Checks a file hub without changing it: every journal record (checksums, order, segments contiguous),
 * every checkpoint (checksums and counts), that the journal continues the newest checkpoint (each push
 * the next revision of its database), and — when no process holds the hub and its last stop was clean
 * — that the index equals what the checkpoint and the journal say. While a server holds the hub, the
 * index is the server's and is not read.
 */
final class Verifier {
    private final Path hub;
    private final List<String> lines = new ArrayList<>();
    private boolean damaged;

    /**
     * How many times a hub a server holds is read before what disagrees is called damage: the server may
     * take a checkpoint and delete the journal segments before it between the verifier's reads.
     */
    static final int LIVE_ATTEMPTS = 5;
    /** For tests: runs between reading the checkpoints and reading the journal. */
    static volatile Runnable betweenReadsForTest;
    /** A server moved on between this check's reads: check again. */
    private boolean raced;

    private Verifier(Path hub) {
        this.hub = hub;
    }

    static MapDbStorage.VerifyReport run(Path directory) throws IOException {
        Path hub = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(hub.resolve("journal"))) {
            throw new java.nio.file.NoSuchFileException(hub.toString(), null, "no hub there (no journal directory)");
        }
        HubLock lock = null;
        String inUse = null;
        try {
            lock = HubLock.acquire(hub);
        } catch (PlasmidException e) {
            inUse = "in use: " + e.getMessage().replaceFirst("; stop it first$", "")
                    + "; checking its journal and checkpoints (the index is the server's)";
        }
        try {
            Verifier v;
            int attempt = 0;
            do {
                v = new Verifier(hub);
                if (inUse != null) {
                    v.lines.add(inUse);
                }
                v.check(lock != null, ++attempt >= LIVE_ATTEMPTS);
            } while (v.raced);
            return new MapDbStorage.VerifyReport(!v.damaged, List.copyOf(v.lines));
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    private void damage(String what) {
        damaged = true;
        lines.add("DAMAGED: " + what);
    }

    /**
     * @param exclusive whether this process holds the hub (else a server does, and writes on meanwhile)
     * @param lastAttempt whether disagreements a server's progress can explain are damage now
     */
    private void check(boolean exclusive, boolean lastAttempt) throws IOException {
        // The checkpoints first, then the journal: a server only writes a checkpoint at a position its
        // journal already holds, so the journal read after it reaches it (read the other way round, a
        // checkpoint written between the reads lay past the journal's end: reported as damage once)
        boolean live = !exclusive && !lastAttempt;
        List<Path> checkpoints = Checkpoint.files(hub);
        List<String> checkpointLines = new ArrayList<>();
        List<String> checkpointDamage = new ArrayList<>();
        Checkpoint.Summary newest = null;
        for (Path file : checkpoints) {
            try {
                Checkpoint.Summary s = Checkpoint.read(file, new Checkpoint.Visitor() { });
                checkpointLines.add("checkpoint " + file.getFileName() + ": " + s.databases() + " database(s), "
                        + s.entries() + " entries, " + s.credentials() + " account(s), " + s.grants() + " grant(s)");
                if (newest == null) {
                    newest = s;
                }
            } catch (java.nio.file.NoSuchFileException e) {
                if (live) { // the server deleted it once it had a newer one
                    raced = true;
                    return;
                }
                checkpointDamage.add(e.getMessage());
            } catch (IOException e) {
                checkpointDamage.add(e.getMessage());
            }
        }
        Runnable hook = betweenReadsForTest;
        if (hook != null) {
            hook.run();
        }
        Path journalDir = hub.resolve("journal");
        Journal.Check journal;
        try {
            journal = Journal.check(journalDir, null);
        } catch (java.nio.file.NoSuchFileException e) {
            if (live) { // a segment deleted after a newer checkpoint while it was being read
                raced = true;
                return;
            }
            throw e;
        }
        if (journal.damage() != null) {
            damage("journal: " + journal.damage());
        } else {
            lines.add("journal: " + journal.segments() + " segment(s), " + journal.records() + " records, positions "
                    + journal.start() + " to " + journal.end()
                    + (journal.tornTail() > 0 ? "; " + journal.tornTail() + " bytes after the last whole record ("
                            + (exclusive ? "a torn write, cut off when the hub opens" : "being written") + ")" : ""));
        }
        lines.addAll(checkpointLines);
        checkpointDamage.forEach(this::damage);
        if (live && journal.start() > 0 && (newest == null || newest.position() < journal.start())) {
            raced = true; // the server took a newer checkpoint and deleted the segments before it
            return;
        }
        if (checkpoints.isEmpty()) {
            lines.add("checkpoints: none yet");
            if (journal.start() > 0) {
                damage("the journal starts at position " + journal.start() + " but no checkpoint covers what came"
                        + " before it");
            }
        } else if (newest != null && (newest.position() < journal.start() || newest.position() > journal.end())) {
            damage("the newest checkpoint is at position " + newest.position() + ", outside the journal ("
                    + journal.start() + " to " + journal.end() + ")");
        }
        if (damaged) {
            return;
        }
        if (!exclusive) {
            lines.add("index: not checked (a server holds the hub)");
            return;
        }
        checkIndex(newest);
    }

    /** Rebuilds the index in a temporary file and compares it with the hub's, if that one was closed cleanly. */
    private void checkIndex(Checkpoint.Summary checkpoint) throws IOException {
        Path tmpDir = Files.createTempDirectory("plasmid-verify");
        try {
            Path file = tmpDir.resolve("index.mapdb");
            Map<String, Index.Db> dbs = new HashMap<>();
            Index rebuilt = checkpoint == null ? Index.file(file) : Checkpoint.load(checkpoint.file(), file, dbs).index();
            try {
                rebuilt.setVersion();
                long[] records = {0};
                String[] problem = {null};
                long from = checkpoint == null ? 0 : checkpoint.position();
                Journal.check(hub.resolve("journal"), (end, payload) -> {
                    if (problem[0] != null || end <= from) {
                        return;
                    }
                    Records.Record r = Records.decode(payload);
                    if (r instanceof Records.Push p && checkpoint != null) {
                        Index.Db d = dbs.get(p.database());
                        if (d != null && p.revision() <= d.head) {
                            return; // held by the checkpoint
                        }
                    }
                    try {
                        rebuilt.apply(r, dbs);
                    } catch (IllegalStateException e) {
                        problem[0] = "journal record ending at position " + end + ": " + e.getMessage();
                        return;
                    }
                    if (r instanceof Records.Push p) {
                        dbs.get(p.database()).head = p.revision();
                    }
                    records[0]++;
                });
                if (problem[0] != null) {
                    damage(problem[0]);
                    return;
                }
                lines.add("replay: " + records[0] + " journal records follow " + (checkpoint == null
                        ? "from the start" : "the checkpoint") + " in order; " + dbs.size() + " database(s)");
                compareIndex(rebuilt);
            } finally {
                rebuilt.close();
            }
        } finally {
            Backup.Trees.delete(tmpDir);
        }
    }

    private void compareIndex(Index rebuilt) throws IOException {
        Path marker = hub.resolve("index.clean");
        Path indexFile = hub.resolve("index.mapdb");
        if (!Files.exists(marker) || !Files.exists(indexFile)) {
            lines.add("index: not checked (the last stop was not clean; the index is rebuilt when the hub opens)");
            return;
        }
        long position = Long.parseLong(Files.readString(marker, StandardCharsets.US_ASCII).trim());
        Index existing = Index.readOnly(indexFile);
        try {
            if (existing.version() != Index.VERSION) {
                lines.add("index: layout " + existing.version() + " (rebuilt when the hub opens)");
                return;
            }
            if (existing.appliedPosition() != position) {
                damage("index: records journal position " + existing.appliedPosition() + " but index.clean says "
                        + position);
                return;
            }
            String difference = existing.difference(rebuilt);
            if (difference != null) {
                damage("index: differs from the checkpoint and journal: " + difference);
            } else {
                lines.add("index: agrees with the checkpoint and the journal");
            }
        } finally {
            existing.close();
        }
    }
}
