package org.plasmid.servlet;

import java.util.List;
import java.util.Optional;

/**
 * A request path under the servlet (its path info) matched to an endpoint of PROTOCOL.md §1. Paths are
 * taken relative to the servlet's mapping, so the API works under any context path and servlet path.
 *
 * @param endpoint the endpoint
 * @param params the path parameters in order: {db}, {db} and {rev}, {access}, or {access},
 *     {permission} and {resource}
 */
record Route(Endpoint endpoint, List<String> params) {

    /** The endpoints, each with its method. Endpoints sharing a path are told apart by method. */
    enum Endpoint {
        INFO("GET"), CLONE("GET"), PULL("GET"), PUSH("POST"), CREATE_CREDENTIALS("POST"), LIST_GRANTS("GET"),
        GRANT("POST"), REVOKE("DELETE");

        private final String method;

        Endpoint(String method) {
            this.method = method;
        }

        String method() {
            return method;
        }
    }

    /** A path shape: the endpoints that share it. */
    private enum Shape {
        DATABASE(Endpoint.INFO), CLONE(Endpoint.CLONE), PULL(Endpoint.PULL), PUSH(Endpoint.PUSH),
        ACCOUNTS(Endpoint.CREATE_CREDENTIALS), ACCOUNT(Endpoint.LIST_GRANTS, Endpoint.GRANT), GRANT(Endpoint.REVOKE);

        private final List<Endpoint> endpoints;

        Shape(Endpoint... endpoints) {
            this.endpoints = List.of(endpoints);
        }
    }

    /** The result of matching a path: a route, or the methods the path allows, or nothing (404). */
    record Match(Route route, List<String> allowedMethods) {
        boolean pathKnown() {
            return allowedMethods != null;
        }
    }

    private static final String PREFIX = "/v1/";

    /**
     * @param method the HTTP method
     * @param path the path under the servlet, starting with {@code /}, or null
     * @return a route when path and method match; the allowed methods when only the path matches; an
     *     unknown path otherwise
     */
    static Match match(String method, String path) {
        Optional<ShapeMatch> shape = shape(path);
        if (shape.isEmpty()) {
            return new Match(null, null);
        }
        List<String> allowed = shape.get().shape.endpoints.stream().map(Endpoint::method).toList();
        for (Endpoint e : shape.get().shape.endpoints) {
            if (e.method().equals(method)) {
                return new Match(new Route(e, shape.get().params), allowed);
            }
        }
        return new Match(null, allowed);
    }

    private record ShapeMatch(Shape shape, List<String> params) {
    }

    private static Optional<ShapeMatch> shape(String path) {
        if (path == null || !path.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] s = path.substring(PREFIX.length()).split("/", -1);
        if (s[0].equals("d") && s.length >= 2) {
            String db = s[1];
            if (s.length == 2) {
                return found(Shape.DATABASE, db);
            }
            if (s.length == 3 && s[2].equals("clone")) {
                return found(Shape.CLONE, db);
            }
            if (s[2].equals("update") && (s.length == 3 || (s.length == 4 && s[3].isEmpty()))) {
                return found(Shape.PUSH, db);
            }
            if (s.length == 4 && s[2].equals("update")) {
                return found(Shape.PULL, db, s[3]);
            }
        } else if (s[0].equals("a")) {
            if (s.length == 1 || (s.length == 2 && s[1].isEmpty())) {
                return found(Shape.ACCOUNTS);
            }
            if (s.length == 2) {
                return found(Shape.ACCOUNT, s[1]);
            }
            if (s.length == 4) {
                return found(Shape.GRANT, s[1], s[2], s[3]);
            }
        }
        return Optional.empty();
    }

    private static Optional<ShapeMatch> found(Shape shape, String... params) {
        return Optional.of(new ShapeMatch(shape, List.of(params)));
    }

    /**
     * @param i the parameter index
     * @return the parameter
     */
    String param(int i) {
        return params.get(i);
    }
}
