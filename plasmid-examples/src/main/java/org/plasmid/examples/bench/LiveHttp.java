package org.plasmid.examples.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * W7's HTTP client: Jetty's asynchronous client, where a request waiting for its answer holds a
 * connection and a few small objects but no thread, so one JVM holds ten thousand long-polls. HTTP/1.1,
 * one request per connection at a time, up to {@code maxConnections} pooled connections to the server,
 * and any number of {@linkplain Line lines} (a device's own connection, outside the pool). Sends what
 * Plasmid.js sends (Basic credentials, {@code text/plain} JSON). Thread-safe.
 */
final class LiveHttp implements AutoCloseable {
    /** An answer: its status, body and {@code Retry-After} (or null). */
    record Answer(int status, byte[] body, String retryAfter) {
    }

    /** Longer than any poll is held (25 s by default, 60 at most), so only a lost answer times out. */
    private static final long REQUEST_TIMEOUT_SECONDS = 90;
    /** The largest answer read: far above one poll's few changes. */
    private static final int MAX_ANSWER_BYTES = 4 << 20;

    private final URI api;
    private final HttpClient client;

    /**
     * @param api the API base, such as {@code http://127.0.0.1:8880/plasmid/v1/}
     * @param maxConnections the most connections to open (one per request in flight)
     * @param threads the most threads that run answers (they never block)
     * @param name names the threads
     * @throws IllegalStateException if the client cannot start
     */
    LiveHttp(URI api, int maxConnections, int threads, String name) {
        this.api = api;
        QueuedThreadPool pool = new QueuedThreadPool(Math.max(threads, 4), 1);
        pool.setName(name);
        pool.setDaemon(true);
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(1);
        // Jetty keeps a ~100 KB cache of header fields per connection from its second answer on: ten
        // thousand connections would take a gigabyte for it (the server turns its own off too)
        transport.setHeaderCacheSize(0);
        client = new HttpClient(transport);
        client.setExecutor(pool);
        client.setMaxConnectionsPerDestination(maxConnections);
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, maxConnections * 4));
        client.setConnectTimeout(10_000);
        client.setIdleTimeout(120_000);
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client: " + e.getMessage(), e);
        }
    }

    /** @return the {@code Authorization} header value for these credentials */
    static String basic(String access, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((access + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param path below the API base
     * @param authorization from {@link #basic}
     * @param sent runs once the request has gone out whole (null: nothing)
     * @return the answer; completes exceptionally if there is none (refused connection, timeout)
     */
    CompletableFuture<Answer> get(String path, String authorization, Runnable sent) {
        return send(getRequest(path, authorization, sent));
    }

    private Request getRequest(String path, String authorization, Runnable sent) {
        Request r = request(path, authorization).method(HttpMethod.GET);
        if (sent != null) {
            r.onRequestSuccess(request -> sent.run());
        }
        return r;
    }

    /** @return a new line: one connection of its own, opened at its first request */
    Line line() {
        return new Line();
    }

    /**
     * One device's own connection, as a browser tab has: its requests never wait for or look through the
     * shared pool. (The pool finds an idle connection by scanning all of them: with ten thousand held
     * polls, each new request scanned ten thousand busy ones, and that scan was most of the load client's
     * CPU in a reconnect storm.) One request at a time; a closed or failed connection is replaced at the
     * next request.
     */
    final class Line {
        private volatile CompletableFuture<Connection> connection;

        private Line() {
        }

        /** As {@link LiveHttp#get}, on this line's connection. */
        CompletableFuture<Answer> get(String path, String authorization, Runnable sent) {
            Request r = getRequest(path, authorization, sent);
            CompletableFuture<Connection> c = connection;
            if (c == null || c.isCompletedExceptionally() || c.isDone() && c.join().isClosed()) {
                c = client.resolveDestination(r).newConnection();
                connection = c;
            }
            CompletableFuture<Connection> opened = c;
            return opened.thenCompose(conn -> new CompletableResponseListener(r, MAX_ANSWER_BYTES).send(conn))
                    .whenComplete((answer, failure) -> {
                        if (failure != null) {
                            forget(opened);
                        }
                    })
                    .thenApply(LiveHttp::answer);
        }

        private void forget(CompletableFuture<Connection> failed) {
            if (connection == failed) {
                connection = null;
            }
            if (failed.isDone() && !failed.isCompletedExceptionally()) {
                failed.join().close();
            }
        }
    }

    /**
     * @param path below the API base
     * @param authorization from {@link #basic}
     * @param json the body
     * @return the answer; completes exceptionally if there is none
     */
    CompletableFuture<Answer> post(String path, String authorization, String json) {
        return send(request(path, authorization).method(HttpMethod.POST)
                .body(new BytesRequestContent("text/plain;charset=UTF-8", json.getBytes(StandardCharsets.UTF_8))));
    }

    private Request request(String path, String authorization) {
        return client.newRequest(api.resolve(path)).timeout(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization));
    }

    private static CompletableFuture<Answer> send(Request r) {
        return new CompletableResponseListener(r, MAX_ANSWER_BYTES).send().thenApply(LiveHttp::answer);
    }

    private static Answer answer(ContentResponse r) {
        return new Answer(r.getStatus(), r.getContent(), r.getHeaders().get(HttpHeader.RETRY_AFTER));
    }

    /** Stops the client: every request in flight fails, every connection is closed. */
    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // stopping closes sockets; nothing is left to do about a failure
        }
    }
}
