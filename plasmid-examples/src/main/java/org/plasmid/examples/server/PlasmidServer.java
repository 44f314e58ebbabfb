package org.plasmid.examples.server;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.SecuredRedirectHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.Graceful;
import org.plasmid.servlet.PlasmidServlet;

/**
 * The standalone HTTP server: Jetty with one servlet mapped at {@value #MOUNT}{@code /*} in the root
 * context, so the API is at {@code /plasmid/v1/}. Nothing else is served unless a servlet for the root
 * is given (the demo web app, mapped at {@code /}): without one, every other path answers 404 whatever
 * the method. TRACE is answered 405 on every path, so nothing ever echoes a request's credentials. The requests Jetty refuses itself are
 * answered in the protocol's JSON shape ({@link JsonErrorHandler}). Stopping is graceful: held
 * long-polls are answered at once, requests in flight may finish within the stop timeout, and requests
 * that arrive meanwhile on open connections are refused as the protocol refuses when it sheds load
 * (503 with {@code Retry-After}, in JSON).
 */
public final class PlasmidServer {
    /** Where the API servlet is mounted; the protocol lives under {@code MOUNT + "/v1/"}. */
    public static final String MOUNT = "/plasmid";
    /** The API's base path, as a page served by the same server sees it. */
    public static final String API_PATH = MOUNT + "/v1/";
    /**
     * Connections the kernel may hold for the server before it accepts them (Linux caps it at
     * {@code net.core.somaxconn}, 4096 by default). Jetty's default, 0, leaves the JDK's 50: when thousands
     * of devices reconnect at once after a restart, the kernel drops the connections beyond it, and each
     * dropped one waits for its client to try again (1 s, then 3 s, 7 s...).
     */
    static final int ACCEPT_QUEUE_SIZE = 4096;
    /**
     * Jetty's header cache, off: from the second request on a connection, Jetty keeps a cache of its header
     * fields per connection (about 100 KB at Jetty's default size, 1024), which ten thousand devices holding
     * long-polls on their own connections turn into a gigabyte of heap; it saves little parsing.
     */
    static final int HEADER_CACHE_SIZE = 0;

    private final Server server;
    private final ServerConnector connector;
    private final String host;
    private final boolean secure;
    private final ServerConnector redirect;

    private PlasmidServer(Server server, ServerConnector connector, String host, boolean secure,
            ServerConnector redirect) {
        this.server = server;
        this.connector = connector;
        this.host = host;
        this.secure = secure;
        this.redirect = redirect;
    }

    /** @return the plain port redirecting to HTTPS, or -1 for none */
    int redirectPort() {
        return redirect == null ? -1 : redirect.getLocalPort();
    }

    /** @return the Jetty server, for its metrics */
    Server jetty() {
        return server;
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
    public static PlasmidServer start(String host, int port, Servlet api, Duration stopTimeout) throws Exception {
        return start(ServerSettings.plain(host, port), api, stopTimeout, null);
    }

    /**
     * Starts a server that also serves {@code root} at {@code /} (everything outside the mount), over HTTPS
     * when the settings give a certificate, with a plain port redirecting to it when they name one, and
     * with Jetty's asynchronous access log when they ask for it. (The metrics port is {@link Serving}'s.)
     *
     * @param settings where and how to listen
     * @param api the servlet to mount at {@value #MOUNT}
     * @param stopTimeout how long {@link #stop()} lets requests in flight finish
     * @param root a servlet for the rest of the site, or null for none (404)
     * @return the running server
     * @throws Exception if it cannot start (for example a port is taken); nothing is left running
     */
    static PlasmidServer start(ServerSettings settings, Servlet api, Duration stopTimeout, Servlet root)
            throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setHeaderCacheSize(HEADER_CACHE_SIZE);
        if (settings.forwarded()) {
            http.addCustomizer(new ForwardedRequestCustomizer()); // the client's address, as the proxy says
        }
        ServerConnector connector;
        ServerConnector redirect = null;
        if (settings.tls() == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        } else {
            http.setSecureScheme("https");
            HttpConfiguration https = new HttpConfiguration(http);
            https.addCustomizer(new SecureRequestCustomizer());
            SslContextFactory.Server ssl = settings.tls().sslContextFactory();
            ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
            HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(https);
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
            alpn.setDefaultProtocol(HttpVersion.HTTP_1_1.asString());
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2,
                    new HttpConnectionFactory(https));
            if (settings.redirectHttpPort() >= 0) {
                redirect = new ServerConnector(server, new HttpConnectionFactory(http));
                redirect.setHost(settings.host());
                redirect.setPort(settings.redirectHttpPort());
            }
        }
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
        server.addConnector(connector);
        if (redirect != null) {
            server.addConnector(redirect);
        }

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder("plasmid", api);
        holder.setAsyncSupported(true); // long-poll pulls wait without holding a thread
        context.addServlet(holder, MOUNT + "/*");
        context.addServlet(new ServletHolder("root", root != null ? root : new NotFoundServlet()), "/");
        context.setErrorHandler(new JsonErrorHandler());
        server.setErrorHandler(new JsonErrorHandler());

