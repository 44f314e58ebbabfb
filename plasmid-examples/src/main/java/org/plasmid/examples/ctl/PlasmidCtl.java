package org.plasmid.examples.ctl;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntConsumer;
import org.plasmid.core.PlasmidException;
import org.plasmid.core.PlasmidHub;
import org.plasmid.examples.demo.DemoWebApp;
import org.plasmid.examples.server.PlasmidServer;
import org.plasmid.examples.server.Serving;
import org.plasmid.servlet.PlasmidServlet;

/**
 * {@code plasmidctl}: the standalone Plasmid Sync server and its admin CLI, a Java port of the original
 * {@code plasmidctl.py}. See {@link Help#TEXT} for the command line, and the README.
 *
 * <p>{@link #run} does everything but exit; {@link #main(String[])} exits with its result. Tests use
 * the main entry with their own streams and exit path.
 */
public final class PlasmidCtl {
    /** Exit code: success. */
    public static final int OK = 0;
    /** Exit code: the action failed (invalid name, hub in use, port taken, storage error). */
    public static final int FAILED = 1;
    /** Exit code: the command line is wrong. */
    public static final int USAGE = 2;

    /** How long a stopping server lets requests in flight finish before the hub is closed. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param out where results go
     * @param err where errors go
     */
    public PlasmidCtl(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Runs plasmidctl and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        main(args, System.out, System.err, System::exit);
    }

    /**
     * The main entry with its streams and exit path injected, so tests run it in-process.
     *
     * @param args the command line
     * @param out where results go
     * @param err where errors go
     * @param exit receives the exit code once plasmidctl is done
     */
    static void main(String[] args, PrintStream out, PrintStream err, IntConsumer exit) {
        int code = new PlasmidCtl(out, err).run(args);
        out.flush();
        err.flush();
        exit.accept(code);
    }

    /**
     * Runs one command line: an admin action, the help, or the server (which returns once stopped).
     * Serving installs a JVM shutdown hook that ends the JVM once the server has stopped, so serve
     * in a process of its own.
     *
     * @param args the command line
     * @return the exit code: {@link #OK}, {@link #FAILED} or {@link #USAGE}
     */
    public int run(String... args) {
        CommandLine cl;
        try {
            cl = CommandLine.parse(args);
        } catch (UsageException e) {
            err.println("plasmidctl: " + e.getMessage());
            err.println("Run with --help for usage.");
            return USAGE;
        }
        try {
            switch (cl.action()) {
                case HELP -> {
                    out.print(Help.TEXT);
                    return OK;
                }
                case SERVE -> {
                    return serve(cl);
                }
                default -> {
                    return admin(cl);
                }
            }
        } catch (PlasmidException e) {
            err.println("plasmidctl: " + e.getMessage());
            return FAILED;
        }
    }

    private int admin(CommandLine cl) {
        Path dir = cl.hubPath().toAbsolutePath().normalize();
        if (cl.action().needsExistingHub() && !Files.isDirectory(dir)) {
            err.println("plasmidctl: there is no hub at " + dir
                    + " (--set-secret or serving creates one; --hub-path chooses another)");
            return FAILED;
        }
        try (PlasmidHub hub = PlasmidHub.open(dir)) {
            new AdminCommands(hub, out).run(cl.action(), cl.arguments());
            return OK;
        }
    }

    /**
     * Serves until the JVM is asked to stop (SIGTERM, SIGINT/Ctrl-C): the shutdown hook then stops
     * Jetty gracefully and closes the hub. The hook is in place before the hub is opened, so a signal
     * that arrives while starting waits for the start and then stops cleanly too.
     */
    private int serve(CommandLine cl) {
        CompletableFuture<Serving> started = new CompletableFuture<>();
        Thread hook = new Thread(() -> stopOnShutdown(started), "plasmidctl-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Serving serving;
        try {
            serving = Serving.start(cl.hubPath(), cl.host(), cl.port(), PlasmidServlet::new, STOP_TIMEOUT,
                    cl.demo() ? hub -> DemoWebApp.setUp(hub, PlasmidServer.API_PATH) : null);
            started.complete(serving);
        } catch (Exception e) {
            started.completeExceptionally(e);
            removeHook(hook);
            if (e instanceof PlasmidException p) {
                throw p;
            }
            err.println("plasmidctl: cannot serve on " + cl.host() + " port " + cl.port() + ": " + describe(e));
            return FAILED;
        } finally {
            started.completeExceptionally(new IllegalStateException("did not start")); // no-op once complete
        }
        try {
            serving.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return serving.stop() == Serving.Stopped.WITH_ERRORS ? FAILED : OK;
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
            Runtime.getRuntime().halt(stopped == Serving.Stopped.CLEANLY ? OK : FAILED);
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
