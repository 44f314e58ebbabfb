package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

/**
 * (ext) Conflicts in one round trip: an {@code outofdate} answer carries the changes the pusher missed,
 * when it may read them and they fit the budget, after the fields Plasmid.js reads (which stay as they were).
 */
class OutOfDateUpdatesTest extends ApiTestBase {

    private void setUpNotes() throws Exception {
        hub.accounts().grant("bob", "ReadDatabase", "notes", "Yes");
        hub.accounts().grant("bob", "WriteDatabase", "notes", "Yes");
        assertEquals(200, post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1, \"b\": "
                + "{\"x\":  [1, 2]}}}}").getStatus());
        assertEquals(200, post("d/notes/update/", ADMIN, "{\"last_revision\": 2, \"data\": {\"s\": {\"a\": null}, "
                + "\"t\": {\"c\": \"\\u00e9\"}}}").getStatus());
    }

    @Test
    void aStalePush_getsTheMissedChanges_exactlyAsAPullWouldReturnThem() throws Exception {
        setUpNotes();
        HttpTester.Response r = post("d/notes/update/", BOB, "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 9}}}");
        assertEquals(200, r.getStatus());
        assertTrue(r.getContent().startsWith("{\"error\":\"Cannot update. Master has changed. 3 > 1\",\"saved\":0,"
                + "\"reason\":\"outofdate\",\"revision\":3,"), "the compat fields first, as before: " + r.getContent());
        Map<String, Object> body = json(r);
        HttpTester.Response pull = get("d/notes/update/1", BOB);
        assertEquals(json(pull).get("updates"), body.get("updates"), "the same entries as a pull from 1");
        assertEquals(3, ((Number) body.get("until")).intValue());
        assertTrue(r.getContent().contains("{\"x\":  [1, 2]}"), "values byte for byte: " + r.getContent());
        assertEquals(3, revisionOf("notes"), "nothing written");
        // resolving from the answer alone: the retry from until is accepted
        assertEquals(200, post("d/notes/update/", BOB, "{\"last_revision\": 3, \"data\": {\"s\": {\"a\": 9}}}")
                .getStatus());
        assertEquals(4, revisionOf("notes"));
    }

    @Test
    void aWriteOnlyPusher_learnsNothingItMayNotRead() throws Exception {
        setUpNotes();
        hub.accounts().setSecret("writer", "writer-secret");
        hub.accounts().grant("writer", "WriteDatabase", "notes", "Yes");
        HttpTester.Response r = post("d/notes/update/", TestServer.basic("writer", "writer-secret"),
                "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 9}}}");
        assertEquals("{\"error\":\"Cannot update. Master has changed. 3 > 1\",\"saved\":0,\"reason\":\"outofdate\","
                + "\"revision\":3}", r.getContent());
    }

    @Test
    void missedChangesOverTheBudget_areLeftOut_andTheClientPullsAsBefore() throws Exception {
        setUpNotes();
        try (TestServer small = TestServer.serving(new PlasmidServlet(hub,
                PlasmidServletOptions.builder().outOfDateUpdatesBytes(20).build()))) {
            HttpTester.Response r = small.send(TestServer.request("POST", "d/notes/update/", BOB,
                    "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 9}}}"));
            assertEquals("{\"error\":\"Cannot update. Master has changed. 3 > 1\",\"saved\":0,\"reason\":"
                    + "\"outofdate\",\"revision\":3}", r.getContent());
        }
        try (TestServer off = TestServer.serving(new PlasmidServlet(hub,
                PlasmidServletOptions.builder().outOfDateUpdatesBytes(0).build()))) {
            HttpTester.Response r = off.send(TestServer.request("POST", "d/notes/update/", BOB,
                    "{\"last_revision\": 2, \"data\": {\"s\": {\"a\": 9}}}"));
            assertFalse(json(r).containsKey("updates"), r.getContent());
        }
    }

    @Test
    void anAcceptedPush_andAQuotaRefusal_carryNoUpdates() throws Exception {
        setUpNotes();
        HttpTester.Response r = post("d/notes/update/", BOB, "{\"last_revision\": 3, \"data\": {\"s\": {\"z\": 1}}}");
        assertEquals("{\"saved\":1,\"revision\":4}", r.getContent());
        hub.accounts().grant("bob", "DatabaseQuota", "notes", "10");
        r = post("d/notes/update/", BOB, "{\"last_revision\": 4, \"data\": {\"s\": {\"big\": \"" + "x".repeat(50) + "\"}}}");
        assertEquals("{\"error\":\"quota exceeded\",\"saved\":0,\"reason\":\"quota\"}", r.getContent());
    }
}
