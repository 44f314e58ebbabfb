package org.plasmid.examples.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.PlasmidException;
import org.plasmid.core.PlasmidHub;

/**
 * The serving plumbing (Jetty, mount, stop order) with a probe servlet in place of the API servlet;
 * the real API is exercised end to end by {@code PlasmidCtlIT}.
 */
class ServingTest {
    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Answers with the path info it was given and the revision of database "probe" in its hub. */
    static final class ProbeServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient PlasmidHub hub;

        ProbeServlet(PlasmidHub hub) {
            this.hub = hub;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().print(req.getPathInfo() + " " + hub.info("probe").revision());
        }
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theServletIsMountedAtPlasmid_soTheApiIsUnderPlasmidV1_andTheRootIs404() throws Exception {
        Serving serving = Serving.start(tmp.resolve("hub"), "127.0.0.1", 0, ProbeServlet::new, Duration.ofSeconds(2));
        try {
            assertTrue(serving.port() > 0);
            assertEquals(URI.create("http://127.0.0.1:" + serving.port() + "/plasmid/v1/"), serving.apiUri());

            HttpResponse<String> api = get(serving.apiUri().resolve("d/probe"));
            HttpResponse<String> root = get(serving.apiUri().resolve("/"));

            assertEquals(200, api.statusCode());
            assertEquals("/v1/d/probe 1", api.body());
            assertEquals(404, root.statusCode());
        } finally {
            assertEquals(Serving.Stopped.CLEANLY, serving.stop());
        }
    }

    @Test
    void theConnector_queuesAReconnectBurst_andKeepsNoHeaderCachePerConnection() throws Exception {
        PlasmidHub hub = PlasmidHub.open(tmp.resolve("hub"));
        PlasmidServer server = PlasmidServer.start("127.0.0.1", 0, new ProbeServlet(hub), Duration.ofSeconds(2));
        try {
            org.eclipse.jetty.server.ServerConnector connector =
                    (org.eclipse.jetty.server.ServerConnector) server.jetty().getConnectors()[0];
            // thousands of devices reconnecting at once: beyond the queue the kernel drops their connections
            assertTrue(connector.getAcceptQueueSize() >= 1024, () -> "accept queue " + connector.getAcceptQueueSize());
            // thousands of held long-polls: Jetty's header cache costs ~100 KB per connection
            assertEquals(0, connector.getConnectionFactory(org.eclipse.jetty.server.HttpConnectionFactory.class)
                    .getHttpConfiguration().getHeaderCacheSize());
            assertEquals(200, get(server.apiUri().resolve("d/probe")).statusCode());
        } finally {
            server.stop();
            hub.close();
        }
    }

    @Test
    void stop_stopsListening_thenClosesTheHub_soAnotherProcessCanOpenIt() throws Exception {
        Path hub = tmp.resolve("hub");
        Serving serving = Serving.start(hub, "127.0.0.1", 0, ProbeServlet::new, Duration.ofSeconds(2));
        URI api = serving.apiUri();
        assertThrows(PlasmidException.class, () -> PlasmidHub.open(hub).close());

        assertEquals(Serving.Stopped.CLEANLY, serving.stop());
        assertEquals(Serving.Stopped.ALREADY, serving.stop());

        serving.awaitStop(); // returns at once: the server has stopped
        assertThrows(IOException.class, () -> get(api.resolve("d/probe")));
        PlasmidHub.open(hub).close();
    }

    @Test
    void aPortInUse_failsToStart_andReleasesTheHub() throws Exception {
        Path hub = tmp.resolve("hub");
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThrows(IOException.class, () -> Serving.start(hub, "127.0.0.1", taken.getLocalPort(),
                    ProbeServlet::new, Duration.ofSeconds(2)));
        }
        PlasmidHub.open(hub).close();
    }

    /** A root app that records what happened to it, and checks the hub is still open when it is closed. */
    static final class ProbeApp implements RootApp {
        final List<String> events = new ArrayList<>();
        private final PlasmidHub hub;

        ProbeApp(PlasmidHub hub) {
            this.hub = hub;
        }

        @Override
        public HttpServlet servlet() {
            return new HttpServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().print("root app " + req.getRequestURI());
                }
            };
        }

        @Override
        public void started(URI root) {
            events.add("started at " + root.getPath());
        }

        @Override
        public void close() {
            events.add("closed with the hub open: " + (hub.info("probe").revision() == 1));
        }
    }

    @Test
    void aRootApp_isServedOutsideTheMount_andClosedAfterTheServerStops_beforeTheHub() throws Exception {
        List<ProbeApp> built = new ArrayList<>();
        Serving serving = Serving.start(tmp.resolve("hub"), "127.0.0.1", 0, ProbeServlet::new, Duration.ofSeconds(2),
                hub -> {
                    ProbeApp app = new ProbeApp(hub);
                    built.add(app);
                    return app;
                });
        URI api = serving.apiUri();
        try {
            assertEquals("root app /", get(api.resolve("/")).body());
            assertEquals("root app /index.html", get(api.resolve("/index.html")).body());
            assertEquals("/v1/d/probe 1", get(api.resolve("d/probe")).body(), "the API stays at its mount");
        } finally {
            assertEquals(Serving.Stopped.CLEANLY, serving.stop());
        }
        assertEquals(List.of("started at /", "closed with the hub open: true"), built.get(0).events);
        assertThrows(IOException.class, () -> get(api.resolve("/")));
    }

    @Test
    void aRootAppThatCannotBeBuilt_failsTheStart_andReleasesTheHub() {
        Path hub = tmp.resolve("hub");
        IllegalStateException refused = new IllegalStateException("no demo on this hub");
        assertSame(refused, assertThrows(IllegalStateException.class, () -> Serving.start(hub, "127.0.0.1", 0,
                ProbeServlet::new, Duration.ofSeconds(2), h -> {
                    throw refused;
                })));
        PlasmidHub.open(hub).close();
    }

    @Test
    void aServerThatCannotStart_closesTheRootAppItBuilt_andReleasesTheHub() throws Exception {
        Path hub = tmp.resolve("hub");
        List<ProbeApp> built = new ArrayList<>();
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThrows(IOException.class, () -> Serving.start(hub, "127.0.0.1", taken.getLocalPort(),
                    ProbeServlet::new, Duration.ofSeconds(2), h -> {
                        ProbeApp app = new ProbeApp(h);
                        built.add(app);
                        return app;
                    }));
        }
        assertEquals(List.of("closed with the hub open: true"), built.get(0).events);
        PlasmidHub.open(hub).close();
    }
}
