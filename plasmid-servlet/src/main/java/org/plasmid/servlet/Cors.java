package org.plasmid.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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
            return origins.contains(normalizeOrigin(origin));
        } catch (IllegalArgumentException e) {
            return false; // "null" and other opaque origins
        }
    }

    /** Reads the {@code cors-allowed-origins} init-param: origins separated by commas or spaces. */
    static List<String> splitOrigins(String text) {
        return Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * @param name the option's name, for the message
     * @param origins the configured origins
     * @return them normalized
     * @throws IllegalArgumentException if there are none, or one is not {@code http(s)://host[:port]} or {@code *}
     */
    static List<String> normalizeOrigins(String name, List<String> origins) {
        if (origins.isEmpty()) {
            throw new IllegalArgumentException(name + " must name at least one origin (or *)");
        }
        List<String> normalized = new ArrayList<>();
        for (String o : origins) {
            normalized.add(normalizeOrigin(o));
        }
        return List.copyOf(normalized);
    }

    /** Normalizes an origin as browsers send it: lower-case scheme and host, no default port, no path. */
    static String normalizeOrigin(String origin) {
        if (origin == null) {
            throw new IllegalArgumentException("an origin must not be null");
        }
        String o = origin.trim();
        if (o.equals("*")) {
            return o;
        }
        try {
            URI u = new URI(o);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            boolean bare = (u.getRawPath() == null || u.getRawPath().isEmpty()) && u.getRawQuery() == null
                    && u.getRawFragment() == null && u.getRawUserInfo() == null;
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || !bare) {
                throw new IllegalArgumentException("invalid CORS origin '" + origin
                        + "': use scheme://host[:port] with scheme http or https, or *");
            }
            int port = u.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80)
                    || (scheme.equals("https") && port == 443);
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid CORS origin '" + origin + "': " + e.getMessage(), e);
        }
    }
}
