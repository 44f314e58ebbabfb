package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.plasmid.core.PlasmidHub;

/**
 * TRACE is never answered by echoing the request, which would hand a script the {@code Authorization}
 * header it cannot read itself: under the servlet, an API path answers 405 (with {@code Allow}) and any
 * other path 404, both as protocol JSON, whatever the credentials. Over real sockets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraceTest {
    private static final String SECRET = "trace-secret-Zq9";
    private static final String ADMIN = TestServer.basic("admin", SECRET);

    private PlasmidHub hub;
    private TestServer server;

    @BeforeAll
    void start() throws Exception {
        hub = TestServer.fastHub();
        hub.accounts().setSecret("admin", SECRET);
        hub.accounts().grant("admin", "*", "*", "Yes");
        hub.createDatabase("notes");
        server = new TestServer();
        server.mount(new PlasmidServlet(hub), TestServer.MAPPING);
        server.withNetwork().start();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        hub.close();
    }

    @ParameterizedTest(name = "TRACE {0} -> {1}")
    @CsvSource({
        "/app/sync/v1/d/notes, 405",
        "/app/sync/v1/d/notes/clone, 405",
        "/app/sync/v1/d/notes/update/1, 405",
        "/app/sync/v1/d/notes/update/, 405",
        "/app/sync/v1/a/, 405",
        "/app/sync/v1/a/admin, 405",
        "/app/sync/v1/a/admin/ReadDatabase/notes, 405",
        "/app/sync/v1/d/missing, 405",
        "/app/sync, 404",
        "/app/sync/, 404",
        "/app/sync/v1/, 404",
        "/app/sync/v1/x, 404",
        "/app/sync/v2/d/notes, 404",
        "/app/sync/anything/else?q=1, 404",
    })
    void trace_isRefused_andNeverEchoesTheRequest(String target, int status) throws Exception {
        for (String auth : new String[] {ADMIN, TestServer.basic("admin", "wrong-" + SECRET), null}) {
            RawHttp.Request r = new RawHttp.Request("TRACE", target).header("X-Probe", "probe-" + SECRET);
            if (auth != null) {
                r.header("Authorization", auth);
            }
            RawHttp.Response answer = new RawHttp(server.networkPort(), null, 10_000).send(r.end());
            assertEquals(status, answer.status(), answer.toString());
            assertTrue(answer.header("Content-Type").startsWith("application/json"), answer.toString());
            assertEquals(status == 405 ? "method" : "notfound", TestJson.object(answer.text()).get("reason"));
            if (status == 405) {
                assertFalse(answer.header("Allow").contains("TRACE"), answer.toString());
            }
            String all = (answer.headers() + " " + answer.text()).toLowerCase(Locale.ROOT);
            assertFalse(all.contains(SECRET.toLowerCase(Locale.ROOT)), "echoed a secret: " + answer);
            assertFalse(auth != null && all.contains(auth.substring(6).toLowerCase(Locale.ROOT)),
                    "echoed the credentials: " + answer);
            assertFalse(all.contains("authorization") || all.contains("x-probe") || all.contains("message/http"),
                    "echoed the request: " + answer);
        }
    }
}
