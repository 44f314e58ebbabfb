package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.plasmid.core.Names;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.spi.Storage;

/**
 * Hostile input, property-based, over real HTTP (sockets, a real Jetty 12): random and adversarial paths,
 * database names, revisions and query values, Authorization headers and bodies. For every request:
 * never a 5xx, never a hang (each answer within 10 s), never a change to the hub when refused, and every
 * answer the servlet gives is JSON, with {@code error} and {@code reason} for a 4xx. Where the right
 * answer is known (a valid or invalid name, revision or credential), it is checked exactly.
 *
 * <p>A few requests are refused by Jetty itself before they reach the servlet (malformed HTTP, encoded
 * {@code ..} or {@code /} in a path, a header over 8 KiB); those get the container's error page, which
 * the servlet cannot shape. They are checked to be 4xx and to change nothing, and counted in the output.
 *
 * <p>Inputs come from {@link Seeded}: the seed is printed, and {@code -Dplasmid.seed=...} replays a run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    private static final String ADMIN = TestServer.basic("admin", "admin-secret");
    private static final String BOB = TestServer.basic("bob", "bob-secret");
    private static final String EVE = TestServer.basic("eve", "eve-secret");
    private static final int MAX_BODY = 64 << 10;
    private static final int MAX_VALUE = 8 << 10;
    private static final int MAX_DEPTH = 16;

    private Storage storage;
    private PlasmidHub hub;
    private TestServer server;
    private RawHttp http;
    private int containerRefusals;
    private int requests;

    @BeforeAll
    void start() throws Exception {
        storage = TestStorage.create();
        hub = PlasmidHub.builder().storage(storage, true).secretHashIterations(1000).build();
        hub.accounts().setSecret("admin", "admin-secret");
        hub.accounts().grant("admin", "*", "*", "Yes");
        hub.accounts().setSecret("bob", "bob-secret");
        hub.accounts().grant("bob", "ReadDatabase", "notes", "Yes");
        hub.accounts().grant("bob", "WriteDatabase", "notes", "Yes");
        hub.accounts().setSecret("eve", "eve-secret");
        hub.createDatabase("notes");
        hub.createDatabase("revs");
        hub.createDatabase("pushes"); // each property that pushes has its own database, so a seed replays it
        // small limits, so that oversized input is cheap to send; throttling is tested in ThrottleTest
        PlasmidServletOptions options = PlasmidServletOptions.builder().maxBodyBytes(MAX_BODY)
                .maxValueBytes(MAX_VALUE).maxDepth(MAX_DEPTH).maxAuthFailuresPerAccess(Integer.MAX_VALUE)
                .maxAuthFailuresPerAddress(Integer.MAX_VALUE).build();
        server = new TestServer();
        server.mount(new PlasmidServlet(hub, options) {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                served.incrementAndGet(); // the request reached the servlet (not only the container)
                super.service(req, resp);
            }
        }, TestServer.MAPPING);
        server.withNetwork().start();
        http = new RawHttp(Integer.parseInt(server.networkApi().replaceAll(".*:(\\d+)/.*", "$1")), null, 10_000);
    }

    @AfterAll
    void stop() throws Exception {
        System.out.println(requests + " hostile requests, " + containerRefusals
                + " refused by Jetty before reaching the servlet");
        server.close();
        hub.close();
    }

    // ---- the properties every answer has

    /**
     * Sends a request and checks what holds for every answer.
     *
     * @return the answer
     */
    private RawHttp.Response send(String method, byte[] request) throws Exception {
        HubSnapshot before = HubSnapshot.of(storage);
        long servedBefore = served.get();
        RawHttp.Response r = http.send(request);
        requests++;
        boolean fromServlet = served.get() > servedBefore;
        if (fromServlet) {
            assertTrue(r.status() < 500, "a 5xx answer from the servlet: " + r);
            assertEquals("no-store", r.header("Cache-Control"), "an answer of the servlet: " + r);
        }
        if (fromServlet && !method.equals("HEAD") && r.status() != 204) {
            assertTrue(r.header("Content-Type").startsWith("application/json"), r.toString());
            TestJson.wellFormed(r.text());
            if (r.status() >= 400) {
                Map<String, Object> error = json(r);
                assertTrue(error.get("error") instanceof String && error.get("reason") instanceof String, r.toString());
            }
        } else if (!fromServlet) {
            // Never reached the servlet (malformed HTTP, or a path whose dot segments climb out of the mount
            // and reach the container's own default handling, which may even answer 501 to a PATCH): the
            // container's business. It must still have changed nothing (checked below for refusals).
            containerRefusals++;
        }
        if (refused(r)) {
            assertEquals(before.text(), HubSnapshot.of(storage).text(), "a refused request changed the hub: " + r);
        }
        return r;
    }

    private static boolean refused(RawHttp.Response r) {
        if (r.status() >= 400) {
            return true;
        }
        return r.status() == 200 && r.text().startsWith("{\"error\"");
    }

    private static Map<String, Object> json(RawHttp.Response r) {
        return TestJson.object(r.text());
    }

    private final AtomicLong served = new AtomicLong();

    private long revision(String db) {
        return storage.revision(db).orElse(-1);
    }

    private TreeSet<String> databases() {
        TreeSet<String> all = new TreeSet<>();
        storage.listDatabases(all::add);
        return all;
    }

    // ---- paths

    record PathCase(String method, String target, String auth, byte[] body) {
        @Override
        public String toString() {
            return method + " " + target + " auth=" + auth + " body=" + (body == null ? null
                    : new String(body, StandardCharsets.UTF_8));
        }
    }

    @Test
    void randomAndAdversarialPaths_neverFail_orChangeAnythingWhenRefused_andNeverNameAnInvalidDatabase() {
        Function<Random, PathCase> gen = r -> {
            String method = Hostile.pick(r, "GET", "GET", "GET", "POST", "POST", "DELETE", "PUT", "PATCH", "OPTIONS",
                    "HEAD", "TRACE");
            byte[] body = null;
            if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS") && !method.equals("TRACE")) {
                body = Hostile.pick(r, "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}", "{}", "",
                        "{\"permission\": \"ReadDatabase\", \"resource\": \"x\", \"value\": \"Yes\"}", "\u0000\u00ff",
                        "[1,2]").getBytes(StandardCharsets.UTF_8);
            }
            return new PathCase(method, Hostile.path(r), Hostile.pick(r, ADMIN, ADMIN, BOB, EVE, null,
                    TestServer.basic("admin", "x")), body);
        };
        Seeded.forAll("paths", 400, gen, PathCase::toString, c -> {
            RawHttp.Request q = new RawHttp.Request(c.method(), c.target());
            if (c.auth() != null) {
                q.header("Authorization", c.auth());
            }
            send(c.method(), c.body() == null ? q.end() : q.body(c.body()));
        });
        for (String db : databases()) {
            assertTrue(Names.isDatabase(db), "an invalid database name reached the storage: " + db);
        }
    }

    // ---- database names

    record NameCase(String name, String encoded, String route) {
    }

    @Test
    void databaseNames_areAcceptedExactlyWhenValid_andAnInvalidOneNeverReachesTheStorage() {
        Function<Random, NameCase> gen = r -> {
            String name = Hostile.name(r);
            return new NameCase(name, Hostile.encodeName(r, name), Hostile.pick(r, "", "/clone", "/update/0", "/update/"));
        };
        Seeded.forAll("database names", 300, gen, NameCase::toString, c -> {
            String method = c.route().equals("/update/") ? "POST" : "GET";
            RawHttp.Request q = new RawHttp.Request(method, TestServer.API + "d/" + c.encoded() + c.route())
                    .header("Authorization", ADMIN);
            TreeSet<String> before = databases();
            RawHttp.Response r = send(method, method.equals("POST")
                    ? q.body("{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}".getBytes(StandardCharsets.UTF_8))
                    : q.end());
            TreeSet<String> after = databases();
            if (Names.isDatabase(c.name())) {
                assertEquals(200, r.status(), r.toString());
                assertTrue(after.contains(c.name()), "valid name not created: " + c.name());
            } else {
                assertFalse(after.contains(c.name()), "an invalid name reached the storage: " + c.name());
                for (String db : after) {
                    assertTrue(Names.isDatabase(db), "an invalid name reached the storage: " + db);
                }
                if (c.name().matches("\\.{1,2}") && c.encoded().equals(c.name())) {
                    // a raw "." or ".." segment is resolved away by the URL's dot-segment rules (RFC 3986):
                    // the request names another path, which may exist; the name itself is never used
                    return;
                }
                assertTrue(r.status() >= 400, r.toString());
                assertEquals(before, after, "an invalid name created a database");
                if ("no-store".equals(r.header("Cache-Control")) && r.status() == 400) {
                    assertEquals("invalid", json(r).get("reason"), r.toString());
                }
            }
        });
    }

    // ---- revisions, limit and wait

    @Test
    void pullRevisions_areAcceptedExactlyWhenNonNegativeIntegers() throws Exception {
        Seeded.forAll("pull revisions", 200, Hostile::revision, s -> "'" + s + "'", rev -> {
            RawHttp.Response r = send("GET", new RawHttp.Request("GET", TestServer.API + "d/revs/update/"
                    + Hostile.encode(rev, ".+-")).header("Authorization", ADMIN).end());
            if (Hostile.isValidRevision(rev)) {
                assertEquals(200, r.status(), r.toString());
                assertEquals(new BigInteger(rev), json(r).get("since"));
            } else {
                assertTrue(r.status() == 400 || r.status() == 405, r.toString());
                assertNotEquals(200, r.status());
            }
        });
    }

    record Query(String limit, String waitSeconds) {
    }

    @Test
    void limitAndWait_areAcceptedExactlyWhenInRange() throws Exception {
        assertEquals(200, send("POST", new RawHttp.Request("POST", TestServer.API + "d/notes/update/")
                .header("Authorization", BOB).body(("{\"last_revision\": " + revision("notes")
                        + ", \"data\": {\"s\": {\"k\": 1}}}").getBytes(StandardCharsets.UTF_8))).status());
        Function<Random, Query> gen = r -> new Query(r.nextInt(4) == 0 ? null : Hostile.queryNumber(r),
                r.nextInt(4) == 0 ? null : Hostile.queryNumber(r));
        Seeded.forAll("limit and wait", 200, gen, Query::toString, q -> {
            List<String> params = new ArrayList<>();
            if (q.limit() != null) {
                params.add("limit=" + Hostile.encode(q.limit(), ".-"));
            }
            if (q.waitSeconds() != null) {
                params.add("wait=" + Hostile.encode(q.waitSeconds(), ".-"));
            }
            String target = TestServer.API + "d/notes/update/0" + (params.isEmpty() ? "" : "?" + String.join("&", params));
            RawHttp.Response r = send("GET", new RawHttp.Request("GET", target).header("Authorization", BOB).end());
            boolean valid = (q.limit() == null || Hostile.isValidLimit(q.limit()))
                    && (q.waitSeconds() == null || Hostile.isValidWait(q.waitSeconds()));
            assertEquals(valid ? 200 : 400, r.status(), r.toString());
        });
    }

    // ---- Authorization headers

    @Test
    void authorizationHeaders_letInExactlyTheRightCredentials_andABrokenOneChangesNothing() throws Exception {
        Function<Random, Hostile.Credentials> gen = r -> r.nextBoolean()
                ? Hostile.credentials(r, "admin", "admin-secret") : Hostile.credentials(r, "bob", "bob-secret");
        int[] tried = new int[2];
        Seeded.forAll("Authorization headers", 300, gen, Hostile.Credentials::toString, c -> {
            long head = revision("notes");
            byte[] body = ("{\"last_revision\": " + head + ", \"data\": {\"s\": {\"k\": " + head + "}}}")
                    .getBytes(StandardCharsets.UTF_8);
            RawHttp.Response r = send("POST", new RawHttp.Request("POST", TestServer.API + "d/notes/update/")
                    .header("Authorization", c.header()).body(body));
            tried[c.valid() ? 0 : 1]++;
            if (c.valid()) {
                assertEquals("{\"saved\":1,\"revision\":" + (head + 1) + "}", r.text(), c.label());
            } else {
                assertEquals(head, revision("notes"), c.label());
                if ("no-store".equals(r.header("Cache-Control"))) {
                    assertEquals(401, r.status(), c.label() + ": " + r);
                    assertEquals("{\"authorized\":false,\"error\":\"valid credentials are required\","
                            + "\"reason\":\"unauthorized\"}", TestJson.withoutRequestId(r.text()));
                } else {
                    assertTrue(r.status() == 400 || r.status() == 431, c.label() + ": " + r);
                }
            }
        });
        assertTrue(tried[0] > Seeded.expected(10) && tried[1] > Seeded.expected(100),
                "valid " + tried[0] + ", invalid " + tried[1]);
    }

    // ---- bodies

    /** How a body is sent. */
    enum Transport { LENGTH, CHUNKED, CUT_SHORT, CHUNKED_CUT_SHORT }

    /** What the answer to a push must be, sent whole with its length. */
    enum Expect { ACCEPTED, REFUSED_400, REFUSED_413 }

    /**
     * What the answer must be, sent as {@code c} says: a body cut short is a 400, unless the server sees
     * it exceed the body limit first (413): its declared length, or the chunks sent before the cut.
     */
    private static Expect expected(BodyCase c, byte[] body) {
        switch (c.transport()) {
            case CUT_SHORT:
                return body.length + 1 + c.chunk() > MAX_BODY ? Expect.REFUSED_413 : Expect.REFUSED_400;
            case CHUNKED_CUT_SHORT:
                return body.length > MAX_BODY ? Expect.REFUSED_413 : Expect.REFUSED_400;
            default:
                return c.expect();
        }
    }

    record BodyCase(String label, Function<Long, byte[]> body, Expect expect, Transport transport, int chunk) {
        @Override
        public String toString() {
            byte[] b = body.apply(7L);
            return label + " via " + transport + "/" + chunk + ": " + new String(b, 0, Math.min(b.length, 1500),
                    StandardCharsets.UTF_8);
        }
    }

    private static BodyCase pushCase(Random r) {
        String data = Hostile.data(r, r.nextInt(MAX_DEPTH - 2));
        String pushId = r.nextBoolean() ? "" : ", \"push_id\": \"id-" + r.nextLong() + "\"";
        Function<Long, String> valid = head -> "{\"last_revision\": " + head + ", \"data\": " + data + pushId + "}";
        BodyCase c;
        switch (r.nextInt(22)) {
            case 0:
            case 1:
            case 2:
                c = bytes("valid push", h -> valid.apply(h).getBytes(StandardCharsets.UTF_8), Expect.ACCEPTED);
                break;
            case 3:
                c = bytes("valid push, whitespace and BOM", h -> ("\ufeff \n\t" + valid.apply(h) + " \r\n")
                        .getBytes(StandardCharsets.UTF_8), Expect.ACCEPTED);
                break;
            case 4: {
                int cut = r.nextInt(1000);
                c = bytes("truncated JSON", h -> {
                    byte[] b = valid.apply(h).getBytes(StandardCharsets.UTF_8);
                    return java.util.Arrays.copyOf(b, Math.min(cut, b.length - 1));
                }, Expect.REFUSED_400);
                break;
            }
            case 5: {
                int at = r.nextInt(1000);
                // bytes that never occur in UTF-8, wherever they land (0x80 or 0xed might complete a sequence)
                byte bad = (byte) (int) Hostile.pick(r, 0xff, 0xfe, 0xc0, 0xc1, 0xf5, 0xf8);
                c = bytes("invalid UTF-8 (0x" + Integer.toHexString(bad & 0xff) + ")", h -> {
                    byte[] b = valid.apply(h).getBytes(StandardCharsets.UTF_8);
                    int i = b.length > 20 ? 20 + at % (b.length - 20) : b.length - 1;
                    b[i] = bad;
                    return b;
                }, Expect.REFUSED_400);
                break;
            }
            case 6: {
                int depth = MAX_DEPTH + 1 + r.nextInt(r.nextBoolean() ? 10 : 20_000);
                c = bytes("nested " + depth, h -> ("{\"last_revision\": " + h + ", \"data\": {\"s\": {\"k\": "
                        + "[".repeat(depth) + "]".repeat(depth) + "}}}").getBytes(StandardCharsets.UTF_8),
                        depth * 2 + 60 > MAX_BODY ? Expect.REFUSED_413 : Expect.REFUSED_400);
                break;
            }
            case 7: {
                String wrong = Hostile.pick(r, "\"1\"", "1.0", "1e0", "true", "null", "[]", "{}", "-1",
                        "99999999999999999999", "\"\"");
                c = bytes("last_revision " + wrong, h -> ("{\"last_revision\": " + wrong + ", \"data\": " + data + "}")
                        .getBytes(StandardCharsets.UTF_8), Expect.REFUSED_400);
                break;
            }
            case 8: {
                String wrong = Hostile.pick(r, "[]", "\"x\"", "1", "null", "{\"s\": []}", "{\"s\": 1}", "{\"s\": null}",
                        "{\"s\": \"x\"}", "true");
                c = bytes("data " + wrong, h -> ("{\"last_revision\": " + h + ", \"data\": " + wrong + "}")
                        .getBytes(StandardCharsets.UTF_8), Expect.REFUSED_400);
                break;
            }
            case 9:
                c = bytes("duplicate last_revision", h -> ("{\"last_revision\": " + h + ", \"data\": " + data
                        + ", \"last_revision\": " + h + "}").getBytes(StandardCharsets.UTF_8), Expect.REFUSED_400);
                break;
            case 10:
                c = bytes("duplicate data", h -> ("{\"last_revision\": " + h + ", \"data\": " + data + ", \"data\": {}}")
                        .getBytes(StandardCharsets.UTF_8), Expect.REFUSED_400);
                break;
            case 11: {
                String missing = Hostile.pick(r, "{\"data\": {}}", "{\"last_revision\": 1}", "{}", "[]", "\"x\"", "1",
                        "null", "", "   ", "{\"last_revision\": 1, \"data\": {}} {}", "{\"last_revision\": 1,}",
                        "{'last_revision': 1, 'data': {}}", "{last_revision: 1, data: {}}",
                        "{\"last_revision\": NaN, \"data\": {}}", "/* c */ {\"last_revision\": 1, \"data\": {}}",
                        "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": \"a\u0001b\"}}}",
                        "{\"last_revision\": 1, \"data\": {\"s\": {\"\": 1}}}",
                        "{\"last_revision\": 1, \"data\": {\"\": {\"k\": 1}}}",
                        "{\"last_revision\": 1, \"data\": {\"s\": {\"\\ud800\": 1}}}",
                        "{\"last_revision\": 1, \"data\": {\"s\": {\"" + "k".repeat(1025) + "\": 1}}}",
                        "{\"last_revision\": 1, \"push_id\": 5, \"data\": {}}",
                        "{\"last_revision\": 1, \"push_id\": \"\", \"data\": {\"s\": {\"k\": 1}}}");
                c = bytes("malformed or wrong shape", h -> missing.getBytes(StandardCharsets.UTF_8), Expect.REFUSED_400);
                break;
            }
            case 12:
                c = bytes("UTF-16", h -> valid.apply(h).getBytes(r.nextBoolean() ? StandardCharsets.UTF_16
                        : StandardCharsets.UTF_16LE), Expect.REFUSED_400);
                break;
            case 13: {
                int size = MAX_BODY + 1 + r.nextInt(MAX_BODY);
                c = bytes("oversized body " + size, h -> {
                    String head = "{\"last_revision\": " + h + ", \"data\": {\"s\": {";
                    StringBuilder b = new StringBuilder(head);
                    for (int i = 0; b.length() < size; i++) {
                        b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": \"").append("v".repeat(1000))
                                .append('"');
                    }
                    return b.append("}}}").toString().getBytes(StandardCharsets.UTF_8);
                }, Expect.REFUSED_413);
                break;
            }
            case 14:
                c = bytes("oversized value", h -> ("{\"last_revision\": " + h + ", \"data\": {\"s\": {\"k\": \""
                        + "v".repeat(MAX_VALUE - 1) + "\"}}}").getBytes(StandardCharsets.UTF_8), Expect.REFUSED_413);
                break;
            case 15: {
                String big = "9".repeat(1 + r.nextInt(MAX_VALUE - 10));
                c = bytes("huge number value", h -> ("{\"last_revision\": " + h + ", \"data\": {\"s\": {\"k\": " + big
                        + ", \"e\": 1e999999999, \"m\": -0.0e-99999}}}").getBytes(StandardCharsets.UTF_8), Expect.ACCEPTED);
                break;
            }
            case 16:
                c = bytes("duplicate keys in a value and in a store", h -> ("{\"last_revision\": " + h
                        + ", \"data\": {\"s\": {\"k\": {\"a\": 1, \"a\": 2}, \"k\": [3]}}}").getBytes(StandardCharsets.UTF_8),
                        Expect.ACCEPTED);
                break;
            case 17:
                c = bytes("stale last_revision (outofdate)", h -> ("{\"last_revision\": " + Math.max(0, h - 1)
                        + ", \"data\": " + data + "}").getBytes(StandardCharsets.UTF_8), Expect.ACCEPTED);
                break;
            default:
                c = bytes("valid push", h -> valid.apply(h).getBytes(StandardCharsets.UTF_8), Expect.ACCEPTED);
        }
        Transport t = Hostile.pick(r, Transport.LENGTH, Transport.LENGTH, Transport.CHUNKED, Transport.CUT_SHORT,
                Transport.CHUNKED_CUT_SHORT);
        return new BodyCase(c.label(), c.body(), c.expect(), t, 1 + r.nextInt(r.nextBoolean() ? 16 : 8192));
    }

    /** The bytes as text: printable ASCII as is, everything else as \\xNN; at most 3,000 bytes. */
    static String escaped(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 3000); i++) {
            int c = b[i] & 0xff;
            s.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\x%02x", c));
        }
        return s + (b.length > 3000 ? "... (" + b.length + " bytes)" : "");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static BodyCase bytes(String label, Function<Long, byte[]> body, Expect expect) {
        return new BodyCase(label, body, expect, Transport.LENGTH, 0);
    }

    private static byte[] request(String target, String auth, byte[] body, Transport t, int chunk) {
        RawHttp.Request q = new RawHttp.Request("POST", target).header("Authorization", auth);
        switch (t) {
            case CHUNKED:
                return q.chunked(body, chunk, true);
            case CUT_SHORT:
                return q.body(body, body.length + 1 + chunk);
            case CHUNKED_CUT_SHORT:
                return q.chunked(body, chunk, false);
            case LENGTH:
            default:
                return q.body(body);
        }
    }

    @Test
    void pushBodies_areAcceptedWhole_orRefusedWithNothingWritten() throws Exception {
        int[] outcomes = new int[Expect.values().length];
        Seeded.forAll("push bodies", 400, HostileInputTest::pushCase, BodyCase::toString, c -> {
            long head = revision("pushes");
            byte[] body = c.body().apply(head);
            RawHttp.Response r = send("POST", request(TestServer.API + "d/pushes/update/", ADMIN, body, c.transport(),
                    c.chunk()));
            Expect expect = expected(c, body);
            outcomes[expect.ordinal()]++;
            String sent = "sent " + escaped(body) + "\nanswer ";
            switch (expect) {
                case ACCEPTED:
                    assertEquals(200, r.status(), sent + r);
                    Map<String, Object> answer = json(r);
                    if ("outofdate".equals(answer.get("reason"))) {
                        assertEquals(head, revision("pushes"));
                    } else {
                        assertFalse(answer.containsKey("error"), sent + r);
                        assertEquals(BigInteger.valueOf(head + 1), answer.get("revision"), sent + r);
                        assertEquals(head + 1, revision("pushes"), "exactly one new revision");
                    }
                    break;
                case REFUSED_413:
                    assertEquals(413, r.status(), sent + r);
                    assertEquals("toolarge", json(r).get("reason"));
                    break;
                case REFUSED_400:
                default:
                    assertEquals(400, r.status(), sent + r);
                    assertEquals("invalid", json(r).get("reason"));
            }
        });
        System.out.println("push bodies: accepted " + outcomes[0] + ", 400 " + outcomes[1] + ", 413 " + outcomes[2]);
        assertTrue(outcomes[0] > Seeded.expected(50) && outcomes[1] > Seeded.expected(50)
                && outcomes[2] > Seeded.expected(10), java.util.Arrays.toString(outcomes));
    }

    record AccountCase(String label, String target, byte[] body, Transport transport, int chunk) {
        @Override
        public String toString() {
            return label + " " + target + " via " + transport + ": " + new String(body, StandardCharsets.UTF_8);
        }
    }

    @Test
    void credentialAndGrantBodies_neverFail_andChangeNothingWhenRefused() throws Exception {
        Function<Random, AccountCase> gen = r -> {
            boolean grant = r.nextBoolean();
            String target = TestServer.API + (grant ? "a/eve" : "a/");
            String fresh = "u" + Long.toHexString(r.nextLong());
            String valid = grant ? "{\"permission\": \"ReadDatabase\", \"resource\": \"" + Hostile.repeat(r, "abc", 1, 5)
                    + "\", \"value\": \"Yes\"}" : "{\"access\": \"" + fresh + "\", \"secret\": \"s-" + r.nextInt() + "\"}";
            byte[] body = switch (r.nextInt(10)) {
                case 0, 1, 2 -> utf8(valid);
                case 3 -> utf8(valid.substring(0, r.nextInt(valid.length())));
                case 4 -> utf8(valid.replace("\"Yes\"", Hostile.pick(r, "5", "[]", "null", "{}")).replace("\"s-",
                        "5, \"x\": \""));
                case 5 -> utf8(valid.replace("{", "{\"access\": \"dup\", \"permission\": \"x\", "));
                case 6 -> utf8("{\"deep\": " + "[".repeat(5 + r.nextInt(40)) + "]".repeat(5 + r.nextInt(40)) + "}");
                case 7 -> utf8(Hostile.pick(r, "[]", "1", "\"x\"", "nope", "{\"access\": \"a/b\"}",
                        "{\"access\": \"" + "x".repeat(129) + "\"}", "{\"secret\": \"x\"}", "{\"type\": \"root\"}",
                        "{\"access\": \"eve\", \"secret\": \"" + "s".repeat(1025) + "\"}", "{\"permission\": \"*\"}",
                        "{\"permission\": \"ReadDatabase\", \"resource\": \"../x\", \"value\": \"Yes\"}"));
                case 8 -> new byte[] {'{', '"', (byte) 0xff, '"', ':', '"', (byte) 0xc3, '"', '}'};
                default -> r.nextBoolean() ? valid.getBytes(StandardCharsets.UTF_16) : utf8(Hostile.value(r, 4));
            };
            Transport t = Hostile.pick(r, Transport.LENGTH, Transport.LENGTH, Transport.CHUNKED, Transport.CUT_SHORT);
            return new AccountCase(grant ? "grant" : "credentials", target, body, t, 1 + r.nextInt(64));
        };
        int[] accepted = new int[1];
        Seeded.forAll("credential and grant bodies", 200, gen, AccountCase::toString, c -> {
            RawHttp.Response r = send("POST", request(c.target(), ADMIN, c.body(), c.transport(), c.chunk()));
            assertTrue(r.status() == 200 || r.status() == 400, r.toString());
            if (c.transport() == Transport.CUT_SHORT) {
                assertEquals(400, r.status(), r.toString());
            }
            if (r.status() == 200 && !refused(r)) {
                accepted[0]++;
                assertTrue(json(r).containsKey("success"), r.toString());
            }
        });
        assertTrue(accepted[0] > Seeded.expected(20), "accepted " + accepted[0]);
    }
}
