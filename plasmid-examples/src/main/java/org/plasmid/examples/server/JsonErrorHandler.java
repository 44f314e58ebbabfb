package org.plasmid.examples.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers, as JSON in the protocol's shape ({@code {"error": "...", "reason": "..."}},
 * PROTOCOL.md §2), for the requests Jetty refuses before they reach the API servlet: malformed HTTP, an
 * encoded {@code /}, {@code \} or {@code ..} in the path, a header over the limit, a path outside
 * {@code /plasmid/}. The message is the status's standard phrase: Jetty's detail can quote the request.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final JsonFactory JSON = new JsonFactory();
    /** Seconds a client refused with 503 is asked to wait. */
    private static final String RETRY_AFTER_SECONDS = "5";

    JsonErrorHandler() {
        setShowStacks(false);
        setShowMessageInTitle(false);
    }

    /** Every method gets a body (Jetty's default gives one only to GET, POST and HEAD). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(96);
        try (JsonGenerator g = JSON.createGenerator(body)) {
            g.writeStartObject();
            g.writeStringField("error", HttpStatus.getMessage(code));
            g.writeStringField("reason", reason(code));
            g.writeEndObject();
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (code == HttpStatus.SERVICE_UNAVAILABLE_503) {
            // as every 503 of the protocol: Jetty's is the refusal of a request that arrives while the
            // server stops; about a restart's time
            response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        response.write(true, ByteBuffer.wrap(body.toByteArray()), callback);
    }

    /** The protocol's reason code for a status (PROTOCOL.md §2). */
    static String reason(int code) {
        switch (code) {
            case 404:
                return "notfound";
            case 405:
                return "method";
            case 413:
            case 414:
            case 431:
                return "toolarge";
            case 503:
                return "unavailable";
            default:
                return code >= 500 ? "internal" : "invalid";
        }
    }
}
