package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.Grant;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.mapdb.MapDbStorage;
import org.plasmid.servlet.FaultyStorage.Op;

/**
 * Storage faults, injected by {@link FaultyStorage} around the real MapDB storage, as the client sees
 * them: 503 with {@code Retry-After} and nothing changed (never a 500, never part of a push), and the
 * service back to normal as soon as the fault clears.
 */
class StorageFaultTest {
    private static final String ADMIN = TestServer.basic("admin", "admin-secret");
    private static final String BOB = TestServer.basic("bob", "bob-secret");
    private static final String PUSH = "{\"last_revision\": 2, \"push_id\": \"p-1\", "
            + "\"data\": {\"s\": {\"a\": 1, \"b\": [true]}, \"t\": {\"c\": \"x\"}}}";

    private MapDbStorage real;
    private FaultyStorage storage;
    private PlasmidHub hub;
    private PlasmidServlet servlet;
    private TestServer server;
    private final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws Exception {
        real = MapDbStorage.inMemory();
        storage = new FaultyStorage(real);
        hub = PlasmidHub.builder().storage(storage, true).secretHashIterations(1000).build();
        hub.accounts().setSecret("admin", "admin-secret");
        hub.accounts().grant("admin", "*", "*", "Yes");
        hub.accounts().setSecret("bob", "bob-secret");
        hub.accounts().grant("bob", "ReadDatabase", "notes", "Yes");
        hub.push("notes", 1, List.of(org.plasmid.core.Change.put("s", "a", org.plasmid.core.JsonValue.parse("0"))));
        server = new TestServer();
        servlet = new PlasmidServlet(hub);
        server.mount(servlet, TestServer.MAPPING);
        server.withNetwork().start();
    }

    @AfterEach
    void stop() throws Exception {
        storage.clear();
        clients.shutdownNow();
        server.close();
        hub.close();
    }

    private HttpTester.Response send(String method, String path, String auth, String body) throws Exception {
        return server.send(TestServer.request(method, path, auth, body));
    }

    private HubSnapshot snapshot() {
        return HubSnapshot.of(real);
    }

    private static Map<String, Object> json(HttpTester.Response r) {
        return TestJson.object(r.getContent());
    }

    private Map<String, List<Grant>> grants() {
        Map<String, List<Grant>> all = new java.util.HashMap<>();
        for (String a : hub.accounts().list()) {
            all.put(a, hub.accounts().grants(a));
        }
        return all;
    }

    /** Puts every account's grants back as they were (administrators' grants only in these tests). */
    private void restoreGrants(Map<String, List<Grant>> before) {
        before.forEach((access, grants) -> {
            for (Grant g : hub.accounts().grants(access)) {
                if (!grants.contains(g)) {
                    hub.accounts().revoke(access, g.permission(), g.resource());
                }
            }
            for (Grant g : grants) {
                hub.accounts().grant(access, g.permission(), g.resource(), g.value());
            }
        });
    }

    private static void assertUnavailable(HttpTester.Response r, String what) {
        assertEquals(503, r.getStatus(), what + ": " + r.getContent());
        assertTrue(Integer.parseInt(r.get("Retry-After")) > 0, what);
        assertEquals("unavailable", json(r).get("reason"), what);
        assertTrue(json(r).get("error") instanceof String, what);
    }

