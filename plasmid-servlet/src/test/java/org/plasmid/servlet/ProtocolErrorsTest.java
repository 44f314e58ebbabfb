package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

/** Authentication, unknown paths and methods, and the headers every response carries (PROTOCOL.md §2–3). */
class ProtocolErrorsTest extends ApiTestBase {

    private static void assertUnauthorized(HttpTester.Response r, String what) {
        assertEquals(401, r.getStatus(), what);
        String challenge = r.get("WWW-Authenticate");
        assertEquals("Plasmid realm=\"plasmid\"", challenge, what);
        assertFalse(challenge.toLowerCase(Locale.ROOT).startsWith("basic"), what);
        assertEquals(Boolean.FALSE, json(r).get("authorized"), what);
        assertEquals("unauthorized", json(r).get("reason"), what);
    }

    @Test
    void aRequestWithoutCredentials_is401_withoutABasicChallenge() throws Exception {
        assertUnauthorized(get("d/notes", null), "no header");
        assertUnauthorized(post("d/notes/update/", null, "{\"last_revision\": 1, \"data\": {}}"), "push");
        assertEquals(-1, revisionOf("notes"));
    }

    @Test
    void malformedCredentials_are401() throws Exception {
        String noColon = "Basic " + Base64.getEncoder().encodeToString("admin".getBytes(StandardCharsets.UTF_8));
        String badUtf8 = "Basic " + Base64.getEncoder().encodeToString(new byte[] {'a', ':', (byte) 0xC3});
        for (String header : new String[] {"Basic !!!", "Bearer abc", "Basic", noColon, badUtf8, "admin:admin-secret"}) {
            assertUnauthorized(get("d/notes", header), header);
        }
    }

    @Test
    void anUnknownAccess_andAWrongSecret_areIndistinguishable() throws Exception {
        HttpTester.Response unknown = get("d/notes", TestServer.basic("nobody", "admin-secret"));
        HttpTester.Response wrong = get("d/notes", TestServer.basic("admin", "wrong"));
        assertUnauthorized(unknown, "unknown");
        assertUnauthorized(wrong, "wrong");
        assertEquals(TestJson.withoutRequestId(unknown.getContent()), TestJson.withoutRequestId(wrong.getContent()));
        assertEquals(unknown.get("WWW-Authenticate"), wrong.get("WWW-Authenticate"));
    }

    @Test
    void aSecretWithNonAsciiCharactersAndColons_authenticates() throws Exception {
        hub.accounts().setSecret("zoe", "s\u00e9cret \u2713:with:colons");
        hub.accounts().grant("zoe", "*", "*", "Yes");
        assertEquals(200, get("d/notes", TestServer.basic("zoe", "s\u00e9cret \u2713:with:colons")).getStatus());
    }

    @Test
    void anUnknownPath_is404_withAJsonBody() throws Exception {
        for (String uri : new String[] {"/app/sync/v2/d/notes", "/app/sync/v1/x", "/app/sync/v1/d/notes/clone/more",
                "/app/sync/v1/", "/app/sync/", "/app/sync", "/app/sync/v1/d", "/app/sync/v1/a/b/c"}) {
            HttpTester.Request req = TestServer.request("GET", "", ADMIN, null);
            req.setURI(uri);
            HttpTester.Response r = server.send(req);
            assertEquals(404, r.getStatus(), uri);
            assertEquals("notfound", json(r).get("reason"), uri);
        }
    }

    @Test
    void aKnownPathWithTheWrongMethod_is405_withAllow() throws Exception {
        Object[][] cases = {{"POST", "d/notes", "GET"}, {"GET", "d/notes/update/", "POST"},
            {"POST", "d/notes/update/3", "GET"}, {"PUT", "a/bob", "GET, POST"}, {"GET", "a/", "POST"},
            {"GET", "a/bob/ReadDatabase/x", "DELETE"}, {"DELETE", "d/notes/clone", "GET"}, {"HEAD", "d/notes", "GET"}};
        for (Object[] c : cases) {
            HttpTester.Response r = server.send(TestServer.request((String) c[0], (String) c[1], ADMIN, null));
            assertEquals(405, r.getStatus(), c[0] + " " + c[1]);
            assertEquals(c[2], r.get("Allow"), c[0] + " " + c[1]);
            if (!c[0].equals("HEAD")) {
                assertEquals("method", json(r).get("reason"));
            }
        }
    }

    @Test
    void whenTheHubIsClosed_requestsAre503_withRetryAfter() throws Exception {
        hub.close();
        HttpTester.Response r = get("d/notes", ADMIN);
        assertEquals(503, r.getStatus());
        assertNotNull(r.get("Retry-After"));
        assertTrue(Integer.parseInt(r.get("Retry-After")) > 0);
        assertEquals("unavailable", json(r).get("reason"));
    }

    @Test
    void everyResponse_isJson_andNotCached() throws Exception {
        hub.accounts().grant("bob", "ReadDatabase", "notes", "Yes");
        Map<String, HttpTester.Request> requests = Map.of(
                "200", TestServer.request("GET", "d/notes", ADMIN, null),
                "200 push", TestServer.request("POST", "d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {}}"),
                "200 pull", TestServer.request("GET", "d/notes/update/0", ADMIN, null),
                "200 clone", TestServer.request("GET", "d/notes/clone", ADMIN, null),
                "400", TestServer.request("GET", "d/notes/update/x", ADMIN, null),
                "401", TestServer.request("GET", "d/notes", null, null),
                "403", TestServer.request("GET", "d/other", BOB, null),
                "404", TestServer.request("GET", "nope", ADMIN, null),
                "405", TestServer.request("PUT", "d/notes", ADMIN, null),
                "413", TestServer.request("POST", "d/notes/update/", ADMIN, "[" + "1,".repeat(9_000_000) + "1]"));
        for (Map.Entry<String, HttpTester.Request> e : requests.entrySet()) {
            HttpTester.Response r = server.send(e.getValue());
            assertEquals(e.getKey().substring(0, 3), Integer.toString(r.getStatus()), e.getKey());
            assertEquals("no-store", r.get("Cache-Control"), e.getKey());
            String type = r.get("Content-Type").toLowerCase(Locale.ROOT).replace(" ", "");
            assertEquals("application/json;charset=utf-8", type, e.getKey());
            TestJson.parse(r.getContent());
        }
    }
}
