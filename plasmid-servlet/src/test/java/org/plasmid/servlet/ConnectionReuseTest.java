package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keep-alive: a refusal can come before the request's body was read (a wrong method, an unknown
 * endpoint, wrong credentials), and then the container cannot reuse the connection. Such answers say
 * {@code Connection: close}; otherwise a client that reuses the connection loses its next request
 * (found by the soak: a push that followed a refused PUT got no answer). On Jetty; ContainerEndpointsTest
 * runs the same on Tomcat too, except the 400 to a GET: Tomcat closes the connection after any 400 itself.
 */
class ConnectionReuseTest extends ApiTestBase {
    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource(delimiter = '|', value = {
        "PUT    | d/notes/update/ | admin | 405",
        "POST   | d/notes/clone   | admin | 405",
        "POST   | x/nothing       | admin | 404",
        "POST   | d/notes/update/ | wrong | 401",
        "POST   | d/notes/update/ | none  | 401",
    })
    void aRefusalOfARequestWithABody_saysTheConnectionWillClose(String method, String path, String who, int status)
            throws Exception {
        String auth = switch (who) {
            case "admin" -> ADMIN;
            case "wrong" -> TestServer.basic("admin", "not-the-secret");
            default -> null;
        };
        HttpTester.Response r = server.send(TestServer.request(method, path, auth, "{\"last_revision\": 1, \"data\": {}}"));
        assertEquals(status, r.getStatus());
        assertEquals("close", r.get("Connection"), r.toString());
    }

    /** The servlet does not ask to close these; that Jetty then keeps the connection after a 400 is Jetty's. */
    @Test
    void answersToRequestsWithoutABody_orThatReadTheWholeBody_keepTheConnection() throws Exception {
        assertNull(get("x/nothing", ADMIN).get("Connection"), "a 404 to a GET");
        assertNull(get("d/notes/update/abc", ADMIN).get("Connection"), "a 400 to a GET");
        HttpTester.Response pushed = post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}");
        assertEquals(200, pushed.getStatus());
        assertNull(pushed.get("Connection"), "an accepted push");
        HttpTester.Response stale = post("d/notes/update/", ADMIN, "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 2}}}");
        assertEquals("outofdate", TestJson.object(stale.getContent()).get("reason"));
        assertNull(stale.get("Connection"), "a push refused as out of date (HTTP 200)");
    }
}
