package org.plasmid.examples.tools.torture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.examples.client.SimulatedDevice;
import org.plasmid.examples.client.SyncClient;
import org.plasmid.examples.tools.ServerProcess;

/**
 * SIGTERM to the real {@code plasmidctl.jar} while devices push and pull, a reader clones, and
 * long-polls are held: every request gets a proper answer, or is refused cleanly (the protocol's 503
 * with {@code Retry-After} and a JSON error while the server stops, or no connection once it has
 * stopped); held long-polls are answered rather than cut; the process exits 0 with the hub closed; and
 * after a restart every acknowledged push is there, whole.
 */
class GracefulShutdownIT {
    private static final String DB = "torture";
    private static final int PUSHERS = 3;
    private static final int SLEEPERS = 2;

    @TempDir
    Path work;

    private final Map<TortureAudit.Batch, TortureAudit.Ack> acks = new ConcurrentHashMap<>();
    private final List<String> improper = Collections.synchronizedList(new ArrayList<>());
    private final List<String> noAnswer = Collections.synchronizedList(new ArrayList<>());
    private final List<String> refused = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stopping = new AtomicBoolean();

    @Test
    void sigtermUnderLoad_answersOrRefusesEveryRequestCleanly_exits0_andLosesNothing() throws Exception {
        Path jar = Path.of(System.getProperty("plasmidctl.jar"));
        Path hub = work.resolve("hub");
        ServerProcess.admin(jar, work, List.of("-p", hub.toString(), "--set-secret", "t", "secret"));
        ServerProcess.admin(jar, work, List.of("-p", hub.toString(), "--grant-permission", "t", "*", "*"));
        List<TortureDevice> devices = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(jar, work, List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"),
                List.of("--port", "0", "-p", hub.toString()), Duration.ofSeconds(60))) {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < PUSHERS; i++) {
                TortureDevice d = new TortureDevice(i, new SyncClient(server.api(), "t", "secret"), DB, new Random(i), acks);
                devices.add(d);
                threads.add(start(() -> push(d)));
            }
            threads.add(start(() -> read(new SyncClient(server.api(), "t", "secret"))));
            Thread.sleep(1000); // load runs; then long-polls that nothing will wake but the stop
            List<SyncClient.Response> sleepers = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < SLEEPERS; i++) {
                SyncClient sleeper = new SyncClient(server.api(), "t", "secret");
                assertEquals(200, sleeper.info(DB).status());
                threads.add(start(() -> sleepers.add(sleeper.pull(DB, 1_000_000, 0, 30))));
            }
            Thread.sleep(1500);

            stopping.set(true);
            long before = System.nanoTime();
            int exit = server.terminate(Duration.ofSeconds(60));
            long stopMillis = (System.nanoTime() - before) / 1_000_000;
            for (Thread t : threads) {
                t.join(60_000);
            }
            System.out.printf("stopped in %d ms; %d pushes acknowledged; refused while stopping: %s;"
                    + " without an answer: %s; improper answers: %s%n", stopMillis, acks.size(), refused, noAnswer,
                    improper);

            assertEquals(0, exit, server::log);
            assertTrue(server.log().contains("Plasmid Sync stopped; hub "), server::log);
            assertTrue(Files.exists(hub.resolve("index.clean")), "the hub was closed cleanly");
            assertEquals(List.of(), improper, "every answer is a proper one");
            assertEquals(SLEEPERS, sleepers.size(), "every held long-poll was answered: " + noAnswer);
            for (SyncClient.Response r : sleepers) {
                assertEquals(200, r.status(), r::toString);
                assertEquals(0, r.body().get("updates").size(), r::toString);
            }
            assertTrue(acks.size() > PUSHERS, "pushes were acknowledged before the stop: " + acks.size());
        }

        try (ServerProcess again = ServerProcess.start(jar, work, List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"),
                List.of("--port", "0", "-p", hub.toString()), Duration.ofSeconds(60))) {
            SyncClient client = new SyncClient(again.api(), "t", "secret");
            SyncClient.Response all = client.pull(DB, 1, 0, 0);
            TortureAudit.Result audit = TortureAudit.audit(all.body().get("updates"), all.body().get("until").asLong(),
                    Map.copyOf(acks));
            assertTrue(audit.clean(), audit::toString);
            assertEquals(0, again.terminate(Duration.ofSeconds(60)), again::log);
        }
    }

    /** Syncs batches until the server refuses or is gone. */
    private void push(TortureDevice d) {
        RuntimeException failure = d.work(() -> false);
        if (failure instanceof SimulatedDevice.SyncException e) {
            answered("device " + d.id(), e.response());
        } else if (failure instanceof UncheckedIOException e) {
            noted("device " + d.id(), e);
        } else {
            improper.add("device " + d.id() + " stopped by " + failure);
        }
    }

    /** An error answer is proper only as the clean refusal of a stopping server. */
    private void answered(String who, SyncClient.Response r) {
        if (stopping.get() && r.status() == 503 && r.retryAfter() != null && r.reason().equals("unavailable")) {
            refused.add(who);
        } else {
            improper.add(who + ": HTTP " + r.status() + " " + r.body() + " Retry-After " + r.retryAfter());
        }
    }

    /** Pulls and clones until the server is gone. */
    private void read(SyncClient client) {
        try {
            for (long since = 1; ; since = (since * 7) % 50 + 1) {
                for (SyncClient.Response r : List.of(client.pull(DB, since, 0, 0), client.cloneDatabase(DB))) {
                    if (r.status() != 200) {
                        answered("reader", r);
                    }
                }
            }
        } catch (UncheckedIOException e) {
            noted("reader", e);
        }
    }

    private void noted(String who, UncheckedIOException e) {
        if (!stopping.get()) {
            improper.add(who + ": no answer before the stop: " + e.getMessage());
        }
        noAnswer.add(who + ": " + (e.getCause() instanceof ConnectException ? "connection refused" : e.getCause().toString()));
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
