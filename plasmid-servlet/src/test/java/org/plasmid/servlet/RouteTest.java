package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.plasmid.servlet.Route.Endpoint;

/** Path info to endpoint, as a table. */
class RouteTest {

    @Test
    void everyEndpoint_isFoundByMethodAndPath() {
        Object[][] table = {
            {"GET", "/v1/d/notes", Endpoint.INFO, List.of("notes")},
            {"GET", "/v1/d/notes/clone", Endpoint.CLONE, List.of("notes")},
            {"GET", "/v1/d/notes/update/7", Endpoint.PULL, List.of("notes", "7")},
            {"POST", "/v1/d/notes/update/", Endpoint.PUSH, List.of("notes")},
            {"POST", "/v1/d/notes/update", Endpoint.PUSH, List.of("notes")},
            {"POST", "/v1/a/", Endpoint.CREATE_CREDENTIALS, List.of()},
            {"POST", "/v1/a", Endpoint.CREATE_CREDENTIALS, List.of()},
            {"GET", "/v1/a/bob", Endpoint.LIST_GRANTS, List.of("bob")},
            {"POST", "/v1/a/bob", Endpoint.GRANT, List.of("bob")},
            {"DELETE", "/v1/a/bob/ReadDatabase/notes*", Endpoint.REVOKE, List.of("bob", "ReadDatabase", "notes*")},
        };
        for (Object[] row : table) {
            Route.Match m = Route.match((String) row[0], (String) row[1]);
            assertEquals(row[2], m.route().endpoint(), row[0] + " " + row[1]);
            assertEquals(row[3], m.route().params(), row[0] + " " + row[1]);
        }
    }

    @Test
    void aKnownPathWithAnotherMethod_listsTheAllowedMethods() {
        Object[][] table = {
            {"POST", "/v1/d/notes", List.of("GET")},
            {"GET", "/v1/d/notes/update/", List.of("POST")},
            {"PUT", "/v1/a/bob", List.of("GET", "POST")},
            {"GET", "/v1/a/bob/p/r", List.of("DELETE")},
        };
        for (Object[] row : table) {
            Route.Match m = Route.match((String) row[0], (String) row[1]);
            assertNull(m.route());
            assertEquals(row[2], m.allowedMethods(), row[0] + " " + row[1]);
        }
    }

    @Test
    void unknownPaths_matchNothing() {
        for (String path : new String[] {null, "", "/", "/v1", "/v1/", "/v2/d/notes", "/v1/d", "/v1/d/notes/clone/x",
                "/v1/d/notes/update/1/2", "/v1/a/b/c", "/v1/a/b/c/d/e", "/v1/x/notes", "v1/d/notes"}) {
            assertFalse(Route.match("GET", path).pathKnown(), String.valueOf(path));
        }
    }
}
