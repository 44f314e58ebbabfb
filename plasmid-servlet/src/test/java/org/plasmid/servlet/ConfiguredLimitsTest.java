package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

/** Limits set through {@link PlasmidServletOptions} hold to the byte. */
class ConfiguredLimitsTest extends ApiTestBase {
    private static final String PREFIX = "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": \"";
    private static final String SUFFIX = "\"}}}";

    @Override
    PlasmidServletOptions options() {
        return PlasmidServletOptions.builder().maxBodyBytes(1000).maxValueBytes(100).maxDepth(3).maxObjectsPerPush(3)
                .build();
    }

    /** A push whose body is exactly {@code bytes} long (the value grows to fit; it stays under 100 bytes). */
    private static String bodyOf(int bytes, String key) {
        String head = PREFIX.replace("\"k\"", "\"" + key + "\"");
        String padding = " ".repeat(bytes - head.length() - SUFFIX.length() - 50);
        return padding + head + "x".repeat(48) + SUFFIX + "  ";
    }

    @Test
    void aBodyOfExactlyTheLimit_isAccepted_andOneByteMore_is413_declaredOrChunked() throws Exception {
        String exact = bodyOf(1000, "a");
        assertEquals(1000, exact.getBytes(StandardCharsets.UTF_8).length);
        assertEquals("{\"saved\":1,\"revision\":2}", post("d/x/update/", ADMIN, exact).getContent());

        String over = bodyOf(1001, "b").replace("\"last_revision\": 1", "\"last_revision\": 2");
        assertEquals(1001, over.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(413, post("d/x/update/", ADMIN, over).getStatus());
        HttpTester.Response chunked = server.send(LimitsTest.chunked("d/x/update/", ADMIN,
                over.getBytes(StandardCharsets.UTF_8)), 10);
        assertEquals(413, chunked.getStatus());
        String exact2 = bodyOf(1000, "c").replace("\"last_revision\": 1", "\"last_revision\": 2");
        assertEquals(1000, exact2.getBytes(StandardCharsets.UTF_8).length);
        assertEquals("{\"saved\":1,\"revision\":3}", server.send(LimitsTest.chunked("d/x/update/", ADMIN,
                exact2.getBytes(StandardCharsets.UTF_8)), 10).getContent());
    }

    @Test
    void aValueOverTheConfiguredLimit_is413() throws Exception {
        assertEquals("{\"saved\":1,\"revision\":2}", post("d/x/update/", ADMIN, LimitsTest.pushBody(1, 100)).getContent());
        assertEquals(413, post("d/x/update/", ADMIN, LimitsTest.pushBody(1, 101)).getStatus());
    }

    @Test
    void aValueDeeperThanTheConfiguredDepth_is400() throws Exception {
        assertEquals(200, post("d/x/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": [[[1]]]}}}")
                .getStatus());
        assertEquals(400, post("d/x/update/", ADMIN, "{\"last_revision\": 2, \"data\": {\"s\": {\"k\": [[[[1]]]]}}}")
                .getStatus());
        assertEquals(2, revisionOf("x"));
    }

    @Test
    void aPushOfTheConfiguredNumberOfObjects_isAccepted_andOneMore_is413_andNothingIsWritten() throws Exception {
        assertEquals("{\"saved\":3,\"revision\":2}", post("d/x/update/", ADMIN,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1, \"b\": 2}, \"t\": {\"c\": 3}}}").getContent());
        HttpTester.Response r = post("d/x/update/", ADMIN,
                "{\"last_revision\": 2, \"data\": {\"s\": {\"a\": null, \"b\": 5}, \"t\": {\"c\": 6, \"d\": 7}}}");
        assertEquals(413, r.getStatus());
        assertEquals("toolarge", json(r).get("reason"));
        assertEquals(2, revisionOf("x"));
    }

    @Test
    void aPushWithTooManyObjects_isRefusedAtTheFirstObjectPastTheLimit_beforeReadingIt() throws Exception {
        HttpTester.Response r = post("d/x/update/", ADMIN,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"a\": 1, \"b\": 2, \"c\": 3, \"d\": [not json at all");
        assertEquals(413, r.getStatus(), "not 400: the fourth object's value is never parsed");
        assertEquals(-1, revisionOf("x"));
    }
}
