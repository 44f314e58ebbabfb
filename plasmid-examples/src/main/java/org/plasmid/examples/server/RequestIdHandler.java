package org.plasmid.examples.server;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.plasmid.servlet.PlasmidServlet;

/**
 * Gives every request an id before anything else sees it, so that the access log names it even when Jetty
 * refuses the request itself: a sane {@code X-Request-Id} the client sent, or a new one (this process's
 * random prefix and a counter). It goes in the {@code X-Request-Id} response header and in the request
 * attribute {@link PlasmidServlet#REQUEST_ID_ATTRIBUTE}, where the API servlet takes it for its error bodies.
 */
final class RequestIdHandler extends Handler.Wrapper {
    static final String HEADER = "X-Request-Id";
    private static final String PREFIX = prefix();
    private static final AtomicLong COUNTER = new AtomicLong();

    RequestIdHandler(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String sent = request.getHeaders().get(HEADER);
        String id = sent != null && sane(sent) ? sent : PREFIX + Long.toString(COUNTER.incrementAndGet(), 36);
        request.setAttribute(PlasmidServlet.REQUEST_ID_ATTRIBUTE, id);
        response.getHeaders().put(HEADER, id);
        return super.handle(request, response, callback);
    }

    /** The servlet's rule: 1-128 of letters, digits and {@code - _ . : @ + = /}. */
    static boolean sane(String id) {
        if (id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_.:@+=/".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static String prefix() {
        byte[] random = new byte[5];
        new SecureRandom().nextBytes(random);
        return java.util.HexFormat.of().formatHex(random) + "-";
    }
}
