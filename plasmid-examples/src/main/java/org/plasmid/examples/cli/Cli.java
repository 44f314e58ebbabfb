package org.plasmid.examples.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The command-line conventions every program of plasmid-examples shares, on picocli: exit code
 * {@value #OK} when done, {@value #FAILED} when the program failed, {@value #USAGE} for a wrong command
 * line; a wrong command line is one line on stderr, {@code name: message (see --help)}, with picocli's
 * suggestion for a mistyped option; an exception that escapes a command is one line too, never a stack
 * trace; the generated help shows options as {@code --name VALUE} ({@code --name=VALUE} is accepted too)
 * and ends with the footer, then the exit codes.
 */
public final class Cli {
    /** Exit code: done. */
    public static final int OK = 0;
    /** Exit code: the program failed (it says why). */
    public static final int FAILED = 1;
    /** Exit code: the command line is wrong. */
    public static final int USAGE = 2;

    private Cli() {
    }

    /**
     * Parses {@code args} into {@code command} and runs it.
     *
     * @param command a picocli command (a {@code @Command} class that is a {@code Callable<Integer>})
     * @param args the command line
     * @param out where results and help go
     * @param err where errors go
     * @return the exit code: the command's own, {@link #FAILED} if it threw, {@link #USAGE} for a wrong
     *     command line
     */
    public static int execute(Object command, String[] args, PrintStream out, PrintStream err) {
        CommandLine commandLine = commandLine(command, out, err);
        try {
            return commandLine.execute(args);
        } finally {
            commandLine.getOut().flush();
            commandLine.getErr().flush();
        }
    }

    /**
     * @param command a picocli command
     * @param out where results and help go (in colour only when it is the terminal's standard output)
     * @param err where errors go
     * @return the command line, set up with the conventions above
     */
    public static CommandLine commandLine(Object command, PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setColorScheme(Help.defaultColorScheme(out == System.out ? Ansi.AUTO : Ansi.OFF));
        commandLine.setHelpFactory(SpaceSeparatedHelp::new);
        commandLine.setHelpSectionKeys(exitCodesLast(commandLine.getHelpSectionKeys()));
        commandLine.setParameterExceptionHandler((e, given) -> {
            e.getCommandLine().getErr().println(
                    e.getCommandLine().getCommandName() + ": " + UsageErrors.describe(e, given) + " (see --help)");
            return USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, failed, parsed) -> {
            failed.getErr().println(failed.getCommandName() + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return FAILED;
        });
        return commandLine;
    }

    /**
     * Checks a number that picocli has parsed (picocli has no ranges of its own).
     *
     * @param spec the command, for the usage error
     * @param option the option's name
     * @param value its value
     * @param min the least allowed
     * @param max the most allowed
     * @return the value
     * @throws ParameterException (bad usage) if the value is outside [min, max]
     */
    public static int inRange(CommandSpec spec, String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), option + " needs a whole number from " + min + " to " + max
                    + ", got " + value);
        }
        return value;
    }

    /** The footer (examples) reads best before the exit codes, which end the help. */
    private static List<String> exitCodesLast(List<String> keys) {
        List<String> ordered = new ArrayList<>(keys);
        List<String> exitCodes = List.of(CommandLine.Model.UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST_HEADING,
                CommandLine.Model.UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST);
        ordered.removeAll(exitCodes);
        ordered.addAll(exitCodes);
        return ordered;
    }

    /** picocli's help with {@code --name VALUE} instead of {@code --name=VALUE}, as the README writes options. */
    private static final class SpaceSeparatedHelp extends Help {
        SpaceSeparatedHelp(CommandSpec spec, ColorScheme colors) {
            super(spec, colors);
        }

        @Override
        public IParamLabelRenderer parameterLabelRenderer() {
            IParamLabelRenderer generated = super.parameterLabelRenderer();
            return new IParamLabelRenderer() {
                @Override
                public Ansi.Text renderParameterLabel(ArgSpec arg, Ansi ansi, List<Ansi.IStyle> styles) {
                    Ansi.Text label = generated.renderParameterLabel(arg, ansi, styles);
                    String separator = generated.separator();
                    return label.plainString().startsWith(separator)
                            ? ansi.new Text(" ").concat(label.substring(separator.length()))
                            : label;
                }

                @Override
                public String separator() {
                    return " ";
                }
            };
        }
    }
}
