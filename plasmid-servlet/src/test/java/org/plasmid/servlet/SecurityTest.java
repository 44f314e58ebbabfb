package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.Grant;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.mapdb.MapDbStorage;

/**
 * Security over HTTP: secrets are never logged nor echoed (but in the answer that creates them), no
 * token can be taken over through {@code POST a/}, nobody can raise their own rights through
 * {@code POST a/{access}}, nobody lists another's grants, and no database name reaches outside the hub
 * directory. (Throttling is in {@link ThrottleTest}; a second process on a hub in use is refused in
 * {@code CrashRecoveryTest} and plasmidctl's tests.)
 */
class SecurityTest {
    private static final String ADMIN = TestServer.basic("admin", "admin-secret");
    private static final String BOB = TestServer.basic("bob", "bob-secret");

    private FaultyStorage storage;
    private PlasmidHub hub;
    private TestServer server;
    /** Every answer, unless it is one that may show a secret (the answer of a POST a/ that set it). */
    private final List<String> answers = new ArrayList<>();
    /** Every secret used, right or wrong. */
    private final List<String> secrets = new ArrayList<>(List.of("admin-secret", "bob-secret"));
    /** Every Authorization header sent. */
    private final List<String> headers = new ArrayList<>(List.of(ADMIN, BOB));

