package org.plasmid.examples.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.examples.CtlJar;
import org.plasmid.examples.Device;
import org.plasmid.examples.client.SyncClient;

/**
 * {@code plasmidctl --backup} and {@code --verify} against the real {@code plasmidctl.jar} while another
 * plasmidctl process serves the hub (with checkpoints forced frequent) and a client pushes: the backup is
 * a hub that {@code plasmidctl --hub-path DIR} serves, holding every push acknowledged before it started,
 * in a state the database really had.
 */
class OnlineBackupIT {
    private static final String PAD = "p".repeat(2000);
    private static final long WAIT_MILLIS = 60_000;

    @TempDir
    Path work;

    /** One device pushing one key per push, each named after the revision it makes: revision r holds k2..kr. */
    private static final class Pusher implements Runnable {
        private final Device device;
        private final AtomicLong acknowledged = new AtomicLong(1);
        private final AtomicReference<String> failure = new AtomicReference<>();
        private volatile boolean stopping;
        private final Thread thread = new Thread(this, "pusher");

        Pusher(URI api) {
            device = new Device(api, "notes", "test", "secret123");
            thread.start();
        }

        @Override
        public void run() {
            while (!stopping) {
                long next = device.lastRevision + 1;
                SyncClient.Response r = device.push("s", "k" + next, Map.of("n", next, "pad", PAD));
                if (r.status() != 200 || r.body().path("revision").asLong() != next) {
                    failure.set("push of k" + next + " answered " + r.status() + " " + r.body());
                    return;
                }
                acknowledged.set(next);
            }
        }

        /** @return the newest revision acknowledged so far */
        long acknowledged() {
            return acknowledged.get();
        }

        /** Waits until {@code revision} is acknowledged (the server keeps taking pushes). */
        void awaitAcknowledged(long revision) throws InterruptedException {
            long deadline = System.currentTimeMillis() + WAIT_MILLIS;
            while (acknowledged() < revision) {
                assertEquals(null, failure.get());
                assertTrue(System.currentTimeMillis() < deadline, "revision " + revision + " not acknowledged in time");
                Thread.sleep(20);
            }
        }

        void stop() throws InterruptedException {
            stopping = true;
            thread.join(WAIT_MILLIS);
            assertEquals(null, failure.get());
        }
    }

    private static void awaitLog(CtlJar.Server server, String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!server.log().contains(text)) {
            assertTrue(System.currentTimeMillis() < deadline, "the server did not log '" + text + "':\n" + server.log());
            Thread.sleep(50);
        }
    }

    @Test
    void aBackupTakenWhileARealServerTakesPushes_servesEveryPushAcknowledgedBeforeIt_asAStateTheDatabaseHad()
            throws Exception {
        assertEquals(0, CtlJar.run(work, "--set-secret", "test", "secret123").exitCode());
        assertEquals(0, CtlJar.run(work, "--grant-permission", "test", "*", "*").exitCode());
        Path backupDir = work.resolve("backup");
        long acknowledgedBefore;
        try (CtlJar.Server server = CtlJar.serve(work, "--port", "0", "--checkpoint-every", "64KiB")) {
            Pusher pusher = new Pusher(server.api());
            // a checkpoint under way of the pushes: the backup copies the newest checkpoint and the journal after it
            awaitLog(server, "checkpoint at journal position");

            acknowledgedBefore = pusher.acknowledged();
            CtlJar.Result backup = CtlJar.run(work, "--backup", "backup");

            assertEquals(0, backup.exitCode(), backup::toString);
            assertTrue(backup.out().matches("Backed up hub \\Q" + work.resolve("hub").toRealPath() + "\\E to \\Q"
                    + backupDir.toRealPath() + "\\E: \\d+\\.\\d MiB copied, up to journal position \\d+\\.\n"),
                    backup::toString);
            pusher.awaitAcknowledged(pusher.acknowledged() + 10);

            CtlJar.Result verify = CtlJar.run(work, "--verify");
            assertEquals(0, verify.exitCode(), verify::toString);
            assertTrue(verify.out().startsWith("in use: "), verify::toString);
            assertTrue(verify.out().contains("\nindex: not checked (a server holds the hub)\n"), verify::toString);
            assertTrue(verify.out().contains("\ncheckpoint "), "a checkpoint was checked\n" + verify);

            pusher.stop();
            assertEquals(0, server.terminate(), server::log);
        }
        try (var checkpoints = Files.list(backupDir.resolve("checkpoints"))) {
            assertEquals(1, checkpoints.count(), "the backup holds the newest checkpoint");
        }
        CtlJar.Result verifyBackup = CtlJar.run(work, "--hub-path", "backup", "--verify");
        assertEquals(0, verifyBackup.exitCode(), verifyBackup::toString);
        assertTrue(verifyBackup.out().contains("\nindex: agrees with the checkpoint and the journal\n"),
                verifyBackup::toString);

        try (CtlJar.Server restored = CtlJar.serve(work, "--port", "0", "--hub-path", "backup")) {
            JsonNode clone = new Device(restored.api(), "notes", "test", "secret123").get("d/notes/clone").body();
            long revision = clone.get("revision").asLong();
            assertTrue(revision >= acknowledgedBefore, "acknowledged " + acknowledgedBefore + " before the backup, "
                    + "the backup holds " + revision);
            JsonNode store = clone.get("data").get("s");
            assertEquals(revision - 1, store.size(), "k2..k" + revision + ", nothing more, nothing less");
            for (Iterator<Map.Entry<String, JsonNode>> it = store.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                long n = Long.parseLong(e.getKey().substring(1));
                assertTrue(n >= 2 && n <= revision, e.getKey());
                assertEquals(n, e.getValue().get(0).asLong(), e.getKey() + " at its own revision");
                assertEquals(n, e.getValue().get(1).get("n").asLong(), e.getKey());
                assertEquals(PAD, e.getValue().get(1).get("pad").asText(), e.getKey() + " whole");
            }
            assertEquals(0, restored.terminate(), restored::log);
        }
    }
}
