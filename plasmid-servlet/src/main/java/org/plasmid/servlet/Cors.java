package org.plasmid.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;

/**
 * Cross-origin access for apps served from another origin, when configured (off by default). Plasmid.js
 * sends an {@code Authorization} header and no cookies, so browsers preflight every call; the answer
 * names the allowed origin and never allows credentials (cookies are not used).
 */
final class Cors {
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type";
    private static final String EXPOSED_HEADERS = "Retry-After, WWW-Authenticate, Allow";
    private static final String MAX_AGE_SECONDS = "600";

    private final List<String> origins;

    Cors(List<String> origins) {
        this.origins = origins;
    }

    boolean enabled() {
        return !origins.isEmpty();
    }

    /**
     * Adds the CORS headers to a response when the request comes from an allowed origin.
     *
     * @param req the request
     * @param resp the response
     * @return whether the origin is allowed (false also without an {@code Origin} header or with CORS off)
     */
    boolean decorate(HttpServletRequest req, HttpServletResponse resp) {
        if (!enabled()) {
            return false;
        }
        resp.addHeader("Vary", "Origin");
        String origin = req.getHeader("Origin");
        if (origin == null || !allowed(origin)) {
            return false;
        }
        resp.setHeader("Access-Control-Allow-Origin", origin);
        resp.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        return true;
    }

    /**
     * Completes a preflight answer for an allowed origin.
     *
     * @param resp the response (already decorated)
     * @param methods the methods the path allows
     */
    void preflight(HttpServletResponse resp, List<String> methods) {
        resp.setHeader("Access-Control-Allow-Methods", String.join(", ", methods));
        resp.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        resp.setHeader("Access-Control-Max-Age", MAX_AGE_SECONDS);
    }

    private boolean allowed(String origin) {
        if (origins.contains("*")) {
            return true;
        }
        try {
            return origins.contains(PlasmidServletOptions.normalizeOrigin(origin));
        } catch (IllegalArgumentException e) {
            return false; // "null" and other opaque origins
        }
    }
}
