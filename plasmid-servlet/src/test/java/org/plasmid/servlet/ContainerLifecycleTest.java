package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.plasmid.core.Change;
import org.plasmid.core.JsonValue;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.mapdb.MapDbStorage;

/**
 * Long-polls, streamed answers and stopping on every container ({@link ContainerContract}): a held poll woken
 * by a push or ended by the maximum wait, the poll cap, a large pull and clone streamed in chunks, an answer
 * cut off when the storage fails part way, and a graceful stop while a poll is held that leaves no thread of
 * the application behind. On Jetty alone in depth: LongPollTest, MaxWaitTest, PollCapsTest, StreamingTest,
 * StorageFaultTest, and GracefulStopTest in plasmid-examples.
 */
class ContainerLifecycleTest extends ContainerContract {
    @Test
    void aHeldPoll_isWokenByAPush() throws Exception {
        start();
        hub.createDatabase("notes");
        Future<RawHttp.Response> pending = poll("d/notes/update/1?wait=60");
        await(() -> servlet.heldPolls() == 1, "the poll is held");
        assertFalse(pending.isDone());
        assertEquals("{\"saved\":1,\"revision\":2}", post("d/notes/update/", ADMIN,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1}}}").text());
        assertEquals("{\"since\":1,\"updates\":[[\"s\",2,\"a\",1]],\"until\":2}",
                pending.get(30, TimeUnit.SECONDS).text());
        await(() -> servlet.heldPolls() == 0, "the poll is released");
    }

    @Test
    void aHeldPoll_isAnsweredWithWhatThereIs_whenTheMaximumWaitRunsOut() throws Exception {
        start(PlasmidServletOptions.builder().maxWait(Duration.ofSeconds(1)).build());
        hub.createDatabase("notes");
        Future<RawHttp.Response> pending = poll("d/notes/update/1?wait=60");
        await(() -> servlet.heldPolls() == 1 || pending.isDone(), "the poll is held");
        RawHttp.Response r = pending.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.status());
        assertEquals("{\"since\":1,\"updates\":[],\"until\":1}", r.text());
        await(() -> servlet.heldPolls() == 0, "the poll is released");
    }

    @Test
    void beyondTheCap_aPollIs503_withRetryAfter() throws Exception {
        start(PlasmidServletOptions.builder().maxHeldPolls(1).build());
        hub.createDatabase("notes");
        Future<RawHttp.Response> held = poll("d/notes/update/1?wait=60");
        await(() -> servlet.heldPolls() == 1, "the poll is held");
        RawHttp.Response refused = get("d/notes/update/1?wait=60", ADMIN);
        assertAnswer(503, "unavailable", refused);
        assertNotNull(refused.header("Retry-After"));
        servlet.answerHeldPolls();
        assertEquals(200, held.get(30, TimeUnit.SECONDS).status());
    }

    @Test
    void aLargePullAndClone_areStreamedInChunks_andArriveWhole() throws Exception {
        start();
        String filler = "x".repeat(10_000);
        for (int p = 0; p < 8; p++) {
            List<Change> changes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                changes.add(Change.put("s", "k-" + p + "-" + i, JsonValue.parse("\"" + filler + "\"")));
            }
            hub.push("big", p + 1, changes);
        }
        for (String path : new String[] {"d/big/update/0", "d/big/clone"}) {
            // keep-alive, so that the answer's end is marked in the stream: by chunks, as it is not known ahead
            RawHttp.Response r = send(new RawHttp.Request("GET", Container.API + path, true), ADMIN, null);
            assertEquals(200, r.status());
            assertEquals("chunked", r.header("Transfer-Encoding"), path);
            assertNull(r.header("Content-Length"), path);
            assertTrue(r.body().length > 4_000_000, path + ": " + r.body().length + " bytes");
            Map<String, Object> body = json(r);
            if (path.endsWith("clone")) {
                assertEquals(400, ((Map<?, ?>) ((Map<?, ?>) body.get("data")).get("s")).size());
                assertEquals(BigInteger.valueOf(9), body.get("revision"));
            } else {
                assertEquals(400, ((List<?>) body.get("updates")).size());
                assertEquals(BigInteger.valueOf(9), body.get("until"));
            }
        }
    }

    @Test
    void aPullOrClone_failingAfterItsAnswerHasStarted_isCutOff_neverEndedAsIfWhole() throws Exception {
        hub.close();
        FaultyStorage storage = new FaultyStorage(MapDbStorage.inMemory());
        hub = PlasmidHub.builder().storage(storage, true).secretHashIterations(1000).build();
        addAccounts(hub);
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            changes.add(Change.put("s", "k" + i, JsonValue.parse("\"" + "v".repeat(100) + "\"")));
        }
        hub.push("notes", 1, changes);
        start();
        for (Object[] c : new Object[][] {{FaultyStorage.Op.READ_CHANGES, "d/notes/update/0"},
            {FaultyStorage.Op.READ_STATE, "d/notes/clone"}}) {
            // kept alive, the answer is chunked: a failure part way must leave it without its last chunk
            storage.failReadAfter((FaultyStorage.Op) c[0], 3000);
            byte[] request = new RawHttp.Request("GET", Container.API + c[1], true).header("Authorization", ADMIN)
                    .end();
            IOException e = assertThrows(IOException.class,
                    () -> container.http(30_000).send(request), c[1] + " looked whole");
            assertTrue(e.getMessage().contains("cut short"), e.toString());
            RawHttp.Response whole = container.http(30_000).send(request);
            assertEquals(200, whole.status());
            TestJson.parse(whole.text());
        }
    }

    @Test
    void aGracefulStop_answersAHeldPoll_andDoesNotWaitForIt() throws Exception {
        start();
        hub.createDatabase("notes");
        Future<RawHttp.Response> pending = poll("d/notes/update/1?wait=60");
        await(() -> servlet.heldPolls() == 1, "the poll is held");
        long t0 = System.nanoTime();
        container.stop();
        long stopMillis = (System.nanoTime() - t0) / 1_000_000;
        RawHttp.Response r = pending.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.status(), r.toString());
        assertEquals("{\"since\":1,\"updates\":[],\"until\":1}", r.text());
        // a stop that waited for the poll would take its whole maximum wait (25 s) or the container's
        // patience (30 s); answered first, it takes a moment
        assertTrue(stopMillis < 10_000, "the stop took " + stopMillis + " ms");
    }

    @Test
    void afterAStop_noThreadStartedForTheApplicationIsLeftRunning() throws Exception {
        hub.close();
        try (PlasmidHub setUp = onDisk()) {
            addAccounts(setUp);
        }
        hub = onDisk(); // reopened: its journal starts a thread at its first write, here during a request
        start();
        assertEquals("{\"saved\":1,\"revision\":2}", post("d/notes/update/", ADMIN,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1}}}").text());
        Future<RawHttp.Response> pending = poll("d/notes/update/2?wait=60");
        await(() -> servlet.heldPolls() == 1, "the poll is held");
        ClassLoader webapp = container.webappClassLoader();
        container.stop();
        assertEquals(200, pending.get(30, TimeUnit.SECONDS).status());

        List<String> left = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getContextClassLoader() == webapp).map(Thread::getName).toList();
        assertEquals(List.of(), left, "threads left with the web application's class loader");
        List<String> warned = container.leakWarnings().stream().map(LogRecord::getMessage).toList();
        assertEquals(List.of(), warned, "the container's leak warnings");
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(PlasmidServlet.TIMER_THREAD_PREFIX + "plasmid")), "the timer ended");
    }
}