    private void start(MapDbStorage real) throws Exception {
        storage = new FaultyStorage(real);
        hub = PlasmidHub.builder().storage(storage, true).secretHashIterations(1000).build();
        hub.accounts().setSecret("admin", "admin-secret");
        hub.accounts().grant("admin", "*", "*", "Yes");
        hub.accounts().setSecret("bob", "bob-secret");
        hub.accounts().grant("bob", "ReadDatabase", "shared", "Yes");
        hub.accounts().grant("bob", "WriteDatabase", "bobs", "Yes");
        hub.accounts().grant("bob", "CreateDatabase", "bobs", "Yes");
        hub.accounts().grant("bob", "DatabaseQuota", "bobs", "1000");
        hub.accounts().grant("bob", "CreateAccess", "*", "Yes");
        hub.accounts().grant("bob", "CreateGuest", "*", "Yes");
        server = TestServer.serving(new PlasmidServlet(hub, PlasmidServletOptions.builder()
                .maxAuthFailuresPerAccess(3).authFailureWindow(Duration.ofMinutes(5)).build()));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            storage.clear();
            server.close();
            hub.close();
        }
    }

    private static String secret() {
        return "Sx" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }

    private String auth(String access, String secret) {
        String h = TestServer.basic(access, secret);
        headers.add(h);
        return h;
    }

    /** Sends a request; its answer is kept for the scan unless {@code mayShowSecret}. */
    private HttpTester.Response send(String method, String path, String authorization, String body,
            boolean mayShowSecret) throws Exception {
        HttpTester.Response r = server.send(TestServer.request(method, path, authorization, body));
        if (!mayShowSecret) {
            StringBuilder all = new StringBuilder().append(r.getStatus()).append('\n');
            for (var f : r) {
                all.append(f.getName()).append(": ").append(f.getValue()).append('\n');
            }
            answers.add(all.append(r.getContent()).toString());
        }
        return r;
    }

    private HttpTester.Response send(String method, String path, String authorization, String body) throws Exception {
        return send(method, path, authorization, body, false);
    }

    private static Map<String, Object> json(HttpTester.Response r) {
        return TestJson.object(r.getContent());
    }

    @SuppressWarnings("unchecked")
    private static String createdSecret(HttpTester.Response r) {
        assertEquals(200, r.getStatus(), r.getContent());
        return (String) ((Map<String, Object>) json(r).get("success")).get("secret");
    }

    @Test
    void secrets_areNeverLoggedNorEchoed_butInTheAnswerThatSetsThem() throws Exception {
        start(MapDbStorage.inMemory());
        String c1 = secret();
        String c2 = secret();
        secrets.addAll(List.of(c1, c2));
        assertEquals(c1, createdSecret(send("POST", "a/", ADMIN, "{\"access\": \"carol\", \"secret\": \"" + c1 + "\"}",
                true)));
        String generated = createdSecret(send("POST", "a/", ADMIN, "{}", true));
        secrets.add(generated);
        assertEquals(403, send("GET", "d/shared", auth("carol", c1), null).getStatus());
        assertEquals(200, send("GET", "a/carol", auth("carol", c1), null).getStatus());
        assertEquals(c2, createdSecret(send("POST", "a/", auth("carol", c1), "{\"access\": \"carol\", \"secret\": \""
                + c2 + "\"}", true)));
        assertEquals(401, send("GET", "a/carol", auth("carol", c1), null).getStatus()); // the old one

        String d1 = secret();
        secrets.add(d1);
        createdSecret(send("POST", "a/", ADMIN, "{\"access\": \"dave\", \"secret\": \"" + d1 + "\"}", true));
        for (int i = 0; i < 5; i++) { // guesses at a token never used from here, then throttled
            String guess = secret();
            secrets.add(guess);
            assertEquals(i < 3 ? 401 : 429, send("GET", "a/dave", auth("dave", guess), null).getStatus());
        }
        String unknown = secret();
        secrets.add(unknown);
        assertEquals(401, send("GET", "d/shared", auth("nobody", unknown), null).getStatus());
        assertEquals(401, send("GET", "d/shared", auth(c2, "x"), null).getStatus()); // a secret typed as the access
        assertEquals(401, send("GET", "d/shared", auth(c2, c2), null).getStatus());

        // bodies holding a secret, refused in every way a body can be
        List<String> refusedBodies = new ArrayList<>();
        for (String template : new String[] {
            "{\"access\": \"dave\", \"secret\": \"%s\"", "{\"access\": \"dave\", \"secret\": %s}",
            "{\"access\": \"dave\", \"secret\": \"%s\", \"secret\": \"%<s\"}", "{\"secret\": \"%s\"}",
            "{\"access\": \"dave\", \"secret\": \"%s\\u0000\"}", "[\"%s\"]", "{\"access\": \"dave\", \"secret\": {\"x\": \"%s\"}}",
            "{\"access\": \"d/ave\", \"secret\": \"%s\"}", "{\"access\": \"carol\", \"secret\": \"%s\"}",
            "{\"access\": \"dave\", \"secret\": \"%s" + "x".repeat(1100) + "\"}", "{\"access\": \"dave\", \"secret\": '%s'}",
            "{\"access\": \"dave\", \"secret\": \"%s\" x}", "%s"}) {
            String s = secret();
            secrets.add(s);
            refusedBodies.add(String.format(template, s));
        }
        for (String body : refusedBodies) {
            HttpTester.Response r = send("POST", "a/", BOB, body);
            assertTrue(r.getStatus() == 400 || json(r).containsKey("error"), body + " -> " + r.getContent());
        }
        HttpTester.Response grantWithSecret = send("POST", "a/carol", BOB, "{\"permission\": \"ReadDatabase\", "
                + "\"resource\": \"x\", \"value\": \"" + c2 + "\", \"secret\": \"" + c2 + "\"");
        assertEquals(400, grantWithSecret.getStatus());
        HttpTester.Response trace = send("TRACE", "d/shared", auth("carol", c2), null);
        assertEquals(405, trace.getStatus());

        // storage failures, with secrets in flight
        storage.down(true);
        String lost = secret();
        secrets.add(lost);
        assertEquals(503, send("POST", "a/", ADMIN, "{\"access\": \"erin\", \"secret\": \"" + lost + "\"}").getStatus());
        assertEquals(503, send("GET", "a/carol", auth("carol", c2), null).getStatus());
        storage.down(false);

        assertTrue(answers.size() > 25, "answers " + answers.size());
        for (String answer : answers) {
            for (String s : secrets) {
                assertFalse(answer.contains(s), "an answer shows a secret:\n" + answer);
            }
            for (String h : headers) {
                assertFalse(answer.contains(h.substring("Basic ".length())), "an answer shows credentials:\n" + answer);
            }
        }
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
        awaitLogLine(log, "\"GET /app/sync/v1/a/carol HTTP/1.1\" 503");
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertTrue(lines.stream().anyMatch(l -> l.contains("storage failed")), "the storage failure was logged");
        assertTrue(lines.stream().anyMatch(l -> l.contains("authentication throttled")), "the block was logged");
        for (String line : lines) {
            for (String s : secrets) {
                assertFalse(line.contains(s), "a log line shows a secret:\n" + line);
            }
            for (String h : headers) {
                assertFalse(line.contains(h.substring("Basic ".length())), "a log line shows credentials:\n" + line);
            }
        }
    }

    private static void awaitLogLine(Path log, String marker) throws Exception {
        for (int i = 0; i < 500; i++) {
            if (Files.readString(log, StandardCharsets.UTF_8).contains(marker)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no log line " + marker);
    }

    @Test
    void noCaller_canTakeOverAnotherTokenThroughPostA() throws Exception {
        start(MapDbStorage.inMemory());
        HttpTester.Response created = send("POST", "a/", BOB, "{\"type\": \"guest\"}", true);
        String guestAccess = (String) ((Map<?, ?>) json(created).get("success")).get("access");
        String guest = TestServer.basic(guestAccess, createdSecret(created));
        String[][] attempts = { // who, whose secret, body, the answer's reason
            {BOB, "admin", "{\"access\": \"admin\", \"secret\": \"mine-now\"}", "exists"},
            {BOB, "admin", "{\"access\": \"admin\"}", "exists"},
            {guest, "bob", "{\"access\": \"bob\", \"secret\": \"mine-now\"}", "forbidden"},
            {guest, "admin", "{\"access\": \"admin\", \"secret\": \"mine-now\", \"type\": \"guest\"}", "forbidden"},
        };
        for (String[] a : attempts) {
            HttpTester.Response r = send("POST", "a/", a[0], a[2]);
            assertEquals(200, r.getStatus());
            assertEquals(List.of("error", "reason"), List.copyOf(json(r).keySet()), a[2]);
            assertEquals(a[3], json(r).get("reason"), a[2]);
            assertTrue(hub.authenticate(a[1], "mine-now").isEmpty(), a[2]);
        }
        // a guest's chosen token and secret are ignored: it gets new ones, never the chosen account
        HttpTester.Response g = send("POST", "a/", BOB, "{\"access\": \"admin\", \"secret\": \"mine-now\", "
                + "\"type\": \"guest\"}", true);
        assertNotEquals("admin", ((Map<?, ?>) json(g).get("success")).get("access"));
        assertNotEquals("mine-now", createdSecret(g));
        assertTrue(hub.authenticate("admin", "mine-now").isEmpty());
        assertEquals(200, send("GET", "a/admin", ADMIN, null).getStatus());
        assertEquals(200, send("GET", "a/bob", BOB, null).getStatus());
        assertEquals(200, send("GET", "a/" + guestAccess, guest, null).getStatus());
    }

    @Test
    void aCreatedToken_cannotTakeOverItsCreator_norAnotherCreatedToken() throws Exception {
        start(MapDbStorage.inMemory());
        String carol = secret();
        String dave = secret();
        createdSecret(send("POST", "a/", BOB, "{\"access\": \"carol\", \"secret\": \"" + carol + "\"}", true));
        createdSecret(send("POST", "a/", ADMIN, "{\"access\": \"dave\", \"secret\": \"" + dave + "\"}", true));
        hub.accounts().grant("carol", "CreateAccess", "*", "Yes");
        for (String target : new String[] {"bob", "dave", "admin"}) {
            HttpTester.Response r = send("POST", "a/", TestServer.basic("carol", carol), "{\"access\": \"" + target
                    + "\", \"secret\": \"taken\"}");
            assertEquals("exists", json(r).get("reason"), target);
            assertTrue(hub.authenticate(target, "taken").isEmpty(), target);
        }
        assertEquals(200, send("GET", "a/dave", TestServer.basic("dave", dave), null).getStatus());
        assertEquals(200, send("GET", "a/bob", BOB, null).getStatus());
        // its creator holds SetSecret on it, so may reset it (that is how a creator manages what it created)
        assertEquals("new", createdSecret(send("POST", "a/", BOB, "{\"access\": \"carol\", \"secret\": \"new\"}", true)));
    }

    @Test
    void noToken_canRaiseItsOwnRights_orThoseOfATokenItCreated_throughPostAAccess() throws Exception {
        start(MapDbStorage.inMemory());
        createdSecret(send("POST", "a/", BOB, "{\"access\": \"carol\", \"secret\": \"carol-pw\"}", true));
        String[][] grants = {
            {"bob", "*", "*", "Yes"},
            {"bob", "ReadDatabase", "*", "Yes"},
            {"bob", "WriteDatabase", "shared", "Yes"},
            {"bob", "ReadDatabase", "other", "Yes"},
            {"bob", "DatabaseQuota", "bobs", "1000000"},
            {"bob", "DatabaseQuota", "bobs", "999999999999"},
            {"bob", "SetSecret", "admin", "Yes"},
            {"bob", "GuestDatabasePrefix", "*", "x_"},
            {"carol", "*", "bobs", "Yes"},
            {"carol", "WriteDatabase", "bob*", "Yes"},
            {"carol", "WriteDatabase", "bobs", "No"},
            {"carol", "*", "*", "Yes"},
            {"carol", "SetSecret", "admin", "Yes"},
            {"carol", "WriteDatabase", "shared", "Yes"},
            {"carol", "DatabaseQuota", "bobs", "2000"},
            {"admin", "WriteDatabase", "shared", "No"},
        };
        Map<String, List<Grant>> before = Map.of("bob", hub.accounts().grants("bob"), "carol",
                hub.accounts().grants("carol"), "admin", hub.accounts().grants("admin"));
        for (String[] g : grants) {
            HttpTester.Response r = send("POST", "a/" + g[0], BOB, "{\"permission\": \"" + g[1] + "\", \"resource\": \""
                    + g[2] + "\", \"value\": \"" + g[3] + "\"}");
            assertEquals(200, r.getStatus(), String.join(" ", g));
            assertEquals("{\"error\":\"Must have a permission to grant it.\",\"reason\":\"forbidden\"}", r.getContent(),
                    String.join(" ", g));
        }
        before.forEach((access, held) -> assertEquals(held, hub.accounts().grants(access), access));
        // an invalid value is refused as such
        assertEquals("invalid", json(send("POST", "a/carol", BOB, "{\"permission\": \"DatabaseQuota\", \"resource\": "
                + "\"bobs\", \"value\": \"unlimited\"}")).get("reason"));
        // what bob holds, he may share: an exact database permission on an exact name, with Yes
        assertEquals(200, send("POST", "a/carol", BOB, "{\"permission\": \"WriteDatabase\", \"resource\": \"bobs\", "
                + "\"value\": \"Yes\"}").getStatus());
        assertTrue(hub.accounts().check("carol", "WriteDatabase", "bobs").allowed());
        assertEquals("bob", hub.accounts().grants("carol").get(0).delegator());
    }

    @Test
    void listingAnotherTokensGrants_is403_whetherItExistsOrNot_andShowsNothingOfThem() throws Exception {
        start(MapDbStorage.inMemory());
        createdSecret(send("POST", "a/", BOB, "{\"access\": \"carol\", \"secret\": \"carol-pw\"}", true));
        String carol = TestServer.basic("carol", "carol-pw");
        HttpTester.Response[] refused = {send("GET", "a/admin", BOB, null), send("GET", "a/bob", carol, null),
            send("GET", "a/carol", BOB, null), send("GET", "a/nobody", BOB, null)};
        for (HttpTester.Response r : refused) {
            assertEquals(403, r.getStatus(), r.getContent());
            assertEquals(Boolean.FALSE, json(r).get("authorized"));
            assertFalse(r.getContent().contains("permissions"), r.getContent());
            assertFalse(r.getContent().contains("ReadDatabase"), r.getContent());
        }
        assertEquals(TestJson.withoutRequestId(refused[2].getContent()).replace("carol", "nobody"),
                TestJson.withoutRequestId(refused[3].getContent()),
                "an existing and a missing token are refused alike");
    }

    @Test
    void databaseNames_neverReachOutsideTheHubDirectory(@TempDir Path tmp) throws Exception {
        Path hubDir = tmp.resolve("hub");
        Files.writeString(tmp.resolve("outside.txt"), "keep");
        start(MapDbStorage.open(hubDir));
        Set<String> before = files(tmp);
        String[] names = {"..", "../evil", "..%2Fevil", "%2E%2E%2Fevil", "..%5Cevil", "..\\evil", "evil%00x",
            "%2Fetc%2Fpasswd", "..%2F..%2F..%2Ftmp%2Fevil", "a..b", "evil.", ".evil", "C%3A%5Cevil", "evil%2F..",
            "%C0%AE%C0%AE%2Fevil", "..;%2Fevil", "evil/../../x", "journal", "index.mapdb", "hub.lock",
            "%2E%2E", "evil%0Ax", "~evil", "evil" + "x".repeat(200)};
        for (String name : names) {
            for (String route : new String[] {"", "/clone", "/update/0"}) {
                byte[] get = new RawHttp.Request("GET", TestServer.API + "d/" + name + route).header("Authorization",
                        ADMIN).end();
                assertTrue(server.send(ByteBuffer.wrap(get), 10).getStatus() < 500, name);
            }
            byte[] push = new RawHttp.Request("POST", TestServer.API + "d/" + name + "/update/")
                    .header("Authorization", ADMIN).body(("{\"last_revision\": 1, \"data\": {\"" + name
                            + "\": {\"../" + name + "\": 1}}}").getBytes(StandardCharsets.UTF_8));
            assertTrue(server.send(ByteBuffer.wrap(push), 10).getStatus() < 500, name);
        }
        Set<String> after = files(tmp);
        after.removeAll(before);
        for (String f : after) {
            assertTrue(f.startsWith("hub/"), "a file appeared outside the hub: " + f);
            assertTrue(f.matches("hub/(journal/[0-9]+\\.log|index\\.mapdb.*|hub\\.lock|index\\.clean.*)"),
                    "an unexpected file in the hub: " + f + " (all new: " + after + ")");
        }
        assertEquals("keep", Files.readString(tmp.resolve("outside.txt")));
        TreeSet<String> databases = new TreeSet<>();
        hub.listDatabases(databases::add);
        assertEquals(new TreeSet<>(Set.of("a..b", "evil.", "journal", "index.mapdb", "hub.lock")), databases,
                "only valid names became databases (and none of them a file)");
    }

    private static Set<String> files(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
