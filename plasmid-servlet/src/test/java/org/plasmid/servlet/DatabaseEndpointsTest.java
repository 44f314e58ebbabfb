package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

/** GET d/{db}, GET d/{db}/clone, GET d/{db}/update/{rev}, POST d/{db}/update/ (PROTOCOL.md §4). */
class DatabaseEndpointsTest extends ApiTestBase {

    @Test
    void info_ofNewDatabase_startsAtRevisionOne() throws Exception {
        HttpTester.Response r = get("d/notes", ADMIN);
        assertEquals(200, r.getStatus());
        assertEquals("{\"name\":\"notes\",\"revision\":1}", r.getContent());
    }

    @Test
    void push_toNewDatabase_answersSavedAndTheNextRevision() throws Exception {
        HttpTester.Response r = post("d/notes/update/", ADMIN,
                "{\"last_revision\": 1, \"data\": {\"things\": {\"a\": {\"x\": 1}, \"b\": 2}}}");
        assertEquals(200, r.getStatus());
        assertEquals("{\"saved\":2,\"revision\":2}", r.getContent());
        assertEquals(2, revisionOf("notes"));
    }

    @Test
    void push_withoutTrailingSlash_isAccepted() throws Exception {
        HttpTester.Response r = post("d/notes/update", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}");
        assertEquals("{\"saved\":1,\"revision\":2}", r.getContent());
    }

    @Test
    void push_isReadAsJson_whateverTheContentType() throws Exception {
        for (String type : new String[] {"text/plain;charset=UTF-8", "application/json", "application/x-www-form-urlencoded",
                null}) {
            long last = revisionOf("notes") < 0 ? 1 : revisionOf("notes");
            HttpTester.Request req = TestServer.request("POST", "d/notes/update/", ADMIN,
                    "{\"last_revision\": " + last + ", \"data\": {\"s\": {\"k\": 1}}}");
            if (type == null) {
                req.remove("Content-Type");
            } else {
                req.put("Content-Type", type);
            }
            HttpTester.Response r = server.send(req);
            assertEquals("{\"saved\":1,\"revision\":" + (last + 1) + "}", r.getContent(), "Content-Type " + type);
        }
    }

