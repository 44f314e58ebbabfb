package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.PlasmidHub;

/** {@code GET d/{db}/update/{rev}?wait=S}: held without a thread, woken by a push, empty on timeout. */
class LongPollTest {
    private static final String ADMIN = TestServer.basic("admin", "admin-secret");

    private PlasmidHub hub;
    private TestServer server;
    private PlasmidServlet servlet;
    private final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() {
        hub = TestServer.fastHub();
        hub.accounts().setSecret("admin", "admin-secret");
        hub.accounts().grant("admin", "*", "*", "Yes");
        hub.createDatabase("notes");
    }

    @AfterEach
    void tearDown() throws Exception {
        clients.shutdownNow();
        if (server != null) {
            server.close();
        }
        hub.close();
    }

    private void start(PlasmidServletOptions options, QueuedThreadPool pool, boolean async) throws Exception {
        servlet = new PlasmidServlet(hub, options);
        server = new TestServer(pool);
        ServletHolder holder = server.mount(servlet, TestServer.MAPPING);
        holder.setAsyncSupported(async);
        server.start();
    }

    private Future<HttpTester.Response> poll(String pathAndQuery) {
        return clients.submit(() -> server.send(TestServer.request("GET", pathAndQuery, ADMIN, null).generate(), 90));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private void push(long last, String key) {
        hub.push("notes", last, List.of(org.plasmid.core.Change.put("s", key, org.plasmid.core.JsonValue.parse("1"))));
    }

    @Test
    void aHeldPoll_isAnsweredByTheNextPush() throws Exception {
        start(PlasmidServletOptions.defaults(), null, true);
        Future<HttpTester.Response> pending = poll("d/notes/update/1?wait=60");
        await(() -> servlet.heldPolls() == 1, "the poll is held");
        assertFalse(pending.isDone());
        push(1, "a");
        HttpTester.Response r = pending.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.getStatus());
        assertEquals("{\"since\":1,\"updates\":[[\"s\",2,\"a\",1]],\"until\":2}", r.getContent());
        await(() -> servlet.heldPolls() == 0, "the poll is released");
    }

