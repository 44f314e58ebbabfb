package org.plasmid.examples;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntConsumer;
import org.plasmid.core.PlasmidException;
import org.plasmid.core.PlasmidHub;

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
            new AdminCommands(hub.accounts(), out).run(cl.action(), cl.arguments());
            return OK;
        }
    }

    private int serve(CommandLine cl) {
        err.println("plasmidctl: serving needs PlasmidServlet (plasmid-servlet), which is not built yet");
        return FAILED;
    }
}
