package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletException;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.Change;
import org.plasmid.core.JsonValue;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.PushResult;

/**
 * The three ways the servlet gets its hub (constructor, context attribute, else a clear failure), the
 * init-param naming another attribute so that two mounts serve two hubs, and the context listener
 * owning a hub opened from a directory.
 */
class HubSourcesTest {
    private static final String ADMIN = TestServer.basic("admin", "admin-secret");

    @TempDir
    Path dir;

    private static PlasmidHub adminHub() {
        PlasmidHub hub = TestServer.fastHub();
        hub.accounts().setSecret("admin", "admin-secret");
        hub.accounts().grant("admin", "*", "*", "Yes");
        return hub;
    }

    private static String push(TestServer server, String uriPrefix, String db) throws Exception {
        HttpTester.Request r = TestServer.request("POST", "", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}");
        r.setURI(uriPrefix + "v1/d/" + db + "/update/");
        return server.send(r).getContent();
    }

    @Test
    void aHubGivenToTheConstructor_isServed_andNeverClosedByTheServlet() throws Exception {
        try (PlasmidHub hub = adminHub()) {
            TestServer server = TestServer.serving(new PlasmidServlet(hub));
            assertEquals("{\"saved\":1,\"revision\":2}", push(server, TestServer.API.replace("v1/", ""), "notes"));
            server.close();
            assertEquals(PushResult.Status.ACCEPTED,
                    hub.push("notes", 2, List.of(Change.put("s", "k", JsonValue.parse("2")))).status());
        }
    }

    @Test
    void withoutAConstructorHub_theContextAttributeIsUsed() throws Exception {
        try (PlasmidHub hub = adminHub()) {
            TestServer server = new TestServer();
            server.context.setAttribute(PlasmidServlet.HUB_ATTRIBUTE, hub);
            server.mount(new PlasmidServlet(), TestServer.MAPPING);
            server.start();
            assertEquals("{\"saved\":1,\"revision\":2}", push(server, "/app/sync/", "notes"));
            server.close();
            assertEquals(2, hub.info("notes").revision(), "still open");
        }
    }

    @Test
    void theAttributeIsNamedByALiteralConstant() {
        assertEquals("org.plasmid.hub", PlasmidServlet.HUB_ATTRIBUTE);
        assertEquals("hub-attribute", PlasmidServlet.HUB_ATTRIBUTE_PARAM);
    }

    @Test
    void withoutAnyHub_initFails_withAServletExceptionNamingTheAttribute() throws Exception {
        TestServer server = new TestServer();
        ServletHolder holder = server.mount(new PlasmidServlet(), TestServer.MAPPING);
        holder.setInitOrder(1);
        Exception e = assertThrows(Exception.class, server::start);
        ServletException cause = findCause(e, ServletException.class);
        assertTrue(cause.getMessage().contains("\"org.plasmid.hub\""), cause.getMessage());
        server.close();
    }

    @Test
    void withAnInitParamNamingAMissingAttribute_initFails_namingThatAttribute() throws Exception {
        TestServer server = new TestServer();
        server.context.setAttribute(PlasmidServlet.HUB_ATTRIBUTE, "not used");
        ServletHolder holder = server.mount(new PlasmidServlet(), TestServer.MAPPING);
        holder.setInitParameter(PlasmidServlet.HUB_ATTRIBUTE_PARAM, "my.hub");
        holder.setInitOrder(1);
        ServletException cause = findCause(assertThrows(Exception.class, server::start), ServletException.class);
        assertTrue(cause.getMessage().contains("\"my.hub\""), cause.getMessage());
        server.close();
    }

