package org.plasmid.examples.ctl;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.plasmid.core.PlasmidException;
import org.plasmid.examples.cli.Cli;
import org.plasmid.examples.demo.DemoWebApp;
import org.plasmid.examples.server.HubLocation;
import org.plasmid.examples.server.PlasmidServer;
import org.plasmid.examples.server.Serving;
import org.plasmid.examples.server.ServerSettings;
import org.plasmid.servlet.PlasmidServlet;
import org.plasmid.servlet.PlasmidServletOptions;

/**
 * plasmidctl without an action: serves the hub until the JVM is asked to stop (SIGTERM, SIGINT/Ctrl-C).
 * A shutdown hook then stops Jetty gracefully and closes the hub. The hook is in place before the hub is
 * opened, so a signal that arrives while starting waits for the start and then stops cleanly too.
 */
final class ServeUntilStopped {
    /** How long a stopping server lets requests in flight finish before the hub is closed. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private ServeUntilStopped() {
    }

    /**
     * Serves, and returns once stopped. It installs a JVM shutdown hook that ends the JVM once the server
     * has stopped, so serve in a process of its own.
     *
     * @param location where the hub's data lives (a directory is created if missing)
     * @param settings where and how to listen: address, port, HTTPS, metrics
     * @param options the servlet's options
     * @param demo whether to serve the todo demo at {@code /} too
     * @return {@link Cli#OK} after a clean stop, {@link Cli#FAILED} if stopping failed
     * @throws PlasmidException if the hub cannot be opened (in use, a storage error)
     * @throws IOException if the server cannot serve (the port is taken, the address is wrong, the demo
     *     cannot be set up on this hub)
     */
    static int serve(HubLocation location, ServerSettings settings, PlasmidServletOptions options, boolean demo)
            throws IOException {
        CompletableFuture<Serving> started = new CompletableFuture<>();
        Thread hook = new Thread(() -> stopOnShutdown(started), "plasmidctl-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Serving serving;
        try {
            serving = Serving.start(location, settings, hub -> new PlasmidServlet(hub, options), STOP_TIMEOUT,
                    demo ? hub -> DemoWebApp.setUp(hub, PlasmidServer.API_PATH) : null);
            started.complete(serving);
        } catch (Exception e) {
            started.completeExceptionally(e);
            removeHook(hook);
            if (e instanceof PlasmidException p) {
                throw p;
            }
            throw new IOException("cannot serve on " + settings.host() + " port " + settings.port()
                    + (settings.metrics() ? " (metrics port " + settings.metricsPort() + ")" : "") + ": " + describe(e), e);
        } finally {
            started.completeExceptionally(new IllegalStateException("did not start")); // no-op once complete
        }
        try {
            serving.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return serving.stop() == Serving.Stopped.WITH_ERRORS ? Cli.FAILED : Cli.OK;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook finds nothing started and leaves the exit alone
        }
    }

    /**
     * The shutdown hook. A JVM ended by SIGTERM or SIGINT exits with status 143 or 130 even when its
     * hooks ran cleanly; a graceful stop is a success, so once the server is stopped and the hub closed
     * the hook ends the JVM itself, with 0 (1 if stopping failed). plasmidctl registers no other hook.
     * When the server had already been stopped otherwise, the exit status is left alone.
     */
    private static void stopOnShutdown(CompletableFuture<Serving> started) {
        Serving serving;
        try {
            serving = started.join();
        } catch (CompletionException e) {
            return; // it never started, and has cleaned up after itself
        }
        Serving.Stopped stopped = serving.stop();
        if (stopped != Serving.Stopped.ALREADY) {
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(stopped == Serving.Stopped.CLEANLY ? Cli.OK : Cli.FAILED);
        }
    }

    private static String describe(Exception e) {
        String message = String.valueOf(e.getMessage());
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += " (" + cause.getMessage() + ")";
        }
        return message;
    }
}