    /**
     * Fails the request's 1st, 2nd, 3rd... storage call in turn, each time a fresh attempt: every attempt
     * is 503 and changes nothing, until the fault lies past the request's last call and it succeeds. The
     * one thing a failed request may leave behind is the empty database {@code createdEmpty} (or null) that
     * its permitted first access created, as a read would have: never any part of a push.
     *
     * @return how many fault points the request had
     */
    private int failEachCallInTurn(String what, String method, String path, String auth, String body,
            String createdEmpty) throws Exception {
        for (int k = 0; k < 60; k++) {
            HubSnapshot before = snapshot();
            Map<String, List<Grant>> grantsBefore = grants();
            int injected = storage.injected();
            int callsBefore = storage.calls().size();
            storage.failCall(k);
            HttpTester.Response r = send(method, path, auth, body);
            storage.clear();
            if (storage.injected() == injected) {
                assertEquals(200, r.getStatus(), what + " without a fault: " + r.getContent());
                assertFalse(json(r).containsKey("error"), what + " without a fault: " + r.getContent());
                return k;
            }
            Op failed = storage.calls().get(callsBefore + k);
            if (r.getStatus() == 200 && (failed == Op.DELEGATED_BY || failed == Op.GRANTS)) {
                // revoking the delegations a changed grant no longer covers is tidying after the change
                // (such grants are not in force anyway): a failure of its reads leaves the change standing
                restoreGrants(grantsBefore);
                assertEquals(before.text(), snapshot().text(), what + ": restored for the next fault point");
                continue;
            }
            assertUnavailable(r, what + " failing at storage call " + k);
            String was = before.text();
            String now = snapshot().text();
            if (createdEmpty != null) {
                // a permitted first access creates the database (PROTOCOL.md §4) before the push is tried
                String empty = "db " + createdEmpty + " rev=1 bytes=0\n";
                was = was.replace(empty, "");
                now = now.replace(empty, "");
            }
            assertEquals(was, now, what + " failing at storage call " + k + " changed the hub");
        }
        throw new AssertionError(what + " still failing after 60 fault points");
    }

    @Test
    void everyRequest_whoseStorageFailsAtAnyOfItsCalls_is503_changesNothing_andSucceedsOnceTheFaultClears()
            throws Exception {
        Object[][] requests = {
            {"push to an existing database", "POST", "d/notes/update/", ADMIN, PUSH},
            {"push creating a database", "POST", "d/fresh/update/", ADMIN, PUSH.replace("2,", "1,"), "fresh"},
            {"pull creating a database", "GET", "d/fresh2/update/0", ADMIN, null, "fresh2"},
            {"pull", "GET", "d/notes/update/0", BOB, null},
            {"pull with limit", "GET", "d/notes/update/0?limit=1", BOB, null},
            {"clone", "GET", "d/notes/clone", BOB, null},
            {"info", "GET", "d/notes", BOB, null},
            {"long-poll with something new", "GET", "d/notes/update/0?wait=5", BOB, null},
            {"long-poll with nothing new", "GET", "d/notes/update/9?wait=0.1", BOB, null},
            {"create credentials", "POST", "a/", ADMIN, "{\"access\": \"carol\", \"secret\": \"carol-pw\"}"},
            {"create generated credentials", "POST", "a/", ADMIN, "{}"},
            {"create a guest", "POST", "a/", ADMIN, "{\"type\": \"guest\"}"},
            {"change its own secret", "POST", "a/", BOB, "{\"access\": \"bob\", \"secret\": \"bob-secret\"}"},
            {"list its grants", "GET", "a/bob", BOB, null},
            {"list another's grants as admin", "GET", "a/bob", ADMIN, null},
            {"grant", "POST", "a/bob", ADMIN, "{\"permission\": \"WriteDatabase\", \"resource\": \"notes\", \"value\": \"Yes\"}"},
            {"revoke", "DELETE", "a/bob/ReadDatabase/notes", ADMIN, null},
        };
        StringBuilder points = new StringBuilder();
        for (Object[] q : requests) {
            int n = failEachCallInTurn((String) q[0], (String) q[1], (String) q[2], (String) q[3], (String) q[4],
                    q.length > 5 ? (String) q[5] : null);
            // every request reads something (its credential at least: grants are cached between changes)
            assertTrue(n >= 1, q[0] + " made no storage call");
            points.append(q[0]).append(": ").append(n).append(" fault points\n");
        }
        System.out.print(points);
    }

