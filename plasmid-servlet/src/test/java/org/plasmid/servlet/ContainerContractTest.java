package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.plasmid.core.Change;
import org.plasmid.core.JsonValue;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.mapdb.MapDbStorage;

/**
 * The servlet's HTTP contract, run over every servlet container ({@link Container.Kind}: Jetty 12 and
 * Tomcat 11), over real sockets, with the servlet mounted at a context and servlet path ({@value
 * Container#API}): every endpoint of PROTOCOL.md §1 with its success and main refusals, long-polls woken by
 * a push and ended by the maximum wait, the limits of §6, a streamed large pull, the mount, keep-alive, and
 * a graceful stop while a long-poll is held. The deeper tests of each part run on Jetty alone (the class
 * named in each section); this is the representative subset every container must pass alike.
 *
 * <p>Where the containers differ in something the servlet does not control, the contract asserts only what
 * the servlet does, and says so where it happens.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Container.Kind.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hung socket fails, never hangs the build
class ContainerContractTest {
    private static final String ADMIN = TestServer.basic("admin", "admin-secret");
    private static final String BOB = TestServer.basic("bob", "bob-secret");
    private static final int MIB = 1 << 20;

    private final Container.Kind kind;
    private final ExecutorService clients = Executors.newCachedThreadPool();
    private PlasmidHub hub;
    private PlasmidServlet servlet;
    private Container container;

    @TempDir
    Path dir;

    ContainerContractTest(Container.Kind kind) {
        this.kind = kind;
    }

    @BeforeEach
    void createHub() {
        hub = TestServer.fastHub();
        addAccounts(hub);
    }

    private static void addAccounts(PlasmidHub h) {
        h.accounts().setSecret("admin", "admin-secret");
        h.accounts().grant("admin", "*", "*", "Yes");
        h.accounts().setSecret("bob", "bob-secret");
    }

    @AfterEach
    void stop() throws Exception {
        clients.shutdownNow();
        try {
            if (container != null) {
                container.close();
            }
        } finally {
            hub.close();
        }
    }

    private void start() throws Exception {
        start(PlasmidServletOptions.defaults());
    }

    private void start(PlasmidServletOptions options) throws Exception {
        servlet = new PlasmidServlet(hub, options);
        container = kind.start(servlet);
    }

    // ---- requests: each answer the servlet gives is checked for the headers every answer carries (§2)

    private RawHttp.Response send(String method, String path, String auth, String body) throws IOException {
        return send(new RawHttp.Request(method, Container.API + path), auth, body);
    }

    private RawHttp.Response send(RawHttp.Request request, String auth, String body) throws IOException {
        if (auth != null) {
            request.header("Authorization", auth);
        }
        RawHttp.Response r = container.http(30_000).send(body == null ? request.end()
                : request.body(body.getBytes(StandardCharsets.UTF_8)));
        assertProtocolHeaders(r);
        return r;
    }

    private RawHttp.Response get(String path, String auth) throws IOException {
        return send("GET", path, auth, null);
    }

    private RawHttp.Response post(String path, String auth, String body) throws IOException {
        return send("POST", path, auth, body);
    }

    private static void assertProtocolHeaders(RawHttp.Response r) {
        assertEquals("no-store", r.header("Cache-Control"), r.toString());
        if (r.status() != 204) {
            // Jetty sends the type as the servlet set it, Tomcat without the space: the same type
            assertEquals("application/json;charset=utf-8", r.header("Content-Type").toLowerCase(Locale.ROOT)
                    .replace(" ", ""), r.toString());
            TestJson.parse(r.text());
        }
    }

    private static Map<String, Object> json(RawHttp.Response r) {
        return TestJson.object(r.text());
    }

    private static void assertAnswer(int status, String reason, RawHttp.Response r) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(reason, json(r).get("reason"), r.toString());
    }

    private long revisionOf(String database) {
        return hub.find(database).map(i -> i.revision()).orElse(-1L);
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

    private Future<RawHttp.Response> poll(String path) {
        return clients.submit(() -> get(path, ADMIN));
    }

    // ---- §4 databases (DatabaseEndpointsTest)

    @Test
    void databaseEndpoints_answerAsTheProtocolSays() throws Exception {
        start();
        assertEquals("{\"name\":\"notes\",\"revision\":1}", get("d/notes", ADMIN).text());
        String push = "{\"last_revision\": 1, \"push_id\": \"p-1\", \"data\": {\"s\": {\"a\": {\"x\": 1}, \"b\": 2}}}";
        assertEquals("{\"saved\":2,\"revision\":2}", post("d/notes/update/", ADMIN, push).text());
        assertEquals("{\"saved\":2,\"revision\":2,\"duplicate\":true}", post("d/notes/update", ADMIN, push).text());
        RawHttp.Response stale = post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"c\": 3}}}");
        assertEquals(200, stale.status());
        assertEquals("{\"error\":\"Cannot update. Master has changed. 2 > 1\",\"saved\":0,\"reason\":\"outofdate\","
                + "\"revision\":2}", stale.text());
        assertEquals("{\"saved\":2,\"revision\":3}", post("d/notes/update/", ADMIN,
                "{\"last_revision\": 2, \"data\": {\"s\": {\"a\": null}, \"t\": {\"c\": [1]}}}").text());

        assertEquals("{\"since\":0,\"updates\":[[\"s\",2,\"b\",2],[\"s\",3,\"a\",null],[\"t\",3,\"c\",[1]]],\"until\":3}",
                get("d/notes/update/0", ADMIN).text());
        assertEquals("{\"since\":0,\"updates\":[[\"s\",2,\"b\",2]],\"until\":2,\"more\":true}",
                get("d/notes/update/0?limit=1", ADMIN).text());
        assertEquals("{\"since\":3,\"updates\":[],\"until\":3}", get("d/notes/update/3", ADMIN).text());
        assertEquals("{\"data\":{\"s\":{\"b\":[2,2]},\"t\":{\"c\":[3,[1]]}},\"revision\":3}",
                get("d/notes/clone", ADMIN).text());

        hub.accounts().grant("bob", "*", "small", "Yes");
        hub.accounts().grant("bob", "DatabaseQuota", "small", "10");
        assertEquals("{\"error\":\"quota exceeded\",\"saved\":0,\"reason\":\"quota\"}", post("d/small/update/", BOB,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": \"far more than ten bytes\"}}}").text());
        assertEquals(1, revisionOf("small"));
    }

    @Test
    void databaseEndpoints_refuseAsTheProtocolSays() throws Exception {
        start();
        RawHttp.Response none = get("d/notes", null);
        assertAnswer(401, "unauthorized", none);
        assertEquals("Plasmid realm=\"plasmid\"", none.header("WWW-Authenticate"));
        assertEquals(Boolean.FALSE, json(none).get("authorized"));
        assertAnswer(401, "unauthorized", post("d/notes/update/", TestServer.basic("admin", "wrong"),
                "{\"last_revision\": 1, \"data\": {}}"));

        RawHttp.Response forbidden = get("d/notes/clone", BOB);
        assertAnswer(403, "forbidden", forbidden);
        assertEquals("ReadDatabase", json(forbidden).get("permission"));
        assertAnswer(403, "forbidden", post("d/notes/update/", BOB, "{\"last_revision\": 1, \"data\": {}}"));

        hub.accounts().grant("bob", "ReadDatabase", "*", "Yes");
        assertAnswer(404, "notfound", get("d/missing/update/0", BOB));
        for (String path : new String[] {"d/.hidden", "d/a%20b", "d/caf%C3%A9", "d/notes/update/abc",
                "d/notes/update/1?limit=0", "d/notes/update/1?wait=61"}) {
            assertAnswer(400, "invalid", get(path, ADMIN));
        }
        for (String body : new String[] {"", "not json", "{\"data\": {}}", "{\"last_revision\": 1, \"data\": []}",
                "{\"last_revision\": 1, \"last_revision\": 1, \"data\": {}}"}) {
            assertAnswer(400, "invalid", post("d/notes/update/", ADMIN, body));
        }
        assertEquals(-1, revisionOf("missing"));
        assertTrue(revisionOf("notes") <= 1, "nothing was written");
    }

    // ---- §5 credentials and permissions (AccountEndpointsTest)

    @Test
    void accountEndpoints_createListGrantAndRevoke_andRefuseAsTheProtocolSays() throws Exception {
        start();
        Map<?, ?> created = (Map<?, ?>) json(post("a/", ADMIN, "{\"access\": \"carol\", \"secret\": \"carol-pw\"}"))
                .get("success");
        assertEquals("carol", created.get("access"));
        assertEquals("carol-pw", created.get("secret"));
        String carol = TestServer.basic("carol", "carol-pw");
        assertEquals("{\"permissions\":[]}", get("a/carol", carol).text());
        assertAnswer(200, "forbidden", post("a/", BOB, "{\"access\": \"dave\"}"));
        assertAnswer(200, "invalid", post("a/", ADMIN, "{\"type\": \"admin\"}"));
        assertEquals(400, post("a/", ADMIN, "{\"access\": 5}").status());

        assertEquals("{\"success\":{\"access\":\"carol\",\"permission\":\"ReadDatabase\",\"resource\":\"notes\","
                + "\"value\":\"Yes\"}}", post("a/carol", ADMIN,
                        "{\"permission\": \"ReadDatabase\", \"resource\": \"notes\", \"value\": \"Yes\"}").text());
        assertEquals("{\"permissions\":[{\"resource\":\"notes\",\"permission\":\"ReadDatabase\",\"value\":\"Yes\"}]}",
                get("a/carol", ADMIN).text());
        assertEquals("{\"error\":\"Must have a permission to grant it.\",\"reason\":\"forbidden\"}", post("a/admin", BOB,
                "{\"permission\": \"WriteDatabase\", \"resource\": \"notes\", \"value\": \"Yes\"}").text());
        assertAnswer(403, "forbidden", get("a/admin", BOB));

        RawHttp.Response revoked = send("DELETE", "a/carol/ReadDatabase/notes", ADMIN, null);
        assertEquals("{\"success\":{\"access\":\"carol\",\"permission\":\"ReadDatabase\",\"resource\":\"notes\","
                + "\"value\":\"\"}}", revoked.text());
        assertAnswer(200, "notfound", send("DELETE", "a/carol/ReadDatabase/notes", ADMIN, null));
        assertAnswer(200, "forbidden", send("DELETE", "a/admin/*/*", BOB, null));
        assertTrue(hub.accounts().check("admin", "ReadDatabase", "x").allowed());
    }

    // ---- §1 addressing under a mount (ProtocolErrorsTest, RouteTest, TraceTest)

    @Test
    void theApi_livesUnderTheContextAndServletPath_andElsewhereThereIsNone() throws Exception {
        start();
        hub.createDatabase("notes");
        assertEquals(200, get("d/notes", ADMIN).status());
        for (String uri : new String[] {"/app/sync/v2/d/notes", "/app/sync/v1/x", "/app/sync/v1/", "/app/sync/",
                "/app/sync", "/app/sync/v1/d/notes/clone/more"}) {
            assertAnswer(404, "notfound", send(new RawHttp.Request("GET", uri), ADMIN, null));
        }
        // outside the servlet's mapping the container answers, each with its own page
        RawHttp.Request outside = new RawHttp.Request("GET", "/sync/v1/d/notes").header("Authorization", ADMIN);
        assertEquals(404, container.http(30_000).send(outside.end()).status());
    }

    @Test
    void aKnownPathWithAnotherMethod_is405_withAllow_andOptionsSaysWhatIsAllowed() throws Exception {
        start();
        Object[][] cases = {{"POST", "d/notes", "GET"}, {"GET", "d/notes/update/", "POST"},
            {"PUT", "a/bob", "GET, POST"}, {"GET", "a/bob/ReadDatabase/x", "DELETE"}, {"DELETE", "d/notes/clone", "GET"}};
        for (Object[] c : cases) {
            RawHttp.Response r = send((String) c[0], (String) c[1], ADMIN, null);
            assertAnswer(405, "method", r);
            assertEquals(c[2], r.header("Allow"), c[0] + " " + c[1]);
        }
        RawHttp.Response options = send("OPTIONS", "a/bob", null, null);
        assertEquals(204, options.status());
        assertEquals("GET, POST, OPTIONS", options.header("Allow"));
    }

    @Test
    void trace_isNeverEchoed() throws Exception {
        start();
        String secret = "admin-secret";
        RawHttp.Request trace = new RawHttp.Request("TRACE", Container.API + "d/notes").header("Authorization", ADMIN);
        RawHttp.Response r = container.http(30_000).send(trace.end());
        // Jetty hands TRACE to the servlet, which answers 405 as JSON; Tomcat refuses TRACE itself (its
        // connector's allowTrace is off by default) with its own 405 page: the servlet never sees it. Either
        // way the request is not echoed, which is what the protocol promises.
        assertEquals(405, r.status(), r.toString());
        assertFalse(r.text().contains(ADMIN.substring("Basic ".length())) || r.text().contains(secret), r.toString());
    }

    // ---- keep-alive (ConnectionReuseTest)

    @Test
    void refusalsBeforeTheBodyWasRead_sayConnectionClose_butAnswersAfterReadingItDoNot() throws Exception {
        start();
        String body = "{\"last_revision\": 1, \"data\": {}}";
        Object[][] refusals = {{"PUT", "d/notes/update/", ADMIN, 405}, {"POST", "x/nothing", ADMIN, 404},
            {"POST", "d/notes/update/", TestServer.basic("admin", "wrong"), 401}, {"POST", "d/notes/update/", null, 401}};
        for (Object[] c : refusals) {
            RawHttp.Response r = send(new RawHttp.Request((String) c[0], Container.API + c[1], true), (String) c[2], body);
            assertEquals(c[3], r.status(), r.toString());
            assertEquals("close", r.header("Connection"), r.toString());
        }
        RawHttp.Response pushed = send(new RawHttp.Request("POST", Container.API + "d/notes/update/", true), ADMIN,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}");
        assertEquals("{\"saved\":1,\"revision\":2}", pushed.text());
        assertNull(pushed.header("Connection"), "an accepted push keeps the connection");
        RawHttp.Response stale = send(new RawHttp.Request("POST", Container.API + "d/notes/update/", true), ADMIN,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 2}}}");
        assertEquals("outofdate", json(stale).get("reason"));
        assertNull(stale.header("Connection"), "a push refused as out of date (HTTP 200) keeps the connection");
        assertNull(send(new RawHttp.Request("GET", Container.API + "x/nothing", true), ADMIN, null).header("Connection"),
                "a 404 to a GET keeps the connection");
        // Not asserted: the connection after a 400 (or 413, 503) whose request was read whole. The servlet
        // leaves it open, and Jetty keeps it; Tomcat closes the connection after any such status itself
        // (Http11Processor.statusDropsConnection), which the servlet does not control.
    }

    // ---- long-polls (LongPollTest, MaxWaitTest)

    @Test
    void aHeldPoll_isWokenByAPush() throws Exception {
        start();
        hub.createDatabase("notes");
        Future<RawHttp.Response> pending = poll("d/notes/update/1?wait=60");
        await(() -> servlet.heldPolls() == 1, "the poll is held");
        assertFalse(pending.isDone());
        assertEquals("{\"saved\":1,\"revision\":2}", post("d/notes/update/", ADMIN,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1}}}").text());
        assertEquals("{\"since\":1,\"updates\":[[\"s\",2,\"a\",1]],\"until\":2}", pending.get(30, TimeUnit.SECONDS).text());
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

    // ---- §6 limits (LimitsTest, ConfiguredLimitsTest, SlowClientsTest)

    @Test
    void aBodyOverTheLimit_is413_withContentLengthOrChunked_andNothingIsWritten() throws Exception {
        start();
        byte[] big = LimitsTest.pushBody(17, MIB - 100).getBytes(StandardCharsets.UTF_8);
        RawHttp.Request declared = new RawHttp.Request("POST", Container.API + "d/big/update/")
                .header("Authorization", ADMIN);
        assertAnswer(413, "toolarge", container.http(30_000).send(declared.body(big)));
        RawHttp.Request chunked = new RawHttp.Request("POST", Container.API + "d/big/update/")
                .header("Authorization", ADMIN);
        assertAnswer(413, "toolarge", container.http(30_000).send(chunked.chunked(big, 65536, true)));
        assertEquals(-1, revisionOf("big"));

        byte[] under = LimitsTest.pushBody(15, MIB - 100).getBytes(StandardCharsets.UTF_8);
        RawHttp.Request accepted = new RawHttp.Request("POST", Container.API + "d/big/update/")
                .header("Authorization", ADMIN);
        assertEquals("{\"saved\":15,\"revision\":2}", container.http(30_000).send(accepted.chunked(under, 65536, true))
                .text());
    }

    @Test
    void aValueOverTheLimit_orNestedTooDeep_orTooManyObjects_isRefused_andNothingIsWritten() throws Exception {
        start();
        assertEquals("{\"saved\":1,\"revision\":2}", post("d/v/update/", ADMIN, LimitsTest.pushBody(1, MIB)).text());
        assertAnswer(413, "toolarge", post("d/v/update/", ADMIN,
                LimitsTest.pushBody(1, MIB + 1).replace("\"last_revision\": 1", "\"last_revision\": 2")));
        String deep = "{\"a\":" + "[".repeat(64) + "]".repeat(64) + "}";
        assertAnswer(400, "invalid", post("d/v/update/", ADMIN,
                "{\"last_revision\": 2, \"data\": {\"s\": {\"k\": " + deep + "}}}"));
        StringBuilder many = new StringBuilder("{\"last_revision\": 2, \"data\": {\"s\": {");
        for (int i = 0; i <= PlasmidServletOptions.DEFAULT_MAX_OBJECTS_PER_PUSH; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        assertAnswer(413, "toolarge", post("d/v/update/", ADMIN, many.append("}}}").toString()));
        assertEquals(2, revisionOf("v"));
    }

    @Test
    void aBodyThatStalls_is408_andItsConnectionIsClosed() throws Exception {
        start(PlasmidServletOptions.builder().minBodyBytesPerSecond(100).bodyRateGracePeriod(Duration.ofSeconds(1))
                .build());
        hub.createDatabase("notes");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), container.port()), 10_000);
            s.setSoTimeout(30_000);
            OutputStream o = s.getOutputStream();
            o.write(("POST " + Container.API + "d/notes/update/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + ADMIN
                    + "\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 1000\r\n\r\n{\"last_revision\": 1, ")
                    .getBytes(StandardCharsets.US_ASCII));
            o.flush(); // and then nothing more
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            RawHttp.Response r = null;
            byte[] buf = new byte[4096];
            while (r == null) {
                int n = in.read(buf);
                if (n < 0) {
                    r = RawHttp.parse(all.toByteArray(), true, false);
                } else {
                    all.write(buf, 0, n);
                    r = RawHttp.parse(all.toByteArray(), false, false);
                }
            }
            assertProtocolHeaders(r);
            assertAnswer(408, "timeout", r);
            assertEquals("close", r.header("Connection"), r.toString());
            assertTrue(readsEndOfStream(in), "the connection is closed after the 408");
        }
        assertEquals(1, revisionOf("notes"), "nothing was written");
        await(() -> servlet.bodiesBeingRead() == 0, "no body is being read");
    }

    private PlasmidHub onDisk() {
        return PlasmidHub.builder().storage(MapDbStorage.open(dir.resolve("hub")), true).secretHashIterations(1000)
                .build();
    }

    @Test
    void aBodyCutShort_is400_andNothingIsWritten() throws Exception {
        start();
        hub.createDatabase("notes");
        byte[] part = "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}".getBytes(StandardCharsets.US_ASCII);
        // the client half-closes after the part, so the body ends in EOF before its Content-Length
        RawHttp halfClosing = new RawHttp(container.port(), null, 30_000, true);
        for (boolean chunked : new boolean[] {false, true}) {
            RawHttp.Request push = new RawHttp.Request("POST", Container.API + "d/notes/update/")
                    .header("Authorization", ADMIN);
            byte[] request = chunked ? push.chunked(part, 10, false) : push.body(part, 1000);
            if (kind == Container.Kind.JETTY) {
                RawHttp.Response r = halfClosing.send(request);
                assertProtocolHeaders(r);
                assertAnswer(400, "invalid", r);
            } else {
                // Tomcat takes the end of the client's stream for a client that has gone, and closes the
                // connection without an answer; the servlet's part is to write nothing and answer no success
                try {
                    RawHttp.Response r = halfClosing.send(request);
                    assertEquals(400, r.status(), r.toString());
                } catch (RawHttp.CutShort e) {
                    // no answer: the connection was closed
                }
            }
        }
        assertEquals(1, revisionOf("notes"), "nothing was written");
    }

    @Test
    void withoutAsyncSupport_aBodyThatStalls_is408_whenTheContainerGivesUpOnIt() throws Exception {
        servlet = new PlasmidServlet(hub, PlasmidServletOptions.builder().minBodyBytesPerSecond(100)
                .bodyRateGracePeriod(Duration.ofSeconds(1)).build());
        container = kind.start(servlet, new Container.Mount(false, Duration.ofMillis(1500)));
        hub.createDatabase("notes");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), container.port()), 10_000);
            s.setSoTimeout(30_000);
            OutputStream o = s.getOutputStream();
            o.write(("POST " + Container.API + "d/notes/update/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + ADMIN
                    + "\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 1000\r\n\r\n{\"last_revision\": 1, ")
                    .getBytes(StandardCharsets.US_ASCII));
            o.flush(); // and then nothing more: the thread reading it blocks until the container's idle timeout
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            RawHttp.Response r = null;
            byte[] buf = new byte[4096];
            while (r == null) {
                int n = in.read(buf);
                if (n < 0) {
                    r = RawHttp.parse(all.toByteArray(), true, false);
                } else {
                    all.write(buf, 0, n);
                    r = RawHttp.parse(all.toByteArray(), false, false);
                }
            }
            assertEquals(408, r.status(), r.toString());
            assertEquals("close", r.header("Connection"), r.toString());
            if (kind == Container.Kind.JETTY) {
                assertProtocolHeaders(r);
                assertAnswer(408, "timeout", r);
            }
            // Tomcat answers a body whose read failed itself (it calls sendError(408) inside the read, and
            // then drops what the servlet writes), with its own error page: the servlet only keeps it a 408
            // rather than turning it into a 500.
        }
        assertEquals(1, revisionOf("notes"), "nothing was written");
    }

    private static boolean readsEndOfStream(InputStream in) {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true; // reset: closed too
        }
    }

    // ---- streaming (StreamingTest)

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
            byte[] request = new RawHttp.Request("GET", Container.API + c[1], true).header("Authorization", ADMIN).end();
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> container.http(30_000).send(request), c[1] + " looked whole");
            assertTrue(e.getMessage().contains("cut short"), e.toString());
            RawHttp.Response whole = container.http(30_000).send(request);
            assertEquals(200, whole.status());
            TestJson.parse(whole.text());
        }
    }

    // ---- stopping (GracefulStopTest in plasmid-examples, LongPollTest)

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
        List<String> warned = container.warnings().stream().map(LogRecord::getMessage).toList();
        assertEquals(List.of(), warned, "the container's warnings");
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(PlasmidServlet.TIMER_THREAD_PREFIX + "plasmid")), "the timer ended");
    }
}
