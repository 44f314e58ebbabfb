package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;
import org.plasmid.core.PlasmidHub;

/** CORS: off by default; when on, preflights and answers name allowed origins only. */
class CorsTest {
    private static final String ADMIN = TestServer.basic("admin", "admin-secret");

    private static HttpTester.Request preflight(String origin) {
        HttpTester.Request r = TestServer.request("OPTIONS", "d/notes/update/", null, null);
        r.setHeader("Origin", origin);
        r.setHeader("Access-Control-Request-Method", "POST");
        r.setHeader("Access-Control-Request-Headers", "authorization");
        return r;
    }

    private static HttpTester.Request pull(String origin) {
        HttpTester.Request r = TestServer.request("GET", "d/notes/update/0", ADMIN, null);
        r.setHeader("Origin", origin);
        return r;
    }

    private static TestServer serve(PlasmidHub hub, PlasmidServletOptions options) throws Exception {
        hub.accounts().setSecret("admin", "admin-secret");
        hub.accounts().grant("admin", "*", "*", "Yes");
        return TestServer.serving(new PlasmidServlet(hub, options));
    }

    @Test
    void byDefault_noCorsHeadersAreSent() throws Exception {
        try (PlasmidHub hub = TestServer.fastHub(); TestServer server = serve(hub, PlasmidServletOptions.defaults())) {
            HttpTester.Response pre = server.send(preflight("https://app.example.com"));
            assertEquals(204, pre.getStatus());
            assertNull(pre.get("Access-Control-Allow-Origin"));
            assertNull(pre.get("Access-Control-Allow-Methods"));
            assertEquals("POST, OPTIONS", pre.get("Allow"));
            HttpTester.Response r = server.send(pull("https://app.example.com"));
            assertEquals(200, r.getStatus());
            assertNull(r.get("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void whenOn_anAllowedOrigin_getsPreflightAndResponseHeaders() throws Exception {
        PlasmidServletOptions options = PlasmidServletOptions.builder()
                .corsAllowedOrigins(List.of("https://APP.example.com:443", "http://localhost:3000")).build();
        try (PlasmidHub hub = TestServer.fastHub(); TestServer server = serve(hub, options)) {
            HttpTester.Response pre = server.send(preflight("https://app.example.com"));
            assertEquals(204, pre.getStatus());
            assertEquals("https://app.example.com", pre.get("Access-Control-Allow-Origin"));
            assertEquals("POST, OPTIONS", pre.get("Access-Control-Allow-Methods"));
            assertTrue(pre.get("Access-Control-Allow-Headers").contains("Authorization"));
            assertNull(pre.get("Access-Control-Allow-Credentials"));
            assertTrue(pre.get("Vary").contains("Origin"));

            HttpTester.Response r = server.send(pull("http://localhost:3000"));
            assertEquals(200, r.getStatus());
            assertEquals("http://localhost:3000", r.get("Access-Control-Allow-Origin"));
            assertTrue(r.get("Access-Control-Expose-Headers").contains("Retry-After"));

            HttpTester.Response denied = server.send(withOrigin(TestServer.request("GET", "d/notes", null, null), "http://localhost:3000"));
            assertEquals(401, denied.getStatus());
            assertEquals("http://localhost:3000", denied.get("Access-Control-Allow-Origin"), "errors are readable too");
        }
    }

    @Test
    void whenOn_anotherOrigin_getsNoCorsHeaders() throws Exception {
        PlasmidServletOptions options = PlasmidServletOptions.builder()
                .corsAllowedOrigins(List.of("https://app.example.com")).build();
        try (PlasmidHub hub = TestServer.fastHub(); TestServer server = serve(hub, options)) {
            for (String origin : new String[] {"https://evil.example.com", "http://app.example.com", "null"}) {
                assertNull(server.send(preflight(origin)).get("Access-Control-Allow-Origin"), origin);
                assertNull(server.send(pull(origin)).get("Access-Control-Allow-Origin"), origin);
            }
        }
    }

    @Test
    void whenOnForAnyOrigin_everyOriginIsAllowed() throws Exception {
        PlasmidServletOptions options = PlasmidServletOptions.builder().corsAllowedOrigins(List.of("*")).build();
        try (PlasmidHub hub = TestServer.fastHub(); TestServer server = serve(hub, options)) {
            assertEquals("https://anywhere.example", server.send(pull("https://anywhere.example"))
                    .get("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void theInitParam_turnsCorsOn() throws Exception {
        try (PlasmidHub hub = TestServer.fastHub()) {
            hub.accounts().setSecret("admin", "admin-secret");
            hub.accounts().grant("admin", "*", "*", "Yes");
            TestServer server = new TestServer();
            server.mount(new PlasmidServlet(hub), TestServer.MAPPING)
                    .setInitParameter(PlasmidServlet.CORS_ALLOWED_ORIGINS_PARAM, "https://a.example, https://b.example");
            server.start();
            assertEquals("https://b.example", server.send(pull("https://b.example")).get("Access-Control-Allow-Origin"));
            assertNull(server.send(pull("https://c.example")).get("Access-Control-Allow-Origin"));
            server.close();
        }
    }

    private static HttpTester.Request withOrigin(HttpTester.Request r, String origin) {
        r.setHeader("Origin", origin);
        return r;
    }
}
