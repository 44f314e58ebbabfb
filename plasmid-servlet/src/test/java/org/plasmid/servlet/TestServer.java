package org.plasmid.servlet;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.plasmid.core.PlasmidHub;

/**
 * A real Jetty 12 server with the servlet mounted at a non-root context and servlet path:
 * {@value #CONTEXT} + {@value #MAPPING}, so the API is at {@value #API}. Requests go through a
 * {@link LocalConnector} (no sockets) unless a test asks for a real port.
 */
final class TestServer implements AutoCloseable {
    static final String CONTEXT = "/app";
    static final String MAPPING = "/sync/*";
    static final String API = "/app/sync/v1/";

    final Server server;
    final LocalConnector local;
    final ServletContextHandler context;
    private ServerConnector network;

    /** @return a hub on a new {@link TestStorage} with fast (test-only) secret hashing */
    static PlasmidHub fastHub() {
        return PlasmidHub.builder().storage(TestStorage.create(), true).secretHashIterations(1000).build();
    }

    TestServer(QueuedThreadPool pool) {
        server = pool == null ? new Server() : new Server(pool);
        local = new LocalConnector(server);
        server.addConnector(local);
        context = new ServletContextHandler(CONTEXT);
        server.setHandler(context);
    }

    TestServer() {
        this(null);
    }

    /** Starts a server serving {@code servlet} at the test mount, with async support. */
    static TestServer serving(PlasmidServlet servlet) throws Exception {
        TestServer s = new TestServer();
        s.mount(servlet, MAPPING);
        s.start();
        return s;
    }

    ServletHolder mount(PlasmidServlet servlet, String mapping) {
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, mapping);
        return holder;
    }

    TestServer withNetwork() {
        network = new ServerConnector(server);
        network.setHost("127.0.0.1");
        network.setPort(0);
        server.addConnector(network);
        return this;
    }

    TestServer start() throws Exception {
        server.start();
        return this;
    }

    /** @return the real connector (added by {@link #withNetwork()}), to configure before {@link #start()} */
    ServerConnector networkConnector() {
        return network;
    }

    /** @return the real port, once started */
    int networkPort() {
        return network.getLocalPort();
    }

    /** @return the base URL of the API over the real port */
    String networkApi() {
        return "http://127.0.0.1:" + network.getLocalPort() + API;
    }

    static String basic(String access, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((access + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** A request to the API, as Plasmid.js sends it (JSON bodies as text/plain). */
    static HttpTester.Request request(String method, String pathUnderApi, String authorization, String body) {
        HttpTester.Request r = HttpTester.newRequest();
        r.setMethod(method);
        r.setURI(API + pathUnderApi);
        r.setVersion("HTTP/1.1");
        r.setHeader("Host", "localhost");
        if (authorization != null) {
            r.setHeader("Authorization", authorization);
        }
        if (body != null) {
            r.setHeader("Content-Type", "text/plain;charset=UTF-8");
            r.setContent(body.getBytes(StandardCharsets.UTF_8));
        }
        return r;
    }

    HttpTester.Response send(HttpTester.Request r) throws Exception {
        if (r.getMethod().equals("HEAD")) {
            return HttpTester.parseHeadResponse(local.getResponse(r.generate(), 20, TimeUnit.SECONDS));
        }
        return send(r.generate(), 20);
    }

    HttpTester.Response send(ByteBuffer raw, long timeoutSeconds) throws Exception {
        ByteBuffer response = local.getResponse(raw, timeoutSeconds, TimeUnit.SECONDS);
        if (response == null) {
            throw new AssertionError("no response within " + timeoutSeconds + " s");
        }
        return HttpTester.parseResponse(response);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
