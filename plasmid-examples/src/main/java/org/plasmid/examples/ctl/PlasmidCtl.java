package org.plasmid.examples.ctl;

import java.io.PrintStream;
import java.util.function.IntConsumer;
import org.plasmid.examples.cli.Cli;

/**
 * {@code plasmidctl}: the standalone Plasmid Sync server and its admin CLI, a Java port of the original
 * {@code plasmidctl.py}. {@code --help} prints the command line (declared in {@link CtlCommand}); the
 * README has it too.
 *
 * <p>{@link #run} does everything but exit; {@link #main(String[])} exits with its result. Tests use
 * the main entry with their own streams and exit path.
 */
public final class PlasmidCtl {
    /** Exit code: success. */
    public static final int OK = Cli.OK;
    /** Exit code: the action failed (invalid name, hub in use, port taken, storage error). */
    public static final int FAILED = Cli.FAILED;
    /** Exit code: the command line is wrong. */
    public static final int USAGE = Cli.USAGE;

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
     * Runs one command line: an admin action, the help, the version, the completion script, or the server
     * (which returns once stopped). Serving installs a JVM shutdown hook that ends the JVM once the server
     * has stopped, so serve in a process of its own.
     *
     * @param args the command line
     * @return the exit code: {@link #OK}, {@link #FAILED} or {@link #USAGE}
     */
    public int run(String... args) {
        return Cli.execute(new CtlCommand(), args, out, err);
    }
}
