package org.plasmid.servlet;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per request to the SLF4J logger {@code org.plasmid.servlet.RequestLog} at INFO, in
 * the shape of a classic access log:
 *
 * <pre>
 * 127.0.0.1 - alice [27/Nov/2026:10:15:32 +0000] "GET /app/sync/v1/d/notes/update/4?wait=30 HTTP/1.1" 200 512 31ms 5f3a9c01d2-1a3
 * </pre>
 *
 * The user field is the authenticated access token ({@code -} when the request did not authenticate);
 * the last field is the request's id ({@code X-Request-Id}); secrets and the {@code Authorization} header
 * are never logged. The line is written on the thread that finishes the request: an SLF4J backend that
 * writes asynchronously (logback's {@code AsyncAppender}, say) keeps it off the request's time, or turn
 * it off ({@link PlasmidServletOptions.Builder#requestLog}) when the container logs requests itself.
 */
final class RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger(RequestLog.class);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private RequestLog() {
    }

    /** @param exchange a finished request */
    static void log(Exchange exchange) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        var req = exchange.request();
        String query = req.getQueryString();
        String target = req.getRequestURI() + (query == null ? "" : "?" + query);
        LOG.info("{} - {} [{}] \"{} {} {}\" {} {} {}ms {}", req.getRemoteAddr(),
                exchange.access() == null ? "-" : exchange.access(), TIME.format(ZonedDateTime.now()),
                req.getMethod(), clean(target), req.getProtocol(), exchange.response().getStatus(),
                exchange.bytesSent(), exchange.elapsedMillis(), exchange.requestId());
    }

    /** Keeps a log line one line: control characters and quotes in a request target are escaped. */
    private static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"') {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
