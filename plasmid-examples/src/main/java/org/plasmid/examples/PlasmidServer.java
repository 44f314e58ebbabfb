package org.plasmid.examples;

import jakarta.servlet.Servlet;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.plasmid.servlet.PlasmidServlet;

/**
 * The standalone HTTP server: Jetty with one servlet mapped at {@value #MOUNT}{@code /*} in the root
 * context, so the API is at {@code /plasmid/v1/}. Nothing else is served (the root answers 404).
 * Stopping is graceful: held long-polls are answered at once, requests in flight may finish within the
 * stop timeout, and requests that arrive meanwhile on open connections are refused as the protocol
 * refuses when it sheds load: 503 with {@code Retry-After} and a JSON error.
 */
final class PlasmidServer {
    /** Where the API servlet is mounted; the protocol lives under {@code MOUNT + "/v1/"}. */
    static final String MOUNT = "/plasmid";

    /** The answer to a request that arrives while the server stops. */
    private static final byte[] STOPPING_ANSWER = "{\"error\": \"the server is stopping, retry later\", \"reason\": \"unavailable\"}"
            .getBytes(StandardCharsets.UTF_8);
    /** Seconds a refused client is asked to wait: about the time a restart takes. */
    private static final String RETRY_AFTER_SECONDS = "5";

    private final Server server;
    private final ServerConnector connector;
    private final String host;
    private final Servlet api;

    private PlasmidServer(Server server, ServerConnector connector, String host, Servlet api) {
        this.server = server;
        this.connector = connector;
        this.host = host;
        this.api = api;
    }

    /** Jetty's graceful stop, refusing new requests with the protocol's 503 instead of an empty one. */
    private static final class RefusingWhileStopping extends GracefulHandler {
        RefusingWhileStopping(Handler handler) {
            super(handler);
        }

        @Override
        protected void handleShutdownRejection(Request request, Response response, Callback callback) {
            response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response.write(true, ByteBuffer.wrap(STOPPING_ANSWER), callback);
        }
    }

    /**
     * Starts a server.
     *
     * @param host the address to listen on ({@code 0.0.0.0} for all interfaces)
     * @param port the port, or 0 for any free port
     * @param api the servlet to mount at {@value #MOUNT}
     * @param stopTimeout how long {@link #stop()} lets requests in flight finish
     * @return the running server
     * @throws Exception if it cannot start (for example the port is taken); nothing is left running
     */
    static PlasmidServer start(String host, int port, Servlet api, Duration stopTimeout) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder("plasmid", api);
        holder.setAsyncSupported(true); // long-poll pulls wait without holding a thread
        context.addServlet(holder, MOUNT + "/*");

        server.setHandler(new RefusingWhileStopping(context));
        server.setStopTimeout(stopTimeout.toMillis());
        server.setStopAtShutdown(false); // plasmidctl's own hook stops Jetty, then closes the hub
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new PlasmidServer(server, connector, host, api);
    }

    /** @return the port actually listened on */
    int port() {
        return connector.getLocalPort();
    }

    /** @return whether the server listens on every interface */
    boolean listensOnAllInterfaces() {
        try {
            return InetAddress.getByName(host).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** @return the mount's URL, for example {@code http://127.0.0.1:8880/plasmid/} */
    URI mountUri() {
        String shown = listensOnAllInterfaces() ? "localhost" : host;
        if (shown.contains(":") && !shown.startsWith("[")) {
            shown = "[" + shown + "]"; // an IPv6 literal
        }
        return URI.create("http://" + shown + ":" + port() + MOUNT + "/");
    }

    /** @return the API base URL that clients use, for example {@code http://127.0.0.1:8880/plasmid/v1/} */
    URI apiUri() {
        return mountUri().resolve("v1/");
    }

    /** Waits until the server has stopped. */
    void join() throws InterruptedException {
        server.join();
    }

    /**
     * Stops gracefully: held long-polls are answered now, no new requests are taken, requests in flight
     * get up to the stop timeout to finish.
     */
    void stop() throws Exception {
        if (api instanceof PlasmidServlet plasmid) {
            plasmid.stopHoldingLongPolls();
        }
        server.stop();
    }
}
