package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.mapdb.MapDbStorage;
import org.plasmid.servlet.FaultyStorage.Op;

/**
 * {@code {mount}/health/live} and {@code {mount}/health/ready}: without credentials, JSON naming what is
 * wrong and nothing secret; readiness follows storage (the fault-injecting storage) down and up again.
 */
class HealthTest {
    private static final String HEALTH = "/app/sync/health/";

    private FaultyStorage storage;
    private PlasmidHub hub;
    private PlasmidServlet servlet;
    private TestServer server;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private void start(PlasmidServletOptions options) throws Exception {
        storage = new FaultyStorage(MapDbStorage.inMemory());
        hub = PlasmidHub.builder().storage(storage, true).secretHashIterations(1000).build();
        hub.accounts().setSecret("secret-account", "hunter2-secret");
        hub.createDatabase("secret_database_name");
        servlet = new PlasmidServlet(hub, options);
        new PlasmidServletMetrics(servlet).bindTo(registry);
        server = TestServer.serving(servlet);
    }

    @AfterEach
    void stop() throws Exception {
        if (storage != null) {
            storage.clear();
        }
        if (server != null) {
            server.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private HttpTester.Response get(String check) throws Exception {
        HttpTester.Request r = HttpTester.newRequest();
        r.setMethod("GET");
        r.setURI(HEALTH + check);
        r.setVersion("HTTP/1.1");
        r.setHeader("Host", "localhost");
        return server.send(r);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> check(HttpTester.Response r, String name) {
        return (Map<String, Object>) ((Map<String, Object>) TestJson.object(r.getContent()).get("checks")).get(name);
    }

    private static void assertNothingSecret(HttpTester.Response r) {
        for (String secret : List.of("secret_database_name", "secret-account", "hunter2", "/tmp", "Exception")) {
            assertFalse(r.getContent().contains(secret), r.getContent());
        }
    }

    @Test
    void liveAndReady_are200_withoutCredentials_inJson() throws Exception {
        start(PlasmidServletOptions.defaults());
        HttpTester.Response live = get("live");
        assertEquals(200, live.getStatus());
        assertEquals("{\"status\":\"up\",\"checks\":{}}", live.getContent());
        assertEquals("no-store", live.get("Cache-Control"));
        HttpTester.Response ready = get("ready");
        assertEquals(200, ready.getStatus(), ready.getContent());
        assertEquals("{\"status\":\"up\",\"checks\":{\"serving\":{\"status\":\"up\"},\"storage\":{\"status\":\"up\"}}}",
                ready.getContent());
        assertEquals(0, registry.get(PlasmidServletMetrics.AUTHENTICATIONS).counters().stream()
                .mapToDouble(c -> c.count()).sum(), "health checks are no authentication attempts");
        HttpTester.Request post = HttpTester.newRequest();
        post.setMethod("POST");
        post.setURI(HEALTH + "ready");
        post.setHeader("Host", "localhost");
        assertEquals(405, server.send(post).getStatus());
    }

    @Test
    void ready_turns503_whileStorageFails_namingWhatIsWrongButNothingSecret_and200AgainAfter() throws Exception {
        start(PlasmidServletOptions.defaults());
        assertEquals(200, get("ready").getStatus());

        storage.down(true);
        HttpTester.Response down = get("ready");
        assertEquals(503, down.getStatus(), down.getContent());
        assertTrue(Integer.parseInt(down.get("Retry-After")) > 0);
        assertEquals("down", TestJson.object(down.getContent()).get("status"));
        assertEquals(Map.of("status", "down", "error", "storage failed (the server's log says why)"),
                check(down, "storage"));
        assertEquals(Map.of("status", "up"), check(down, "serving"));
        assertNothingSecret(down);
        assertEquals(200, get("live").getStatus(), "alive all the same: a restart would not mend storage");

        storage.down(false);
        HttpTester.Response up = get("ready");
        assertEquals(200, up.getStatus(), up.getContent());
        assertEquals("up", TestJson.object(up.getContent()).get("status"));
    }

    @Test
    void ready_turns503_whenStorageDoesNotAnswerWithinTheBound_withoutPilingUpThreads() throws Exception {
        start(PlasmidServletOptions.builder().readyTimeout(Duration.ofSeconds(1)).build());
        FaultyStorage.Stall stall = storage.stallNext(Op.CREDENTIAL);
        long start = System.nanoTime();
        HttpTester.Response slow = get("ready");
        assertEquals(503, slow.getStatus(), slow.getContent());
        assertEquals("storage did not answer within 1 second", check(slow, "storage").get("error"));
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "answered within the bound, not when storage did");
        assertEquals(503, get("ready").getStatus(), "a second check waits on the same probe");
        long probes = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("plasmid-health-")).count();
        assertEquals(1, probes, "one probe thread, however many checks");
        stall.release();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (get("ready").getStatus() != 200) {
            assertTrue(System.nanoTime() < deadline, "ready again once storage answers");
            Thread.sleep(20);
        }
    }

    @Test
    void ready_turns503_whenTheServerIsStopping() throws Exception {
        start(PlasmidServletOptions.defaults());
        servlet.answerHeldPolls();
        HttpTester.Response stopping = get("ready");
        assertEquals(503, stopping.getStatus());
        assertEquals(Map.of("status", "down", "error", "the server is stopping"), check(stopping, "serving"));
        assertEquals(200, get("live").getStatus());
    }
}