    @Test
    void aPush_whoseWriteWasMadeButFailedToSync_is503_isVisibleWhole_andItsRetryAnswersDuplicate() throws Exception {
        storage.failAfterWrite(Op.APPEND, 1);
        assertUnavailable(send("POST", "d/notes/update/", ADMIN, PUSH), "push whose sync failed");
        storage.clear();
        String clone = send("GET", "d/notes/clone", ADMIN, null).getContent();
        // outcome unknown: here the write had landed, so all of it is there, as one revision
        assertEquals("{\"data\":{\"s\":{\"a\":[3,1],\"b\":[3,[true]]},\"t\":{\"c\":[3,\"x\"]}},\"revision\":3}", clone);
        assertEquals("{\"saved\":3,\"revision\":3,\"duplicate\":true}", send("POST", "d/notes/update/", ADMIN, PUSH)
                .getContent());
        HttpTester.Response again = send("POST", "d/notes/update/", ADMIN, PUSH.replace("\"push_id\": \"p-1\", ", ""));
        assertEquals("outofdate", json(again).get("reason"), again.getContent());
        assertEquals("{\"saved\":1,\"revision\":4}", send("POST", "d/notes/update/", ADMIN,
                "{\"last_revision\": 3, \"data\": {\"s\": {\"z\": 0}}}").getContent());
    }

    @Test
    void aLongPoll_isWoken_byAPushWhoseSyncFailedButWhichLanded() throws Exception {
        CompletableFuture<HttpTester.Response> poll = async("GET", "d/notes/update/2?wait=20", BOB, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (servlet.heldPolls() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, servlet.heldPolls());
        storage.failAfterWrite(Op.APPEND, 1);
        assertUnavailable(send("POST", "d/notes/update/", ADMIN, PUSH), "push whose sync failed");
        HttpTester.Response r = poll.get(15, TimeUnit.SECONDS);
        assertEquals(200, r.getStatus());
        assertEquals(3, ApiTestBaseJson.updates(r).size(), r.getContent());
    }

    @Test
    void whileTheStorageIsDown_everythingIs503_evenAuthentication_andAllWorksAgainOnceItIsBack() throws Exception {
        storage.down(true);
        for (int i = 0; i < 25; i++) {
            assertUnavailable(send("GET", "d/notes", BOB, null), "info, right secret");
            assertUnavailable(send("GET", "d/notes", TestServer.basic("bob", "wrong"), null), "info, wrong secret");
            assertUnavailable(send("POST", "d/notes/update/", ADMIN, PUSH), "push");
        }
        storage.down(false);
        // failures of the storage are not failed logins: nobody is throttled for them
        assertEquals("{\"name\":\"notes\",\"revision\":2}", send("GET", "d/notes", BOB, null).getContent());
        assertEquals("{\"saved\":3,\"revision\":3}", send("POST", "d/notes/update/", ADMIN, PUSH).getContent());
        assertEquals(3, ApiTestBaseJson.updates(send("GET", "d/notes/update/2", BOB, null)).size());
    }

    @Test
    void aPullOrClone_failingPartWay_beforeTheAnswerHasStarted_is503() throws Exception {
        storage.failReadAfter(Op.READ_CHANGES, 0);
        assertUnavailable(send("GET", "d/notes/update/0", BOB, null), "pull");
        storage.failReadAfter(Op.READ_STATE, 0);
        assertUnavailable(send("GET", "d/notes/clone", BOB, null), "clone");
        assertEquals("{\"since\":0,\"updates\":[[\"s\",2,\"a\",0]],\"until\":2}",
                send("GET", "d/notes/update/0", BOB, null).getContent());
    }

    @Test
    void aPullOrClone_failingPartWay_afterTheAnswerHasStarted_isCutOff_neverEndedAsIfWhole() throws Exception {
        StringBuilder data = new StringBuilder("{\"last_revision\": 2, \"data\": {\"s\": {");
        for (int i = 0; i < 4000; i++) {
            data.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": \"").append("v".repeat(100)).append('"');
        }
        assertEquals(200, send("POST", "d/notes/update/", ADMIN, data.append("}}}").toString()).getStatus());
        int port = Integer.parseInt(server.networkApi().replaceAll(".*:(\\d+)/.*", "$1"));
        RawHttp http = new RawHttp(port, null, 20_000);
        for (Object[] c : new Object[][] {{Op.READ_CHANGES, "d/notes/update/0"}, {Op.READ_STATE, "d/notes/clone"}}) {
            // kept alive, the answer is chunked: a failure part way leaves it without its last chunk
            storage.failReadAfter((Op) c[0], 3000);
            byte[] chunked = new RawHttp.Request("GET", TestServer.API + c[1], true).header("Authorization", BOB).end();
            IOException e = assertThrows(IOException.class, () -> http.send(chunked), c[1] + " looked whole");
            assertTrue(e.getMessage().contains("cut short"), e.toString());
            // with Connection: close the body ends with the connection, so only its JSON can tell: not closed
            storage.failReadAfter((Op) c[0], 3000);
            byte[] closing = new RawHttp.Request("GET", TestServer.API + c[1]).header("Authorization", BOB).end();
            RawHttp.Response cut = http.send(closing);
            assertThrows(RuntimeException.class, () -> TestJson.parse(cut.text()), c[1] + " parsed whole");
            assertTrue(cut.body().length > 100_000, c[1] + ": the answer had started: " + cut.body().length);

            RawHttp.Response whole = http.send(chunked);
            assertEquals(200, whole.status());
            TestJson.parse(whole.text());
            assertTrue(whole.body().length > 400_000, c[1] + ": " + whole.body().length);
        }
    }

