package org.plasmid.examples.ctl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A parsed plasmidctl command line: at most one action with its arguments, and the options.
 *
 * @param action what to do ({@link Action#SERVE} when no action flag is given)
 * @param arguments the action's arguments, in order (for {@code --grant-permission} the value is
 *     filled in as {@code Yes} when omitted)
 * @param hubPath the hub directory
 * @param host the address to listen on
 * @param port the port to listen on (0: any free port)
 * @param demo whether to serve the todo demo at {@code /} too ({@code --demo}, serving only)
 */
record CommandLine(Action action, List<String> arguments, Path hubPath, String host, int port, boolean demo) {
    static final String DEFAULT_HUB = "hub";
    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 8880;
    static final String DEFAULT_GRANT_VALUE = "Yes";

    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-p", "--hub-path", "--host", "--port");

    static final String DEMO = "--demo";

    CommandLine {
        arguments = List.copyOf(arguments);
    }

    /** A command line without {@code --demo}. */
    CommandLine(Action action, List<String> arguments, Path hubPath, String host, int port) {
        this(action, arguments, hubPath, host, port, false);
    }

    /**
     * Parses arguments the way the original plasmidctl.py did: flags in any order, an action's
     * arguments right after its flag, {@code --option=value} accepted for options.
     *
     * @param args the command-line arguments
     * @return the parsed command line ({@link Action#HELP} as soon as -h or --help is seen)
     * @throws UsageException with a message for the user when the command line is wrong
     */
    static CommandLine parse(String... args) throws UsageException {
        Action action = null;
        List<String> arguments = List.of();
        String hubPath = null;
        String host = null;
        Integer port = null;
        boolean demo = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            if (name.equals("-h") || name.equals("--help")) {
                return new CommandLine(Action.HELP, List.of(), Path.of(DEFAULT_HUB), DEFAULT_HOST, DEFAULT_PORT);
            }
            if (arg.equals(DEMO)) {
                demo = true;
                continue;
            }
            if (OPTIONS_WITH_VALUE.contains(name)) {
                String value = inline;
                if (value == null) {
                    if (i + 1 >= args.length || isKnownFlag(args[i + 1])) {
                        throw new UsageException("option " + name + " needs a value");
                    }
                    value = args[++i];
                }
                switch (name) {
                    case "-p", "--hub-path" -> hubPath = once(hubPath, "--hub-path", nonEmpty(name, value));
                    case "--host" -> host = once(host, "--host", nonEmpty(name, value));
                    default -> port = once(port, "--port", parsePort(value));
                }
                continue;
            }
            Action selected = Action.byFlag(name).orElse(null);
            if (selected == null) {
                throw new UsageException(arg.startsWith("-") && arg.length() > 1
                        ? "unknown option " + arg
                        : "unexpected argument '" + arg + "' (an action's arguments follow its flag)");
            }
            if (inline != null) {
                throw new UsageException(name + " takes its arguments separately: " + selected.synopsis());
            }
            if (action != null) {
                throw new UsageException("give one action at a time, not both " + action.flag() + " and " + name);
            }
            action = selected;
            List<String> taken = new ArrayList<>();
            while (taken.size() < selected.minArgs()) {
                if (i + 1 >= args.length || isKnownFlag(args[i + 1])) {
                    throw new UsageException(name + " needs " + selected.minArgs() + " arguments: "
                            + selected.synopsis() + (taken.isEmpty() ? "" : " (got " + taken.size() + ")"));
                }
                taken.add(args[++i]);
            }
            while (taken.size() < selected.maxArgs() && i + 1 < args.length && !looksLikeOption(args[i + 1])) {
                taken.add(args[++i]);
            }
            arguments = taken;
        }
        if (action == Action.GRANT_PERMISSION && arguments.size() == 3) {
            List<String> withValue = new ArrayList<>(arguments);
            withValue.add(DEFAULT_GRANT_VALUE);
            arguments = withValue;
        }
        if (demo && action != null) {
            throw new UsageException(DEMO + " applies to serving, not to " + action.flag());
        }
        return new CommandLine(action == null ? Action.SERVE : action, arguments,
                Path.of(hubPath == null ? DEFAULT_HUB : hubPath),
                host == null ? DEFAULT_HOST : host,
                port == null ? DEFAULT_PORT : port, demo);
    }

    /** An action's required argument may start with '-' (a secret may), unless it is one of our flags. */
    private static boolean isKnownFlag(String arg) {
        String name = arg.startsWith("--") && arg.indexOf('=') > 0 ? arg.substring(0, arg.indexOf('=')) : arg;
        return OPTIONS_WITH_VALUE.contains(name) || name.equals("-h") || name.equals("--help")
                || name.equals(DEMO) || Action.byFlag(name).isPresent();
    }

    /** An optional argument is not taken when it looks like a flag (negative numbers are not flags). */
    private static boolean looksLikeOption(String arg) {
        return arg.length() > 1 && arg.startsWith("-") && !arg.matches("-\\d+");
    }

    private static <T> T once(T previous, String option, T value) throws UsageException {
        if (previous != null) {
            throw new UsageException("option " + option + " is given twice");
        }
        return value;
    }

    private static String nonEmpty(String option, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException("option " + option + " needs a non-empty value");
        }
        return value;
    }

    private static int parsePort(String value) throws UsageException {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--port needs a number from 0 to 65535 (0: any free port), got '" + value + "'");
    }
}
