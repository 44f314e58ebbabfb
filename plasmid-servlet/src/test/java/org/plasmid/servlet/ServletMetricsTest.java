package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.PlasmidHubMetrics;

/**
 * The servlet's and the engine's meters after a scripted sequence of requests hold exactly the counts the
 * sequence must produce; and every answer carries its request id.
 */
class ServletMetricsTest {
    private static final String ADMIN = TestServer.basic("admin", "admin-secret");
    private static final String BOB = TestServer.basic("bob", "bob-secret");

    private PlasmidHub hub;
    private PlasmidServlet servlet;
    private TestServer server;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws Exception {
        hub = TestServer.fastHub();
        hub.accounts().setSecret("admin", "admin-secret");
        hub.accounts().grant("admin", "*", "*", "Yes");
        hub.accounts().setSecret("bob", "bob-secret");
        servlet = new PlasmidServlet(hub, PlasmidServletOptions.builder().maxAuthFailuresPerAccess(2).build());
        new PlasmidServletMetrics(servlet).bindTo(registry); // before init: bound all the same
        new PlasmidHubMetrics(hub).bindTo(registry);
        server = TestServer.serving(servlet);
    }

    @AfterEach
    void stop() throws Exception {
        clients.shutdownNow();
        server.close();
        hub.close();
    }

    private HttpTester.Response send(String method, String path, String auth, String body) throws Exception {
        return server.send(TestServer.request(method, path, auth, body));
    }

    private double pushes(String outcome) {
        return registry.get(PlasmidHubMetrics.PUSHES).tag(PlasmidHubMetrics.OUTCOME, outcome).counter().count();
    }

    private double authentications(String outcome) {
        return registry.get(PlasmidServletMetrics.AUTHENTICATIONS).tag(PlasmidHubMetrics.OUTCOME, outcome).counter()
                .count();
    }

    private double answered(String outcome) {
        return registry.get(PlasmidServletMetrics.POLLS_ANSWERED).tag(PlasmidHubMetrics.OUTCOME, outcome).counter()
                .count();
    }

