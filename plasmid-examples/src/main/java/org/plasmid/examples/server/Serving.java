package org.plasmid.examples.server;

import jakarta.servlet.Servlet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.plasmid.core.PlasmidHub;
import org.plasmid.examples.demo.DemoWebApp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hub served over HTTP, and the order in which the two are stopped: Jetty first (requests in flight
 * finish), then the hub is closed (which releases its directory for the next process). plasmidctl serves
 * with it, and the soak tool ({@code org.plasmid.examples.tools.Soak}) embeds it.
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

    private final Path hubPath;
    private final PlasmidHub hub;
    private final PlasmidServer server;
    private final DemoWebApp demo;
    private boolean stopped;

    private Serving(Path hubPath, PlasmidHub hub, PlasmidServer server, DemoWebApp demo) {
        this.hubPath = hubPath;
        this.hub = hub;
        this.server = server;
        this.demo = demo;
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
        return start(hubPath, host, port, api, stopTimeout, false);
    }

    /**
     * Opens the hub and serves it, with the todo demo at {@code /} when {@code withDemo} is set
     * ({@code plasmidctl --demo}; see {@link DemoWebApp} for what that sets up on the hub).
     *
     * @param withDemo whether to serve the demo too
     * @see #start(Path, String, int, Function, Duration)
     */
    public static Serving start(Path hubPath, String host, int port, Function<PlasmidHub, ? extends Servlet> api,
            Duration stopTimeout, boolean withDemo) throws Exception {
        Path dir = hubPath.toAbsolutePath().normalize();
        PlasmidHub hub = PlasmidHub.open(dir);
        DemoWebApp demo = null;
        try {
            demo = withDemo ? DemoWebApp.setUp(hub, PlasmidServer.MOUNT + "/v1/") : null;
            PlasmidServer server = PlasmidServer.start(host, port, api.apply(hub), stopTimeout,
                    demo == null ? null : demo.servlet());
            Serving serving = new Serving(dir, hub, server, demo);
            LOG.info("Plasmid Sync serving hub {} at {} (API {}){}", dir, server.mountUri(), server.apiUri(),
                    server.listensOnAllInterfaces() ? " on all interfaces" : "");
            if (demo != null) {
                LOG.info("Demo: open {} in two browsers (for demos only: the page can create guest accounts)",
                        server.rootUri());
            }
            return serving;
        } catch (Exception | Error e) {
            if (demo != null) {
                demo.close();
            }
            hub.close();
            throw e;
        }
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
        if (demo != null) {
            try {
                demo.close();
            } catch (RuntimeException e) {
                clean = false;
                LOG.error("disabling the demo's sign-up account failed", e);
            }
        }
        try {
            hub.close();
        } catch (RuntimeException e) {
            clean = false;
            LOG.error("closing hub {} failed", hubPath, e);
        }
        if (clean) {
            LOG.info("Plasmid Sync stopped; hub {} closed", hubPath);
            return Stopped.CLEANLY;
        }
        return Stopped.WITH_ERRORS;
    }
}