    @Test
    void twoMounts_withTheInitParam_serveTwoHubs_inOneApp() throws Exception {
        try (PlasmidHub one = adminHub(); PlasmidHub two = adminHub()) {
            TestServer server = new TestServer();
            server.context.setAttribute("hub.one", one);
            server.context.setAttribute("hub.two", two);
            server.mount(new PlasmidServlet(), "/one/*").setInitParameter(PlasmidServlet.HUB_ATTRIBUTE_PARAM, "hub.one");
            server.mount(new PlasmidServlet(), "/two/*").setInitParameter(PlasmidServlet.HUB_ATTRIBUTE_PARAM, "hub.two");
            server.start();
            assertEquals("{\"saved\":1,\"revision\":2}", push(server, "/app/one/", "a"));
            assertEquals("{\"saved\":1,\"revision\":2}", push(server, "/app/two/", "b"));
            server.close();
            assertEquals(2, one.info("a").revision());
            assertTrue(one.find("b").isEmpty());
            assertEquals(2, two.info("b").revision());
            assertTrue(two.find("a").isEmpty());
        }
    }

    @Test
    void initParams_configureAServletDeclaredWithoutOptions() throws Exception {
        try (PlasmidHub hub = adminHub()) {
            TestServer server = new TestServer();
            ServletHolder holder = server.mount(new PlasmidServlet(hub), TestServer.MAPPING);
            holder.setInitParameter(PlasmidServlet.MAX_BODY_BYTES_PARAM, "100");
            holder.setInitParameter(PlasmidServlet.MAX_VALUE_BYTES_PARAM, "50");
            server.start();
            HttpTester.Response r = server.send(TestServer.request("POST", "d/x/update/", ADMIN,
                    "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": \"" + "x".repeat(100) + "\"}}}"));
            assertEquals(413, r.getStatus());
            server.close();
        }
    }

    @Test
    void anInvalidInitParam_failsInit_namingIt() throws Exception {
        try (PlasmidHub hub = adminHub()) {
            TestServer server = new TestServer();
            ServletHolder holder = server.mount(new PlasmidServlet(hub), TestServer.MAPPING);
            holder.setInitParameter(PlasmidServlet.MAX_DEPTH_PARAM, "deep");
            holder.setInitOrder(1);
            ServletException cause = findCause(assertThrows(Exception.class, server::start), ServletException.class);
            assertTrue(cause.getMessage().contains(PlasmidServlet.MAX_DEPTH_PARAM), cause.getMessage());
            server.close();
        }
    }

    @Test
    void theContextListener_opensAHubFromADirectory_publishesIt_andClosesItOnShutdown() throws Exception {
        Path hubDir = dir.resolve("hub");
        try (PlasmidHub setup = PlasmidHub.open(hubDir)) {
            setup.accounts().setSecret("admin", "admin-secret");
            setup.accounts().grant("admin", "*", "*", "Yes");
        }
        TestServer server = new TestServer();
        server.context.setInitParameter(PlasmidContextListener.HUB_PATH_PARAM, hubDir.toString());
        server.context.addEventListener(new PlasmidContextListener());
        server.mount(new PlasmidServlet(), TestServer.MAPPING);
        server.start();
        assertTrue(server.context.getServletContext().getAttribute(PlasmidServlet.HUB_ATTRIBUTE) instanceof PlasmidHub);
        assertEquals("{\"saved\":1,\"revision\":2}", push(server, "/app/sync/", "notes"));
        server.close();
        assertNull(server.context.getServletContext().getAttribute(PlasmidServlet.HUB_ATTRIBUTE));
        try (PlasmidHub reopened = PlasmidHub.open(hubDir)) { // the listener released the directory
            assertEquals(2, reopened.info("notes").revision());
        }
    }

    @Test
    void theContextListener_withoutItsInitParam_failsNamingIt() throws Exception {
        TestServer server = new TestServer();
        server.context.addEventListener(new PlasmidContextListener());
        server.mount(new PlasmidServlet(), TestServer.MAPPING);
        IllegalStateException e = findCause(assertThrows(Exception.class, server::start), IllegalStateException.class);
        assertTrue(e.getMessage().contains(PlasmidContextListener.HUB_PATH_PARAM), e.getMessage());
        server.close();
    }

    private static <T extends Throwable> T findCause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            for (Throwable s : c.getSuppressed()) {
                if (type.isInstance(s)) {
                    return type.cast(s);
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + t, t);
    }
}
