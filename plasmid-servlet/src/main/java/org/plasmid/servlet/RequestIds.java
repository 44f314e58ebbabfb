package org.plasmid.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The id of each request, so that a user's report can be found in the log: taken from the request
 * attribute {@value PlasmidServlet#REQUEST_ID_ATTRIBUTE} when a container or filter assigned one, else
 * from a sane {@code X-Request-Id} the client sent, else made here (unique within the process and across
 * restarts; not a secret). The servlet echoes it in the {@code X-Request-Id} response header, in the
 * {@code "request_id"} field of JSON error bodies, and in its access-log line.
 */
final class RequestIds {
    /** The header a client may send and every answer carries. */
    static final String HEADER = "X-Request-Id";
    /** The longest id kept from a client. */
    static final int MAX_LENGTH = 128;

    private static final String PREFIX = prefix();
    private static final AtomicLong COUNTER = new AtomicLong();

    private RequestIds() {
    }

    /** @return the request's id, recorded in its attribute for whatever logs it later */
    static String of(HttpServletRequest request) {
        Object assigned = request.getAttribute(PlasmidServlet.REQUEST_ID_ATTRIBUTE);
        if (assigned instanceof String s && sane(s)) {
            return s;
        }
        String sent = request.getHeader(HEADER);
        String id = sent != null && sane(sent) ? sent : next();
        request.setAttribute(PlasmidServlet.REQUEST_ID_ATTRIBUTE, id);
        return id;
    }

    /** @return a new id: this process's random prefix and a counter */
    static String next() {
        return PREFIX + Long.toString(COUNTER.incrementAndGet(), 36);
    }

    /**
     * @param id an id from elsewhere
     * @return whether it is 1–{@value #MAX_LENGTH} characters that are safe in a header, a log line and a
     *     JSON string without escaping: letters, digits and {@code - _ . : @ + = /}
     */
    static boolean sane(String id) {
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-_.:@+=/".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String prefix() {
        byte[] random = new byte[5];
        new SecureRandom().nextBytes(random);
        StringBuilder b = new StringBuilder(11);
        for (byte x : random) {
            b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return b.append('-').toString();
    }
}