        Handler handler = new GracefulHandler(new RefuseTrace(context));
        if (redirect != null) {
            handler = new SecuredRedirectHandler(handler); // plain requests (the redirect port) go to https
        }
        server.setHandler(new RequestIdHandler(handler));
        if (settings.accessLog()) {
            server.setRequestLog(new CustomRequestLog(new AccessLogWriter(), ACCESS_LOG_FORMAT));
        }
        if (api instanceof PlasmidServlet plasmid) {
            server.addBean(new AnswerHeldPollsOnStop(plasmid));
        }
        server.setStopTimeout(stopTimeout.toMillis());
        server.setStopAtShutdown(false); // plasmidctl's own hook stops Jetty, then closes the hub
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        http.setSecurePort(connector.getLocalPort()); // known once started (port 0); the redirect's target
        return new PlasmidServer(server, connector, settings.host(), settings.tls() != null, redirect);
    }

    /**
     * The access log's line: the classic combined shape with the authenticated access token as the user
     * (never a secret), the time taken and the request id, for example
     * {@code 127.0.0.1 - alice [02/Dec/2026:10:15:32 +0000] "GET /plasmid/v1/d/notes HTTP/1.1" 200 31 2ms 5f3a9c01d2-1a3}.
     */
    static final String ACCESS_LOG_FORMAT = "%{client}a - %{" + PlasmidServlet.ACCESS_ATTRIBUTE + "}attr "
            + "[%{dd/MMM/yyyy:HH:mm:ss Z}t] \"%r\" %s %O %{ms}Tms %{" + RequestIdHandler.HEADER + "}o";

    /** @return the port actually listened on */
    public int port() {
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
        return URI.create((secure ? "https://" : "http://") + shown + ":" + port() + MOUNT + "/");
    }

    /** @return the site's root URL, for example {@code http://127.0.0.1:8880/} */
    URI rootUri() {
        return mountUri().resolve("/");
    }

    /** @return the API base URL that clients use, for example {@code http://127.0.0.1:8880/plasmid/v1/} */
    public URI apiUri() {
        return mountUri().resolve("v1/");
    }

    /** Answers 404 to every request outside the mount, whatever its method (TRACE included). */
    private static final class NotFoundServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    /**
     * Answers TRACE (and its alias TRACK) with 405 on every path, before any servlet sees it: a TRACE
     * echoes the request, credentials included, so nothing here ever answers one.
     */
    private static final class RefuseTrace extends Handler.Wrapper {
        RefuseTrace(Handler next) {
            super(next);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String method = request.getMethod();
            if (method.equals("TRACE") || method.equals("TRACK")) {
                response.getHeaders().put("Allow", "GET, POST, DELETE, OPTIONS");
                Response.writeError(request, response, callback, HttpServletResponse.SC_METHOD_NOT_ALLOWED);
                return true;
            }
            return super.handle(request, response, callback);
        }
    }

    /** Waits until the server has stopped. */
    void join() throws InterruptedException {
        server.join();
    }

    /** Stops gracefully: no new requests, requests in flight get up to the stop timeout to finish. */
    public void stop() throws Exception {
        server.stop();
    }

    /**
     * A graceful stop waits for the requests in flight, and a long-poll pull is one for up to a minute:
     * an open page (the demo always holds one) would make every stop wait out the stop timeout and end
     * with an error. So as the stop begins (new requests are already refused), the held polls are woken
     * and answered with what there is ({@link PlasmidServlet#answerHeldPolls()}), and the clients poll
     * again later.
     */
    private static final class AnswerHeldPollsOnStop implements Graceful {
        private final PlasmidServlet api;
        private volatile boolean shutdown;

        AnswerHeldPollsOnStop(PlasmidServlet api) {
            this.api = api;
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            shutdown = true;
            api.answerHeldPolls();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }
    }
}
