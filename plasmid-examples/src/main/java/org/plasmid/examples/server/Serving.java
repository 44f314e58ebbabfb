package org.plasmid.examples.server;

import jakarta.servlet.Servlet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.plasmid.core.PlasmidHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hub served over HTTP, and the order in which the two are stopped: Jetty first (requests in flight
 * finish), then the hub is closed (which releases its directory for the next process). plasmidctl serves
 * with it, and the soak tool embeds it.
 */
public final class Serving {
    private static final Logger LOG = LoggerFactory.getLogger(Serving.class);

    /** How {@link #stop()} ended. */
    public enum Stopped {
        /** This call stopped the server and closed the hub without error. */
        CLEANLY,
        /** This call stopped what it could, but an error was logged. */
        WITH_ERRORS,
        /** An earlier call had stopped it already. */
        ALREADY
    }

    private final HubLocation location;
    private final HubLocation.OpenHub hub;
    private final PlasmidServer server;
    private final RootApp rootApp;
    private final Monitoring monitoring;
    private boolean stopped;

    private Serving(HubLocation location, HubLocation.OpenHub hub, PlasmidServer server, RootApp rootApp,
            Monitoring monitoring) {
        this.location = location;
        this.hub = hub;
        this.server = server;
        this.rootApp = rootApp;
        this.monitoring = monitoring;
    }

    /** @return the port {@code /metrics} is served on, or -1 without metrics */
    public int metricsPort() {
        return monitoring == null ? -1 : monitoring.port();
    }

    /**
     * Opens the hub (creating its directory if missing) and serves it.
     *
     * @param hubPath the hub directory
     * @param host the address to listen on
     * @param port the port, 0 for any free one
     * @param api makes the servlet that serves the hub
     * @param stopTimeout how long requests in flight may take to finish when stopping
     * @return the running server
     * @throws org.plasmid.core.PlasmidException if the hub cannot be opened (for example it is in use)
     * @throws Exception if the server cannot start; the hub is closed again
     */
    public static Serving start(Path hubPath, String host, int port, Function<PlasmidHub, ? extends Servlet> api,
            Duration stopTimeout) throws Exception {
        return start(hubPath, host, port, api, stopTimeout, null);
    }

    /**
     * Opens the hub and serves it, with an application at the site's root when {@code rootApp} is given
     * (as {@code plasmidctl --demo} serves the todo demo); without one, every path outside the API's
     * mount answers 404.
     *
     * @param rootApp builds the root application on the open hub, or null for none
     * @throws Exception if the server cannot start, or the root application cannot be built; the hub is
     *     closed again (and the root application too, if it was built)
     * @see #start(Path, String, int, Function, Duration)
     */
    public static Serving start(Path hubPath, String host, int port, Function<PlasmidHub, ? extends Servlet> api,
            Duration stopTimeout, Function<PlasmidHub, ? extends RootApp> rootApp) throws Exception {
        return start(HubLocation.directory(hubPath), host, port, api, stopTimeout, rootApp);
    }

    /**
     * Opens the hub wherever it lives (a MapDB directory, or PostgreSQL shared with other nodes) and serves
     * it, with an optional root application.
     *
     * @param location where the hub's data lives
     * @see #start(Path, String, int, Function, Duration, Function)
     */
    public static Serving start(HubLocation location, String host, int port, Function<PlasmidHub, ? extends Servlet> api,
            Duration stopTimeout, Function<PlasmidHub, ? extends RootApp> rootApp) throws Exception {
        return start(location, ServerSettings.plain(host, port), api, stopTimeout, rootApp);
    }

