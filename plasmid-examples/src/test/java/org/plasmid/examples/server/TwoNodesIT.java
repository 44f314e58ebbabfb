package org.plasmid.examples.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.jdbc.JdbcStorage;
import org.plasmid.core.jdbc.TestPostgres;
import org.plasmid.examples.CtlJar;
import org.plasmid.examples.client.SyncClient;
import org.plasmid.examples.tools.ServerProcess;

/**
 * Two real plasmidctl nodes ({@code java -jar plasmidctl.jar --jdbc-url ...}) on separate ports and one
 * PostgreSQL schema, as behind a load balancer: one source of truth, the rules across both, each node
 * hearing of the other's pushes and of the CLI's account changes; a node killed, or the database cut off,
 * loses nothing acknowledged. Deadlines are generous: tests never assert speed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodesIT {
    private static final String ADMIN = "admin";
    private static final String SECRET = "admin-secret";

    @TempDir
    static Path work;

    private TestPostgres pg;
    private final List<ServerProcess> nodes = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(12);
    /** A pair shared by the tests that kill nothing; the re-check is an hour away, so only notifications work fast. */
    private ServerProcess a;
    private ServerProcess b;

    @BeforeAll
    void schemaAndNodes() throws Exception {
        pg = TestPostgres.freshSchema();
        try (PlasmidHub hub = PlasmidHub.builder().storage(JdbcStorage.open(pg.simpleDataSource()), true).build()) {
            hub.accounts().setSecret(ADMIN, SECRET);
            hub.accounts().grant(ADMIN, "*", "*", "Yes");
        }
        a = node(pg.url(), "1h");
        b = node(pg.url(), "1h");
    }

    @AfterAll
    void stop() throws Exception {
        pool.shutdownNow();
        nodes.forEach(ServerProcess::close);
        pg.close();
    }

    /** An admin command run by the CLI on the shared schema, as an operator would while the nodes serve. */
    private String cli(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--jdbc-url", pg.url()));
        all.addAll(List.of(args));
        CtlJar.Result r = CtlJar.run(work, all.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r::toString);
        return r.out();
    }

    private ServerProcess node(String url, String recheck) throws Exception {
        ServerProcess p = ServerProcess.start(CtlJar.jar(), work, List.of("-Xmx192m"),
                List.of("--jdbc-url", url, "--port", "0", "--jdbc-recheck", recheck), Duration.ofSeconds(90));
        nodes.add(p);
        return p;
    }

    private static SyncClient client(ServerProcess node) {
        return new SyncClient(node.api(), ADMIN, SECRET);
    }

    private static ObjectNode data(String key, int value) {
        ObjectNode body = SyncClient.JSON.createObjectNode();
        body.putObject("s").put(key, value);
        return body;
    }

    @Test
    void racingPushesFromOneRevision_throughBothNodes_haveExactlyOneWinner_everyRound() throws Exception {
        client(a).info("race");
        for (int round = 0; round < 10; round++) {
            long from = client(b).info("race").body().get("revision").asLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<SyncClient.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                SyncClient c = client(i % 2 == 0 ? a : b);
                int n = i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return c.push("race", from, data("k" + n, n), null);
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<SyncClient.Response> f : answers) {
                SyncClient.Response r = f.get(60, TimeUnit.SECONDS);
                assertEquals(200, r.status(), r::toString);
                if (r.body().has("saved") && r.body().get("saved").asInt() == 1) {
                    winners++;
                } else {
                    assertEquals("outofdate", r.reason(), r::toString);
                }
            }
            assertEquals(1, winners, "round " + round);
        }
    }

    @Test
    void devicesOnBothNodes_writeGapFreeWholeRevisions_whileAReaderOnBNeverSeesAGap() throws Exception {
        Map<Long, Integer> acked = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> gap = new AtomicReference<>();
        client(a).info("shared");
        Future<?> reader = pool.submit(() -> {
            SyncClient onB = client(b);
            while (writing.get() && gap.get() == null) {
                JsonNode pull = onB.pull("shared", 0, 0, 0).body();
                Map<Long, Integer> seen = new HashMap<>();
                pull.get("updates").forEach(u -> seen.merge(u.get(1).asLong(), 1, Integer::sum));
                for (long rev = 2; rev <= pull.get("until").asLong(); rev++) {
                    if (!seen.containsKey(rev)) {
                        gap.set("revision " + rev + " missing below " + pull.get("until"));
                    }
                }
            }
            return null;
        });
        List<Future<?>> devices = new ArrayList<>();
        for (int d = 0; d < 8; d++) {
            SyncClient c = client(d % 2 == 0 ? a : b);
            int id = d;
            devices.add(pool.submit(() -> {
                for (int p = 0; p < 10; p++) {
                    int size = 1 + (id + p) % 3;
                    while (true) {
                        long head = c.info("shared").body().get("revision").asLong();
                        ObjectNode body = SyncClient.JSON.createObjectNode();
                        ObjectNode store = body.putObject("s");
                        for (int i = 0; i < size; i++) {
                            store.put("d" + id + "-p" + p + "-" + i, i);
                        }
                        SyncClient.Response r = c.push("shared", head, body, null);
                        if (r.body().has("saved") && !r.body().has("reason")) {
                            acked.put(r.body().get("revision").asLong(), size);
                            break;
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : devices) {
            f.get(240, TimeUnit.SECONDS);
        }
        writing.set(false);
        reader.get(60, TimeUnit.SECONDS);
        assertNull(gap.get(), "the reader on B saw a gap");
        JsonNode all = client(b).pull("shared", 0, 0, 0).body();
        Map<Long, Integer> stored = new HashMap<>();
        all.get("updates").forEach(u -> stored.merge(u.get(1).asLong(), 1, Integer::sum));
        assertEquals(acked, stored, "every push whole, at its revision, none skipped");
        assertEquals(1 + 80, all.get("until").asLong());
    }

    @Test
    void aLongPollOnB_isWokenByAPushOnA_throughTheNotification() throws Exception {
        client(a).push("live", 1, data("first", 1), null);
        long before = client(b).info("live").body().get("revision").asLong();
        CompletableFuture<SyncClient.Response> poll = CompletableFuture.supplyAsync(
                () -> client(b).pull("live", before, 0, 25), pool);
        // Give the poll a moment to be held on B. Had the push come first, the poll would simply answer at
        // once with the same update; held, only the notification from A answers it with the update (the
        // re-check is an hour away, and the hold would end after 25 s with nothing).
        Thread.sleep(500);
        client(a).push("live", before, data("second", 2), null);
        SyncClient.Response r = poll.get(30, TimeUnit.SECONDS);
        assertEquals(1, r.body().get("updates").size(), r::toString);
        assertEquals("second", r.body().get("updates").get(0).get(2).asText());
    }

    @Test
    void anAccountCreatedAndAGrantRevokedByTheCli_whileBothServe_takeEffectOnBoth() throws Exception {
        client(a).push("notes", 1, data("k", 1), null);
        cli("--set-secret", "carol", "carol-secret");
        cli("--grant-permission", "carol", "ReadDatabase", "notes");
        for (ServerProcess n : List.of(a, b)) {
            SyncClient carol = new SyncClient(n.api(), "carol", "carol-secret");
            awaitTrue(() -> carol.info("notes").status() == 200, "carol reads through " + n.api());
        }
        cli("--revoke-permission", "carol", "ReadDatabase", "notes");
        for (ServerProcess n : List.of(a, b)) {
            SyncClient carol = new SyncClient(n.api(), "carol", "carol-secret");
            awaitTrue(() -> carol.info("notes").status() == 403, "the revocation reaches " + n.api());
        }
    }

    @Test
    void theCrossNodeLatencyTool_measuresWakeUpsAndRevocations() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        int exit = org.plasmid.examples.cli.Cli.execute(new CrossNodeLatencyRunner().tool(out), new String[] {"--url",
            a.api() + "," + b.api(), "--access", ADMIN, "--secret", SECRET, "--rounds", "3"}, out, out);
        String printed = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, exit, printed);
        assertTrue(printed.contains("push on A -> long-poll on B answers") && printed.contains("n=3"), printed);
        assertTrue(printed.contains("revocation on A -> refused on B"), printed);
    }

    @Test
    void oneNodeKilledMidLoad_theOtherKeepsServing_andNothingAcknowledgedIsLost() throws Exception {
        ServerProcess a = node(pg.url(), "1s"); // a pair of its own: one of them is killed
        ServerProcess b = node(pg.url(), "1s");
        client(b).info("load");
        Map<String, Integer> acked = new ConcurrentHashMap<>();
        AtomicBoolean killed = new AtomicBoolean();
        List<Future<?>> devices = new ArrayList<>();
        for (int d = 0; d < 4; d++) {
            int id = d;
            devices.add(pool.submit(() -> {
                for (int p = 0; p < 25; p++) {
                    // devices on A move to B once A is gone, as a load balancer sends them there
                    SyncClient c = client(id % 2 == 0 && !killed.get() ? a : b);
                    String key = "d" + id + "-" + p;
                    try {
                        long head = c.info("load").body().get("revision").asLong();
                        SyncClient.Response r = c.push("load", head, data(key, p), null);
                        if (r.body().has("saved") && !r.body().has("reason")) {
                            acked.put(key, p);
                        }
                    } catch (RuntimeException e) {
                        if (!killed.get()) {
                            throw e; // only requests to the killed node may go unanswered
                        }
                    }
                }
                return null;
            }));
        }
        awaitTrue(() -> acked.size() >= 10, "pushes acknowledged before the kill");
        killed.set(true); // first: a request to A that the kill cuts off is expected
        a.kill();
        for (Future<?> f : devices) {
            f.get(240, TimeUnit.SECONDS);
        }
        JsonNode clone = client(b).cloneDatabase("load").body();
        for (Map.Entry<String, Integer> e : acked.entrySet()) {
            assertEquals(e.getValue().intValue(), clone.get("data").get("s").get(e.getKey()).get(1).asInt(),
                    "acknowledged " + e.getKey());
        }
        assertEquals(200, client(b).info("load").status(), "B serves on");
    }

    @Test
    void theDatabaseCutOffUnderLoad_is503WithRetryAfter_andTheNodesRecoverByThemselves() throws Exception {
        URI base = URI.create(TestPostgres.baseUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(base.getHost(), base.getPort())) {
            String viaProxy = pg.url().replace(":" + base.getPort() + "/", ":" + proxy.port() + "/");
            ServerProcess a = node(viaProxy, "1s");
            ServerProcess b = node(viaProxy, "1s");
            SyncClient onA = client(a);
            SyncClient onB = client(b);
            onA.push("cut", 1, data("before", 1), null);
            proxy.cut();
            for (SyncClient c : List.of(onA, onB)) {
                // checking the credential reads storage, which is gone: the protocol's 503, not a 500
                SyncClient.Response r = c.push("cut", 2, data("during", 2), null);
                assertEquals(503, r.status(), r::toString);
                assertEquals("unavailable", r.reason(), r::toString);
                assertTrue(r.retryAfter() != null && Integer.parseInt(r.retryAfter()) > 0, r::toString);
            }
            proxy.restore();
            awaitTrue(() -> onB.info("cut").status() == 200, "B recovers");
            awaitTrue(() -> onA.info("cut").status() == 200, "A recovers");
            long head = onB.info("cut").body().get("revision").asLong();
            assertEquals(200, onA.push("cut", head, data("after", 3), null).status());
            JsonNode clone = onB.cloneDatabase("cut").body().get("data").get("s");
            assertEquals(1, clone.get("before").get(1).asInt(), "acknowledged before the cut");
            assertEquals(3, clone.get("after").get(1).asInt());
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not yet: a node restarting, a connection refused
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 60 s");
            }
            Thread.sleep(50);
        }
    }
}
