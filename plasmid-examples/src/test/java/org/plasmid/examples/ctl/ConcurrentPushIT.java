package org.plasmid.examples.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.examples.CtlJar;
import org.plasmid.examples.Device;
import org.plasmid.examples.client.SyncClient;

/** The conflict-reject rule over HTTP against the real plasmidctl.jar: of two racing pushes, one wins. */
class ConcurrentPushIT {
    private static final int ROUNDS = 20;

    @TempDir
    Path work;

    @Test
    void twoClientsPushingFromTheSameRevision_exactlyOneWins_everyRound() throws Exception {
        assertEquals(0, CtlJar.run(work, "--set-secret", "test", "secret123").exitCode());
        assertEquals(0, CtlJar.run(work, "--grant-permission", "test", "*", "*").exitCode());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (CtlJar.Server server = CtlJar.serve(work, "--port", "0")) {
            Device first = new Device(server.api(), "race", "test", "secret123");
            Device second = new Device(server.api(), "race", "test", "secret123");
            long revision = first.get("d/race").body().get("revision").asLong();
            for (int round = 0; round < ROUNDS; round++) {
                long from = revision;
                CyclicBarrier go = new CyclicBarrier(2); // both requests leave together
                List<Future<SyncClient.Response>> answers = List.of(
                        pool.submit(() -> race(go, first, Device.pushBody(from, "s", "k", "first"))),
                        pool.submit(() -> race(go, second, Device.pushBody(from, "s", "k", "second"))));
                String outcome = "round " + round + ": " + answers.get(0).get().body() + " / " + answers.get(1).get().body();

                int winners = 0;
                for (Future<SyncClient.Response> f : answers) {
                    SyncClient.Response a = f.get();
                    assertEquals(200, a.status(), outcome);
                    assertEquals(from + 1, a.body().get("revision").asLong(), outcome);
                    if (a.body().get("saved").asInt() == 1) {
                        winners++;
                    } else {
                        assertEquals("outofdate", a.body().get("reason").asText(), outcome);
                    }
                }
                assertEquals(1, winners, outcome);
                revision = first.get("d/race").body().get("revision").asLong();
                assertEquals(from + 1, revision, outcome);
            }
            assertEquals(0, server.terminate(), server::log);
        } finally {
            pool.shutdownNow();
        }
    }

    private static SyncClient.Response race(CyclicBarrier go, Device device,
            com.fasterxml.jackson.databind.JsonNode body) throws Exception {
        go.await(30, TimeUnit.SECONDS);
        return device.post("d/race/update/", body);
    }
}
