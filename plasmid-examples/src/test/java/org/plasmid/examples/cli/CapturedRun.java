package org.plasmid.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What a command-line entry point printed and how it exited, run in-process (the tools' and the
 * benchmark's {@code run(args, out, err)}).
 *
 * @param exit the exit code it returned
 * @param out what it printed to standard output
 * @param err what it printed to standard error
 */
public record CapturedRun(int exit, String out, String err) {
    /** An entry point that prints to the streams it is given and returns its exit code. */
    @FunctionalInterface
    public interface EntryPoint {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    /** Runs {@code entry} with {@code args}, capturing both streams. */
    public static CapturedRun of(EntryPoint entry, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = entry.run(args, o, e);
        }
        return new CapturedRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