    @Test
    void push_fromStaleRevision_isOutOfDate_withHttp200_andWritesNothing() throws Exception {
        post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1}}}");
        HttpTester.Response r = post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"b\": 1}}}");
        assertEquals(200, r.getStatus());
        // (compat) byte for byte what Plasmid.js reads; then (ext) the missed changes (OutOfDateUpdatesTest)
        assertEquals("{\"error\":\"Cannot update. Master has changed. 2 > 1\",\"saved\":0,\"reason\":\"outofdate\","
                + "\"revision\":2,\"updates\":[[\"s\",2,\"a\",1]],\"until\":2}", r.getContent());
        assertEquals(2, revisionOf("notes"));
        assertEquals(1, updates(get("d/notes/update/0", ADMIN)).size());
    }

    @Test
    void push_withEmptyData_writesNothing_andAnswersTheCurrentRevision() throws Exception {
        HttpTester.Response r = post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {}}");
        assertEquals("{\"saved\":0,\"revision\":1}", r.getContent());
        assertEquals(1, revisionOf("notes"));
    }

    @Test
    void push_overQuota_isRefusedWithHttp200_andWritesNothing() throws Exception {
        hub.accounts().grant("bob", "*", "small", "Yes");
        hub.accounts().grant("bob", "DatabaseQuota", "small", "10");
        HttpTester.Response r = post("d/small/update/", BOB,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": \"far more than ten bytes\"}}}");
        assertEquals(200, r.getStatus());
        assertEquals("{\"error\":\"quota exceeded\",\"saved\":0,\"reason\":\"quota\"}", r.getContent());
        assertEquals(1, revisionOf("small"));
    }

    @Test
    void push_repeatedWithSamePushId_answersTheOriginal_asDuplicate() throws Exception {
        String body = "{\"last_revision\": 1, \"push_id\": \"p-1\", \"data\": {\"s\": {\"k\": 1}}}";
        assertEquals("{\"saved\":1,\"revision\":2}", post("d/notes/update/", ADMIN, body).getContent());
        assertEquals("{\"saved\":1,\"revision\":2,\"duplicate\":true}", post("d/notes/update/", ADMIN, body).getContent());
        assertEquals(2, revisionOf("notes"));
    }

    @Test
    void push_ofNull_deletesTheKey_pullReportsATombstone_cloneLeavesItOut() throws Exception {
        post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1, \"b\": 2}}}");
        HttpTester.Response r = post("d/notes/update/", ADMIN, "{\"last_revision\": 2, \"data\": {\"s\": {\"a\": null}}}");
        assertEquals("{\"saved\":1,\"revision\":3}", r.getContent());
        List<List<Object>> updates = updates(get("d/notes/update/0", ADMIN));
        assertEquals(List.of(List.of("s", BigInteger.TWO, "b", BigInteger.TWO), listOf("s", BigInteger.valueOf(3), "a", null)),
                updates);
        assertEquals("{\"data\":{\"s\":{\"b\":[2,2]}},\"revision\":3}", get("d/notes/clone", ADMIN).getContent());
    }

    @Test
    void pull_updates_areSortedByRevision_withTheLatestValueOfEachKey() throws Exception {
        post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1, \"b\": 1}}}");
        post("d/notes/update/", ADMIN, "{\"last_revision\": 2, \"data\": {\"t\": {\"c\": 1}}}");
        post("d/notes/update/", ADMIN, "{\"last_revision\": 3, \"data\": {\"s\": {\"a\": 2}}}");
        HttpTester.Response r = get("d/notes/update/0", ADMIN);
        assertEquals(200, r.getStatus());
        Map<String, Object> body = json(r);
        assertEquals(BigInteger.ZERO, body.get("since"));
        assertEquals(BigInteger.valueOf(4), body.get("until"));
        assertFalse(body.containsKey("more"));
        assertEquals(List.of(List.of("s", BigInteger.TWO, "b", BigInteger.ONE), List.of("t", BigInteger.valueOf(3), "c",
                BigInteger.ONE), List.of("s", BigInteger.valueOf(4), "a", BigInteger.TWO)), body.get("updates"));

        assertEquals(List.of(List.of("s", BigInteger.valueOf(4), "a", BigInteger.TWO)), updates(get("d/notes/update/3", ADMIN)));
    }

    @Test
    void pull_fromOrAboveTheCurrentRevision_isEmpty() throws Exception {
        post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1}}}");
        assertEquals("{\"since\":2,\"updates\":[],\"until\":2}", get("d/notes/update/2", ADMIN).getContent());
        assertEquals("{\"since\":9,\"updates\":[],\"until\":2}", get("d/notes/update/9", ADMIN).getContent());
    }

    @Test
    void pull_withLimit_neverSplitsARevision_andSaysThereIsMore() throws Exception {
        post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1, \"b\": 1, \"c\": 1}}}");
        post("d/notes/update/", ADMIN, "{\"last_revision\": 2, \"data\": {\"s\": {\"d\": 1}}}");
        Map<String, Object> first = json(get("d/notes/update/0?limit=2", ADMIN));
        assertEquals(3, ((List<?>) first.get("updates")).size());
        assertEquals(BigInteger.TWO, first.get("until"));
        assertEquals(Boolean.TRUE, first.get("more"));
        Map<String, Object> rest = json(get("d/notes/update/2?limit=2", ADMIN));
        assertEquals(List.of(List.of("s", BigInteger.valueOf(3), "d", BigInteger.ONE)), rest.get("updates"));
        assertEquals(BigInteger.valueOf(3), rest.get("until"));
        assertFalse(rest.containsKey("more"));
    }

    @Test
    void pull_withABadRevisionOrLimit_is400() throws Exception {
        for (String path : new String[] {"d/notes/update/abc", "d/notes/update/-1", "d/notes/update/1.5",
                "d/notes/update/99999999999999999999", "d/notes/update/1?limit=0", "d/notes/update/1?limit=x",
                "d/notes/update/1?limit=-3"}) {
            HttpTester.Response r = get(path, ADMIN);
            assertEquals(400, r.getStatus(), path);
            assertEquals("invalid", json(r).get("reason"), path);
        }
    }

    @Test
    void clone_returnsTheCurrentState_groupedByStore() throws Exception {
        post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1, \"b\": \"x\"}, \"t\": {\"c\": [1]}}}");
        post("d/notes/update/", ADMIN, "{\"last_revision\": 2, \"data\": {\"s\": {\"a\": 5}, \"u\": {\"d\": {}}}}");
        HttpTester.Response r = get("d/notes/clone", ADMIN);
        assertEquals(200, r.getStatus());
        assertEquals(Map.of("data", Map.of("s", Map.of("a", List.of(BigInteger.valueOf(3), BigInteger.valueOf(5)),
                "b", List.of(BigInteger.TWO, "x")), "t", Map.of("c", List.of(BigInteger.TWO, List.of(BigInteger.ONE))),
                "u", Map.of("d", List.of(BigInteger.valueOf(3), Map.of()))), "revision", BigInteger.valueOf(3)), json(r));
    }

    @Test
    void clone_ofANewDatabase_isEmptyAtRevisionOne() throws Exception {
        assertEquals("{\"data\":{},\"revision\":1}", get("d/fresh/clone", ADMIN).getContent());
    }

    @Test
    void values_roundTripByteForByte_throughPullAndClone() throws Exception {
        String value = "{ \"z\" : 1, \"a\": [123456789012345678901234567890, 1.50e10, -0.0],"
                + " \"s\": \"\\u00e9\\ud83d\\ude00 caf\u00e9 \\\"q\\\"\" }";
        post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\u00e9\": {\"k\u2713\": " + value + "}}}");
        String pulled = get("d/notes/update/0", ADMIN).getContent();
        assertEquals("{\"since\":0,\"updates\":[[\"s\u00e9\",2,\"k\u2713\"," + value + "]],\"until\":2}", pulled);
        String cloned = get("d/notes/clone", ADMIN).getContent();
        assertEquals("{\"data\":{\"s\u00e9\":{\"k\u2713\":[2," + value + "]}},\"revision\":2}", cloned);
    }

    @Test
    void reading_withoutReadDatabase_is403_whetherOrNotTheDatabaseExists() throws Exception {
        post("d/exists/update/", ADMIN, "{\"last_revision\": 1, \"data\": {}}");
        for (String path : new String[] {"d/exists", "d/exists/clone", "d/exists/update/0", "d/missing",
                "d/missing/clone", "d/missing/update/0"}) {
            HttpTester.Response r = get(path, BOB);
            assertEquals(403, r.getStatus(), path);
            Map<String, Object> body = json(r);
            assertEquals(Boolean.FALSE, body.get("authorized"));
            assertEquals("ReadDatabase", body.get("permission"));
            assertEquals("forbidden", body.get("reason"));
        }
        assertEquals(-1, revisionOf("missing"));
    }

    @Test
    void pushing_withoutWriteDatabase_is403() throws Exception {
        hub.accounts().grant("bob", "ReadDatabase", "notes", "Yes");
        hub.accounts().grant("bob", "CreateDatabase", "notes", "Yes");
        HttpTester.Response r = post("d/notes/update/", BOB, "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1}}}");
        assertEquals(403, r.getStatus());
        assertEquals("WriteDatabase", json(r).get("permission"));
        assertEquals(-1, revisionOf("notes"));
    }

    @Test
    void aMissingDatabase_thatTheCallerMayNotCreate_is404() throws Exception {
        hub.accounts().grant("bob", "ReadDatabase", "*", "Yes");
        hub.createDatabase("exists");
        assertEquals(200, get("d/exists", BOB).getStatus());
        HttpTester.Response r = get("d/missing", BOB);
        assertEquals(404, r.getStatus());
        assertEquals("notfound", json(r).get("reason"));
        assertEquals(-1, revisionOf("missing"));
    }

    @Test
    void aBadDatabaseName_is400() throws Exception {
        for (String name : new String[] {".hidden", "a%20b", "x".repeat(129), "caf%C3%A9"}) {
            HttpTester.Response r = get("d/" + name, ADMIN);
            assertEquals(400, r.getStatus(), name);
            assertEquals("invalid", json(r).get("reason"), name);
        }
    }

    @Test
    void push_withAMalformedBodyOrShape_is400_andWritesNothing() throws Exception {
        String longKey = "k".repeat(1025);
        for (String body : new String[] {"", "not json", "{\"last_revision\": 1, \"data\": {}", "[1, 2]",
                "{\"data\": {}}", "{\"last_revision\": 1}", "{\"last_revision\": \"1\", \"data\": {}}",
                "{\"last_revision\": 1.5, \"data\": {}}", "{\"last_revision\": null, \"data\": {}}",
                "{\"last_revision\": -1, \"data\": {}}", "{\"last_revision\": 123456789012345678901234567890, \"data\": {}}",
                "{\"last_revision\": 1, \"data\": []}", "{\"last_revision\": 1, \"data\": {\"s\": 1}}",
                "{\"last_revision\": 1, \"data\": {\"s\": [1]}}", "{\"last_revision\": 1, \"data\": {\"\": {\"k\": 1}}}",
                "{\"last_revision\": 1, \"data\": {\"s\": {\"\": 1}}}",
                "{\"last_revision\": 1, \"data\": {\"s\": {\"" + longKey + "\": 1}}}",
                "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1, \"j\": tru}}}",
                "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}} trailing",
                "{\"last_revision\": 1, \"last_revision\": 1, \"data\": {}}",
                "{\"last_revision\": 1, \"push_id\": 5, \"data\": {\"s\": {\"k\": 1}}}"}) {
            HttpTester.Response r = post("d/notes/update/", ADMIN, body);
            assertEquals(400, r.getStatus(), body);
            assertEquals("invalid", json(r).get("reason"), body);
        }
        assertTrue(revisionOf("notes") <= 1, "nothing was written");
    }

    @Test
    void push_ofAKeyOf1024Characters_isAccepted() throws Exception {
        HttpTester.Response r = post("d/notes/update/", ADMIN,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"" + "k".repeat(1024) + "\": 1}}}");
        assertEquals("{\"saved\":1,\"revision\":2}", r.getContent());
    }

    @Test
    void push_ofABodyInUtf16_is400_notAServerFault() throws Exception {
        String json = "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": \"v\"}}}";
        for (java.nio.charset.Charset cs : new java.nio.charset.Charset[] {java.nio.charset.StandardCharsets.UTF_16BE,
                java.nio.charset.StandardCharsets.UTF_16LE, java.nio.charset.StandardCharsets.UTF_16}) {
            HttpTester.Request req = TestServer.request("POST", "d/notes/update/", ADMIN, null);
            req.setContent(json.getBytes(cs));
            HttpTester.Response r = server.send(req);
            assertEquals(400, r.getStatus(), cs.name());
        }
        assertTrue(revisionOf("notes") <= 1);
    }

    @Test
    void push_ofAUtf8BodyWithAByteOrderMark_keepsValuesExact() throws Exception {
        byte[] json = "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": \"v\u00e9\"}}}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, withBom, 3, json.length);
        HttpTester.Request req = TestServer.request("POST", "d/notes/update/", ADMIN, null);
        req.setContent(withBom);
        HttpTester.Response r = server.send(req);
        assertEquals(200, r.getStatus(), r.getContent());
        assertEquals("{\"since\":0,\"updates\":[[\"s\",2,\"k\",\"v\u00e9\"]],\"until\":2}",
                get("d/notes/update/0", ADMIN).getContent());
    }

    private static List<Object> listOf(Object... items) {
        List<Object> l = new ArrayList<>();
        for (Object o : items) {
            l.add(o);
        }
        return l;
    }

    @Test
    void push_withAKeyOfInvalidUtf8_isRefused_evenWhereJacksonWouldTakeItForAValidKey() throws Exception {
        // Jackson's name cache pads short names with 0xFF: once "cc" was seen, 0xFF 'c' 'c' is found as "cc"
        assertEquals("{\"saved\":1,\"revision\":2}", post("d/utf/update/", ADMIN,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"cc\": {\"cc\": 1}}}}").getContent());
        for (String template : new String[] {"{\"s\": {\"Xcc\": 2}}", "{\"s\": {\"k\": {\"Xcc\": 2}}}",
            "{\"s\": {\"k\": [\"X\"]}}", "{\"Xcc\": {\"k\": 2}}"}) {
            byte[] data = template.getBytes(StandardCharsets.US_ASCII);
            data[template.indexOf('X')] = (byte) 0xff;
            byte[] head = "{\"last_revision\": 2, \"data\": ".getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[head.length + data.length + 1];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(data, 0, body, head.length, data.length);
            body[body.length - 1] = '}';
            HttpTester.Request r = TestServer.request("POST", "d/utf/update/", ADMIN, null);
            r.setContent(body);
            HttpTester.Response answer = server.send(r);
            assertEquals(400, answer.getStatus(), template);
            assertEquals("invalid", json(answer).get("reason"));
        }
        assertEquals("{\"data\":{\"s\":{\"cc\":[2,{\"cc\": 1}]}},\"revision\":2}",
                get("d/utf/clone", ADMIN).getContent());
    }
}