    @Test
    void aSlowCommit_holdsUpNoOtherRequest_andEveryRequestCompletesWhenItDoes() throws Exception {
        FaultyStorage.Stall stall = storage.stallNext(Op.APPEND);
        CompletableFuture<HttpTester.Response> slow = async("POST", "d/notes/update/", ADMIN, PUSH);
        stall.awaitStalled();
        CompletableFuture<HttpTester.Response> poll = async("GET", "d/notes/update/2?wait=20", BOB, null);
        CompletableFuture<HttpTester.Response> rival = async("POST", "d/notes/update/", ADMIN,
                "{\"last_revision\": 2, \"data\": {\"s\": {\"rival\": 1}}}");

        // while the commit is stalled, reads of the same database and writes elsewhere are served
        assertEquals("{\"name\":\"notes\",\"revision\":2}", send("GET", "d/notes", BOB, null).getContent());
        assertEquals("{\"since\":0,\"updates\":[[\"s\",2,\"a\",0]],\"until\":2}",
                send("GET", "d/notes/update/0", BOB, null).getContent());
        assertEquals("{\"data\":{\"s\":{\"a\":[2,0]}},\"revision\":2}", send("GET", "d/notes/clone", BOB, null)
                .getContent());
        assertEquals("{\"saved\":1,\"revision\":2}", send("POST", "d/other/update/", ADMIN,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}").getContent());
        assertEquals(200, send("GET", "a/bob", BOB, null).getStatus());
        assertFalse(slow.isDone());
        assertFalse(poll.isDone());

        stall.release();
        assertEquals("{\"saved\":3,\"revision\":3}", slow.get(20, TimeUnit.SECONDS).getContent());
        HttpTester.Response lost = rival.get(20, TimeUnit.SECONDS);
        assertEquals("outofdate", json(lost).get("reason"), lost.getContent());
        HttpTester.Response woke = poll.get(20, TimeUnit.SECONDS);
        assertEquals(3, ApiTestBaseJson.updates(woke).size(), woke.getContent());
    }

    private CompletableFuture<HttpTester.Response> async(String method, String path, String auth, String body) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return send(method, path, auth, body);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, clients);
    }

    /** The JSON helpers of {@link ApiTestBase}, for a test that does not extend it. */
    private static final class ApiTestBaseJson {
        @SuppressWarnings("unchecked")
        static List<List<Object>> updates(HttpTester.Response r) {
            return (List<List<Object>>) TestJson.object(r.getContent()).get("updates");
        }
    }
}
