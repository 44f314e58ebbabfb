package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The endpoints of PROTOCOL.md §1, §4 and §5 with their success and main refusals, the mount, and
 * keep-alive, on every container ({@link ContainerContract}). On Jetty alone in depth: DatabaseEndpointsTest,
 * AccountEndpointsTest, ProtocolErrorsTest, RouteTest, TraceTest, ConnectionReuseTest.
 */
class ContainerEndpointsTest extends ContainerContract {
    @Test
    void databaseEndpoints_answerAsTheProtocolSays() throws Exception {
        start();
        assertEquals("{\"name\":\"notes\",\"revision\":1}", get("d/notes", ADMIN).text());
        String push = "{\"last_revision\": 1, \"push_id\": \"p-1\", \"data\": {\"s\": {\"a\": {\"x\": 1}, \"b\": 2}}}";
        assertEquals("{\"saved\":2,\"revision\":2}", post("d/notes/update/", ADMIN, push).text());
        assertEquals("{\"saved\":2,\"revision\":2,\"duplicate\":true}", post("d/notes/update", ADMIN, push).text());
        RawHttp.Response stale = post("d/notes/update/", ADMIN,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"c\": 3}}}");
        assertEquals(200, stale.status());
        assertEquals("{\"error\":\"Cannot update. Master has changed. 2 > 1\",\"saved\":0,\"reason\":\"outofdate\","
                + "\"revision\":2}", stale.text());
        assertEquals("{\"saved\":2,\"revision\":3}", post("d/notes/update/", ADMIN,
                "{\"last_revision\": 2, \"data\": {\"s\": {\"a\": null}, \"t\": {\"c\": [1]}}}").text());

        assertEquals("{\"since\":0,\"updates\":[[\"s\",2,\"b\",2],[\"s\",3,\"a\",null],[\"t\",3,\"c\",[1]]],"
                + "\"until\":3}",
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
        assertEquals("{\"error\":\"Must have a permission to grant it.\",\"reason\":\"forbidden\"}",
                post("a/admin", BOB, "{\"permission\": \"WriteDatabase\", \"resource\": \"notes\", \"value\": \"Yes\"}")
                        .text());
        assertAnswer(403, "forbidden", get("a/admin", BOB));

        RawHttp.Response revoked = send("DELETE", "a/carol/ReadDatabase/notes", ADMIN, null);
        assertEquals("{\"success\":{\"access\":\"carol\",\"permission\":\"ReadDatabase\",\"resource\":\"notes\","
                + "\"value\":\"\"}}", revoked.text());
        assertAnswer(200, "notfound", send("DELETE", "a/carol/ReadDatabase/notes", ADMIN, null));
        assertAnswer(200, "forbidden", send("DELETE", "a/admin/*/*", BOB, null));
        assertTrue(hub.accounts().check("admin", "ReadDatabase", "x").allowed());
    }

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
            {"PUT", "a/bob", "GET, POST"}, {"GET", "a/bob/ReadDatabase/x", "DELETE"},
            {"DELETE", "d/notes/clone", "GET"}};
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

    @Test
    void refusalsBeforeTheBodyWasRead_sayConnectionClose_butAnswersAfterReadingItDoNot() throws Exception {
        start();
        String body = "{\"last_revision\": 1, \"data\": {}}";
        Object[][] refusals = {{"PUT", "d/notes/update/", ADMIN, 405}, {"POST", "x/nothing", ADMIN, 404},
            {"POST", "d/notes/update/", TestServer.basic("admin", "wrong"), 401},
            {"POST", "d/notes/update/", null, 401}};
        for (Object[] c : refusals) {
            RawHttp.Request request = new RawHttp.Request((String) c[0], Container.API + c[1], true);
            RawHttp.Response r = send(request, (String) c[2], body);
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
        RawHttp.Response notFound = send(new RawHttp.Request("GET", Container.API + "x/nothing", true), ADMIN, null);
        assertNull(notFound.header("Connection"), "a 404 to a GET keeps the connection");
        // Not asserted: the connection after a 400 (or 413, 503) whose request was read whole. The servlet
        // leaves it open, and Jetty keeps it; Tomcat closes the connection after any such status itself
        // (Http11Processor.statusDropsConnection), which the servlet does not control.
    }
}
