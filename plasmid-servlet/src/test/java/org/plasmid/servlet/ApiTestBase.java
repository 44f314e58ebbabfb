package org.plasmid.servlet;

import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.plasmid.core.PlasmidHub;

/**
 * A running server over a fresh in-memory hub, with an administrator {@code admin} holding (*, *) and a
 * plain user {@code bob} holding nothing until a test grants it.
 */
abstract class ApiTestBase {
    static final String ADMIN = TestServer.basic("admin", "admin-secret");
    static final String BOB = TestServer.basic("bob", "bob-secret");

    PlasmidHub hub;
    TestServer server;

    @BeforeEach
    void startServer() throws Exception {
        hub = TestServer.fastHub();
        hub.accounts().setSecret("admin", "admin-secret");
        hub.accounts().grant("admin", "*", "*", "Yes");
        hub.accounts().setSecret("bob", "bob-secret");
        server = TestServer.serving(new PlasmidServlet(hub, options()));
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
        hub.close();
    }

    /** @return the servlet's options; the defaults unless a test class says otherwise */
    PlasmidServletOptions options() {
        return PlasmidServletOptions.defaults();
    }

    HttpTester.Response get(String path, String auth) throws Exception {
        return server.send(TestServer.request("GET", path, auth, null));
    }

    HttpTester.Response post(String path, String auth, String body) throws Exception {
        return server.send(TestServer.request("POST", path, auth, body));
    }

    HttpTester.Response delete(String path, String auth) throws Exception {
        return server.send(TestServer.request("DELETE", path, auth, null));
    }

    static Map<String, Object> json(HttpTester.Response r) {
        return TestJson.object(r.getContent());
    }

    @SuppressWarnings("unchecked")
    static List<List<Object>> updates(HttpTester.Response r) {
        return (List<List<Object>>) json(r).get("updates");
    }

    /** The revision a database is at, asked of the engine directly. */
    long revisionOf(String database) {
        return hub.find(database).map(i -> i.revision()).orElse(-1L);
    }
}