    /**
     * As {@link #start(HubLocation, String, int, Function, Duration, Function)}, serving as the settings say:
     * HTTP or HTTPS (with a plain port redirecting to it), Jetty's access log, and {@code /metrics} on a
     * port of its own, where a Prometheus registry holds the engine's and the servlet's meters
     * ({@link org.plasmid.core.PlasmidHubMetrics}, {@link org.plasmid.servlet.PlasmidServletMetrics}), the
     * JVM's and Jetty's.
     *
     * @param settings where and how to listen
     * @throws Exception if the server (or the metrics server) cannot start, or the root application cannot
     *     be built; the hub is closed again, and whatever was started is stopped
     */
    public static Serving start(HubLocation location, ServerSettings settings,
            Function<PlasmidHub, ? extends Servlet> api, Duration stopTimeout,
            Function<PlasmidHub, ? extends RootApp> rootApp) throws Exception {
        HubLocation.OpenHub hub = location.open();
        RootApp root = null;
        PlasmidServer server = null;
        Monitoring monitoring = null;
        try {
            root = rootApp == null ? null : rootApp.apply(hub.hub());
            Servlet servlet = api.apply(hub.hub());
            PrometheusMeterRegistry registry = settings.metrics() ? Monitoring.registry(hub.hub(), servlet) : null;
            server = PlasmidServer.start(settings, servlet, stopTimeout, root == null ? null : root.servlet());
            if (registry != null) {
                monitoring = Monitoring.start(registry, server, settings.metricsHost(), settings.metricsPort());
            }
            Serving serving = new Serving(location, hub, server, root, monitoring);
            LOG.info("Plasmid Sync serving {} at {} (API {}){}", location.describe(), server.mountUri(), server.apiUri(),
                    server.listensOnAllInterfaces() ? " on all interfaces" : "");
            if (server.redirectPort() >= 0) {
                LOG.info("HTTPS with {}; redirecting plain HTTP from port {} to it", settings.tls(), server.redirectPort());
            } else if (settings.tls() != null) {
                LOG.info("HTTPS with {}", settings.tls());
            }
            if (monitoring != null) {
                LOG.info("Metrics at {} (health: {}, {})", monitoring.uri(), server.mountUri().resolve("health/live"),
                        server.mountUri().resolve("health/ready"));
            }
            if (root != null) {
                root.started(server.rootUri());
            }
            return serving;
        } catch (Exception | Error e) {
            if (server != null) {
                server.stop();
            }
            if (root != null) {
                root.close();
            }
            hub.close();
            throw e;
        }
    }

    /**
     * As {@link #start(HubLocation, ServerSettings, Function, Duration, Function)}, for a hub directory.
     *
     * @param hubPath the hub directory (created if missing)
     */
    public static Serving start(Path hubPath, ServerSettings settings, Function<PlasmidHub, ? extends Servlet> api,
            Duration stopTimeout, Function<PlasmidHub, ? extends RootApp> rootApp) throws Exception {
        return start(HubLocation.directory(hubPath), settings, api, stopTimeout, rootApp);
    }

    /** @return the port listened on */
    public int port() {
        return server.port();
    }

    /** @return the API base URL */
    public java.net.URI apiUri() {
        return server.apiUri();
    }

    /** Blocks until the server stops. */
    public void awaitStop() throws InterruptedException {
        server.join();
    }

    /**
     * Stops the server gracefully, then closes the hub. Safe to call from several threads and more than
     * once; only the first call does the work, later ones wait for it.
     *
     * @return how it went
     */
    public synchronized Stopped stop() {
        if (stopped) {
            return Stopped.ALREADY;
        }
        stopped = true;
        boolean clean = true;
        LOG.info("Plasmid Sync stopping");
        try {
            server.stop();
        } catch (Exception e) {
            clean = false;
            LOG.error("stopping the HTTP server failed", e);
        }
        if (monitoring != null) {
            try {
                monitoring.stop(); // after the API: the last scrapes see the requests that finished
            } catch (Exception e) {
                clean = false;
                LOG.error("stopping the metrics server failed", e);
            }
        }
        if (rootApp != null) {
            try {
                rootApp.close();
            } catch (RuntimeException e) {
                clean = false;
                LOG.error("closing the root application failed", e);
            }
        }
        try {
            hub.close();
        } catch (RuntimeException e) {
            clean = false;
            LOG.error("closing {} failed", location.describe(), e);
        }
        if (clean) {
            LOG.info("Plasmid Sync stopped; {} closed", location.describe());
            return Stopped.CLEANLY;
        }
        return Stopped.WITH_ERRORS;
    }
}