    @Test
    void aHeldPoll_answersTheEmptyList_whenTheWaitRunsOut() throws Exception {
        start(PlasmidServletOptions.defaults(), null, true);
        Future<HttpTester.Response> pending = poll("d/notes/update/1?wait=1.5");
        await(() -> servlet.heldPolls() == 1, "the poll is held");
        HttpTester.Response r = pending.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.getStatus());
        assertEquals("{\"since\":1,\"updates\":[],\"until\":1}", r.getContent());
        await(() -> servlet.heldPolls() == 0, "the poll is released");
    }

    @Test
    void aPoll_behindTheHead_isAnsweredAtOnce() throws Exception {
        start(PlasmidServletOptions.defaults(), null, true);
        push(1, "a");
        HttpTester.Response r = poll("d/notes/update/1?wait=60").get(30, TimeUnit.SECONDS);
        assertEquals("{\"since\":1,\"updates\":[[\"s\",2,\"a\",1]],\"until\":2}", r.getContent());
        assertEquals(0, servlet.heldPolls(), "nothing was held");
    }

    @Test
    void heldPolls_holdNoThread() throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(8, 2);
        start(PlasmidServletOptions.defaults(), pool, true);
        List<Future<HttpTester.Response>> pending = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pending.add(poll("d/notes/update/1?wait=60"));
        }
        await(() -> servlet.heldPolls() == 40, "40 polls are held by a pool of 8 threads");
        HttpTester.Response info = server.send(TestServer.request("GET", "d/notes", ADMIN, null));
        assertEquals("{\"name\":\"notes\",\"revision\":1}", info.getContent());
        push(1, "a");
        for (Future<HttpTester.Response> f : pending) {
            assertEquals("{\"since\":1,\"updates\":[[\"s\",2,\"a\",1]],\"until\":2}", f.get(30, TimeUnit.SECONDS).getContent());
        }
    }

    @Test
    void beyondTheCap_pollsAre503_withRetryAfter() throws Exception {
        start(PlasmidServletOptions.builder().maxHeldPolls(2).build(), null, true);
        Future<HttpTester.Response> a = poll("d/notes/update/1?wait=60");
        Future<HttpTester.Response> b = poll("d/notes/update/1?wait=60");
        await(() -> servlet.heldPolls() == 2, "two polls are held");
        HttpTester.Response third = poll("d/notes/update/1?wait=60").get(30, TimeUnit.SECONDS);
        assertEquals(503, third.getStatus());
        assertNotNull(third.get("Retry-After"));
        assertEquals("unavailable", TestJson.object(third.getContent()).get("reason"));
        HttpTester.Response plain = poll("d/notes/update/1").get(30, TimeUnit.SECONDS);
        assertEquals(200, plain.getStatus(), "a pull without wait is not capped");
        push(1, "a");
        assertEquals(200, a.get(30, TimeUnit.SECONDS).getStatus());
        assertEquals(200, b.get(30, TimeUnit.SECONDS).getStatus());
    }

    @Test
    void aBadWait_is400() throws Exception {
        start(PlasmidServletOptions.defaults(), null, true);
        for (String wait : new String[] {"0", "-1", "61", "60.5", "abc", "", "NaN"}) {
            HttpTester.Response r = poll("d/notes/update/1?wait=" + wait).get(30, TimeUnit.SECONDS);
            assertEquals(400, r.getStatus(), wait);
        }
    }

    @Test
    void aHeldPoll_whoseHubCloses_is503() throws Exception {
        start(PlasmidServletOptions.defaults(), null, true);
        Future<HttpTester.Response> pending = poll("d/notes/update/1?wait=60");
        await(() -> servlet.heldPolls() == 1, "the poll is held");
        hub.close();
        HttpTester.Response r = pending.get(30, TimeUnit.SECONDS);
        assertEquals(503, r.getStatus());
        assertNotNull(r.get("Retry-After"));
    }

    @Test
    void withoutAsyncSupport_aPollStillWaits_andIsWokenByAPush() throws Exception {
        start(PlasmidServletOptions.defaults(), null, false);
        Future<HttpTester.Response> pending = poll("d/notes/update/1?wait=60");
        await(() -> servlet.heldPolls() == 1, "the poll is held");
        push(1, "a");
        Map<String, Object> body = TestJson.object(pending.get(30, TimeUnit.SECONDS).getContent());
        assertEquals(BigInteger.TWO, body.get("until"));
        assertTrue(((List<?>) body.get("updates")).size() == 1);
    }
    @Test
    void answerHeldPolls_answersTheHeldPollsAtOnce_withWhatThereIs() throws Exception {
        start(PlasmidServletOptions.defaults(), null, true);
        Future<HttpTester.Response> pending = poll("d/notes/update/1?wait=60");
        await(() -> servlet.heldPolls() == 1, "the poll is held");
        servlet.answerHeldPolls();
        HttpTester.Response r = pending.get(30, TimeUnit.SECONDS); // well before its 60 s wait runs out
        assertEquals(200, r.getStatus());
        assertEquals("{\"since\":1,\"updates\":[],\"until\":1}", r.getContent());
        await(() -> servlet.heldPolls() == 0, "the poll is released");
    }

    @Test
    void afterAnswerHeldPolls_pollsAreAnsweredWithoutWaiting_andTheRestIsServedAsBefore() throws Exception {
        start(PlasmidServletOptions.defaults(), null, true);
        servlet.answerHeldPolls();
        HttpTester.Response r = poll("d/notes/update/1?wait=60").get(30, TimeUnit.SECONDS);
        assertEquals("{\"since\":1,\"updates\":[],\"until\":1}", r.getContent());
        assertEquals(0, servlet.heldPolls(), "nothing was held");
        push(1, "a");
        assertEquals("{\"since\":1,\"updates\":[[\"s\",2,\"a\",1]],\"until\":2}",
                poll("d/notes/update/1").get(30, TimeUnit.SECONDS).getContent());
    }

    @Test
    void withoutAsyncSupport_answerHeldPolls_wakesTheWaitingThread() throws Exception {
        start(PlasmidServletOptions.defaults(), null, false);
        Future<HttpTester.Response> pending = poll("d/notes/update/1?wait=60");
        await(() -> servlet.heldPolls() == 1, "the poll is held");
        servlet.answerHeldPolls();
        assertEquals("{\"since\":1,\"updates\":[],\"until\":1}", pending.get(30, TimeUnit.SECONDS).getContent());
        await(() -> servlet.heldPolls() == 0, "the poll is released");
    }
}
