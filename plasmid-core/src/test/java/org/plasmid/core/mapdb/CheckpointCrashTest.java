package org.plasmid.core.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.Grant;

/**
 * kill -9 at each named step of checkpointing and compaction (the child stops there, see
 * {@link CheckpointCrasher}, while another thread keeps pushing), then an audit of the reopened hub:
 * every acknowledged push present, the database exactly as its history says at its head (nothing lost,
 * nothing resurrected), accounts, grants and quotas intact, and the hub clean to the verifier. The step
 * decides where the kill lands, so the verdict is the same every run.
 */
class CheckpointCrashTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "killed at {0}")
    @ValueSource(strings = {"copying", "written", "renamed", "old-deleted", "segment-deleted", "done"})
    void aKillAtAnyStepOfACheckpoint_losesNothing_andLeavesAHubThatOpens(String step) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CheckpointCrasher.class.getName(), dir.toString(), step)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long acked = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            int afterPause = -1;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked = Math.max(acked, Long.parseLong(line.substring(4)));
                    if (afterPause >= 0 && ++afterPause >= 20) {
                        break; // pushes went on while the checkpoint stood at the step
                    }
                } else if (line.equals("PAUSED " + step)) {
                    afterPause = 0;
                } else {
                    throw new AssertionError("child: " + line);
                }
            }
            assertTrue(afterPause >= 0, "the child reached " + step);
            child.toHandle().destroyForcibly(); // SIGKILL; read what it printed before dying
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked = Math.max(acked, Long.parseLong(line.substring(4)));
                }
            }
        } finally {
            child.destroyForcibly();
        }
        try (MapDbStorage s = MapDbStorage.open(dir, CheckpointPolicy.disabled(), CheckpointCrasher.SEGMENT)) {
            long head = s.revision("db").getAsLong();
            assertTrue(head >= acked, "acknowledged revision " + acked + " present (head " + head + ")");
            assertEquals(Overwrites.expected(head), Overwrites.actual(s, "db"), "the database as its history says");
            Overwrites.pulled(s, "db");
            assertEquals(1 << 20, s.databaseQuota("db"));
            assertEquals(4096, s.databaseQuota("alice_db"));
            assertNotNull(s.credential("alice").orElse(null));
            assertEquals(List.of(new Grant("alice", "ReadDatabase", "db", "Yes", null)), s.grants("alice"));
            assertEquals(List.of(new Grant("bob", "ReadDatabase", "db", "No", null),
                    new Grant("bob", "WriteDatabase", "db", "Yes", "alice")), s.grants("bob"));
            assertEquals(head + 1, Overwrites.pushNext(s, "db", 10), "the hub takes pushes again");
            s.checkpoint();
            assertEquals(Overwrites.expected(head + 1), Overwrites.actual(s, "db"));
        }
        MapDbStorage.VerifyReport report = MapDbStorage.verify(dir);
        assertTrue(report.clean(), report.lines().toString());
        assertEquals(1, Checkpoint.files(dir).size(), "one checkpoint left");
    }

}
