package org.plasmid.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * One request and its response: sets the headers every response carries, counts the body bytes sent,
 * and remembers the authenticated access token for the request log.
 */
final class Exchange {
    static final String CONTENT_TYPE = "application/json; charset=utf-8";

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final long startNanos = System.nanoTime();
    private CountingStream out;
    private String access;

    Exchange(HttpServletRequest request, HttpServletResponse response) {
        this.request = request;
        this.response = response;
    }

    HttpServletRequest request() {
        return request;
    }

    HttpServletResponse response() {
        return response;
    }

    /** @param access the token the request authenticated as, for the log */
    void authenticated(String access) {
        this.access = access;
    }

    String access() {
        return access;
    }

    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    long bytesSent() {
        return out == null ? 0 : out.count;
    }

    /**
     * Sends a complete answer.
     *
     * @param answer the answer
     * @throws IOException if writing fails
     */
    void send(Answer answer) throws IOException {
        response.setStatus(answer.status());
        if (answer.status() >= 400 && carriesBody()) {
            // A refusal may come before the body was read (wrong method, unknown endpoint, credentials);
            // the container then cannot reuse the connection, and a client must not send on it again.
            response.setHeader("Connection", "close");
        }
        for (Map.Entry<String, String> h : answer.headers().entrySet()) {
            response.setHeader(h.getKey(), h.getValue());
        }
        response.setContentType(CONTENT_TYPE);
        response.setContentLength(answer.body().length);
        OutputStream o = body();
        o.write(answer.body());
        o.flush();
    }

    /**
     * Starts a streamed 200 answer.
     *
     * @return the counting body stream
     * @throws IOException if the stream cannot be opened
     */
    OutputStream startStream() throws IOException {
        response.setStatus(200);
        response.setContentType(CONTENT_TYPE);
        return body();
    }

    private boolean carriesBody() {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /** Throws away an answer begun but not yet sent (its headers stay). */
    void discardBody() {
        if (out != null) {
            response.resetBuffer();
            out.count = 0;
        }
    }

    /** @return whether the servlet has begun writing an answer (a container may commit one itself) */
    boolean answerStarted() {
        return out != null;
    }

    /** @return whether the status and headers were sent already */
    boolean committed() {
        return response.isCommitted();
    }

    private OutputStream body() throws IOException {
        if (out == null) {
            out = new CountingStream(response.getOutputStream());
        }
        return out;
    }

    /** Counts the bytes written through it. */
    private static final class CountingStream extends FilterOutputStream {
        private long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
