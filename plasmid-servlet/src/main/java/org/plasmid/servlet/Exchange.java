package org.plasmid.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * One request and its response: sets the headers every response carries, counts the body bytes sent,
 * remembers the authenticated access token for the request log, carries the request's id (echoed in the
 * {@code X-Request-Id} header and in error bodies), and tells the servlet's observer how it ended.
 */
final class Exchange {
    static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final byte[] REQUEST_ID_FIELD = ",\"request_id\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final ServletObserver observer;
    private final boolean log;
    private final String requestId;
    private final long startNanos = System.nanoTime();
    private CountingStream out;
    private String access;
    private boolean push;

    /**
     * @param request the request
     * @param response its response; the request id header is set at once
     * @param observer the servlet's observer
     * @param log whether to write an access-log line when the request ends
     */
    Exchange(HttpServletRequest request, HttpServletResponse response, ServletObserver observer, boolean log) {
        this.request = request;
        this.response = response;
        this.observer = observer;
        this.log = log;
        this.requestId = RequestIds.of(request);
        response.setHeader(RequestIds.HEADER, requestId);
    }

    /** For tests of what does not look at the id, the observer or the log. */
    Exchange(HttpServletRequest request, HttpServletResponse response) {
        this(request, response, ServletObserver.NONE, false);
    }

    ServletObserver observer() {
        return observer;
    }

    String requestId() {
        return requestId;
    }

    /** The request is a push: a 4xx answer counts as a refused push. */
    void isPush() {
        push = true;
    }

    /** The request has been answered: tells the observer what it must know, and logs it. */
    void finished() {
        if (push) {
            int status = response.getStatus();
            if (status >= 400 && status < 500) {
                observer.pushRefused();
            }
        }
        if (log) {
            RequestLog.log(this);
        }
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
        request.setAttribute(PlasmidServlet.ACCESS_ATTRIBUTE, access);
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
        byte[] body = answer.body();
        OutputStream o = body();
        if (answer.status() >= 400 && body.length > 2 && body[body.length - 1] == '}') {
            // (ext) error bodies name the request, so that a user's report can be found in the log
            byte[] id = requestId.getBytes(java.nio.charset.StandardCharsets.US_ASCII); // RequestIds.sane: no escaping
            response.setContentLength(body.length + REQUEST_ID_FIELD.length + id.length + 1);
            o.write(body, 0, body.length - 1);
            o.write(REQUEST_ID_FIELD);
            o.write(id);
            o.write('"');
            o.write('}');
        } else {
            response.setContentLength(body.length);
            o.write(body);
        }
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
