package org.plasmid.examples.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code GET /metrics} in the Prometheus text format, on a Jetty server of its own (its own port and a
 * small pool), so that metrics are never served on the public port and a scrape never competes with the
 * API for threads. Every other path is 404.
 */
final class MetricsServer {
    /** The Prometheus text format's content type. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Server server;
    private final ServerConnector connector;

    private MetricsServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * @param host the address
     * @param port the port, 0 for any free one
     * @param registry what to serve
     * @return the running server
     * @throws Exception if it cannot start (the port is taken); nothing is left running
     */
    static MetricsServer start(String host, int port, PrometheusMeterRegistry registry) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(8, 1);
        pool.setName("plasmid-metrics");
        pool.setDaemon(true);
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                if (!path.equals("/metrics")) {
                    Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                } else if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                    Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
                } else {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
                    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                    response.write(true, ByteBuffer.wrap(registry.scrape().getBytes(StandardCharsets.UTF_8)), callback);
                }
                return true;
            }
        });
        server.setStopAtShutdown(false);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new MetricsServer(server, connector);
    }

    /** @return the port listened on */
    int port() {
        return connector.getLocalPort();
    }

    void stop() throws Exception {
        server.stop();
    }
}