    private double held() {
        return registry.get(PlasmidServletMetrics.POLLS_HELD).gauge().value();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aScriptedSequence_isCountedExactly() throws Exception {
        assertEquals(200, send("POST", "d/notes/update/", ADMIN,
                "{\"last_revision\": 1, \"push_id\": \"p1\", \"data\": {\"s\": {\"a\": 1, \"b\": 2}}}").getStatus());
        assertEquals(200, send("POST", "d/notes/update/", ADMIN,                      // duplicate
                "{\"last_revision\": 1, \"push_id\": \"p1\", \"data\": {\"s\": {\"a\": 1, \"b\": 2}}}").getStatus());
        assertEquals(200, send("POST", "d/notes/update/", ADMIN,                      // outofdate
                "{\"last_revision\": 1, \"data\": {\"s\": {\"c\": 3}}}").getStatus());
        assertEquals(200, send("POST", "d/notes/update/", ADMIN,                      // empty: saved
                "{\"last_revision\": 2, \"data\": {}}").getStatus());
        assertEquals(400, send("POST", "d/notes/update/", ADMIN, "{\"data\": 1}").getStatus());      // refused
        assertEquals(403, send("POST", "d/notes/update/", BOB,                        // refused
                "{\"last_revision\": 2, \"data\": {}}").getStatus());
        assertEquals(401, send("GET", "d/notes", TestServer.basic("mallory", "guess1"), null).getStatus());
        assertEquals(401, send("GET", "d/notes", TestServer.basic("mallory", "guess2"), null).getStatus());
        assertEquals(429, send("GET", "d/notes", TestServer.basic("mallory", "guess3"), null).getStatus());
        assertEquals(401, send("GET", "d/notes", null, null).getStatus());            // no credentials: no attempt
        HttpTester.Request ready = TestServer.request("GET", "", null, null);
        ready.setURI("/app/sync/health/ready");
        assertEquals(200, server.send(ready).getStatus());                             // not an attempt either
        assertEquals(401, send("POST", "d/notes/update/", null,                       // refused
                "{\"last_revision\": 2, \"data\": {}}").getStatus());

        // Two long-polls held (the gauge goes up), one answered by a push, one by its wait running out.
        Future<HttpTester.Response> byPush = clients.submit(() -> server.send(
                TestServer.request("GET", "d/notes/update/2?wait=30", ADMIN, null).generate(), 60));
        Future<HttpTester.Response> byTimeout = clients.submit(() -> server.send(
                TestServer.request("GET", "d/other/update/1?wait=1", ADMIN, null).generate(), 60));
        await(() -> held() == 2, "two polls are held");
        assertEquals(200, send("POST", "d/notes/update/", ADMIN,
                "{\"last_revision\": 2, \"data\": {\"s\": {\"c\": 3}}}").getStatus());
        assertTrue(byPush.get(30, TimeUnit.SECONDS).getContent().contains("\"c\""));
        assertEquals(200, byTimeout.get(30, TimeUnit.SECONDS).getStatus());
        await(() -> held() == 0, "both polls are released");

        assertEquals(3, pushes(PlasmidHubMetrics.SAVED), "two with objects, one empty");
        assertEquals(1, pushes(PlasmidHubMetrics.DUPLICATE));
        assertEquals(1, pushes(PlasmidHubMetrics.OUT_OF_DATE));
        assertEquals(0, pushes(PlasmidHubMetrics.QUOTA));
        assertEquals(3, pushes(PlasmidHubMetrics.REFUSED), "400, 403 and 401 answers to pushes");
        assertEquals(9, authentications(PlasmidServletMetrics.SUCCESS), "six pushes, two polls, the last push");
        assertEquals(2, authentications(PlasmidServletMetrics.FAILURE));
        assertEquals(1, authentications(PlasmidServletMetrics.THROTTLED));
        assertEquals(1, answered(PlasmidServletMetrics.PUSH));
        assertEquals(1, answered(PlasmidServletMetrics.TIMEOUT));
        assertEquals(3, registry.get(PlasmidHubMetrics.PUSHED_OBJECTS).counter().count());
        assertEquals(0, registry.get(PlasmidServletMetrics.STORAGE_FAULTS).counter().count());
    }

    @Test
    void everyAnswer_carriesARequestId_errorBodiesToo_andASaneOneFromTheClientIsKept() throws Exception {
        HttpTester.Response ok = send("GET", "d/notes", ADMIN, null);
        HttpTester.Response refused = send("GET", "d/notes", null, null);
        assertTrue(RequestIds.sane(ok.get("X-Request-Id")), ok.get("X-Request-Id"));
        assertTrue(!ok.getContent().contains("request_id"), "a 200 answer is left as the protocol has it");
        assertEquals(refused.get("X-Request-Id"), TestJson.object(refused.getContent()).get("request_id"));
        assertTrue(!ok.get("X-Request-Id").equals(refused.get("X-Request-Id")), "each request its own");

        HttpTester.Request mine = TestServer.request("GET", "d/notes", null, null);
        mine.setHeader("X-Request-Id", "client-chosen.42");
        HttpTester.Response kept = server.send(mine);
        assertEquals("client-chosen.42", kept.get("X-Request-Id"));
        assertEquals("client-chosen.42", TestJson.object(kept.getContent()).get("request_id"));

        HttpTester.Request hostile = TestServer.request("GET", "d/notes", null, null);
        hostile.setHeader("X-Request-Id", "a\"b<script>");
        HttpTester.Response replaced = server.send(hostile);
        assertTrue(RequestIds.sane(replaced.get("X-Request-Id")) && !replaced.get("X-Request-Id").contains("script"));
        TestJson.wellFormed(replaced.getContent());
    }
}
