package org.plasmid.examples.tools;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of a reliability tool: {@code --name value} or {@code --name=value} options from a
 * known set, and {@code -h}/{@code --help}. Typed getters validate and say what is wrong.
 */
final class Args {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private final Map<String, String> values;
    private final boolean help;

    private Args(Map<String, String> values, boolean help) {
        this.values = values;
        this.help = help;
    }

    /** The command line is wrong; the tool prints the message and exits with code 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * @param args the command line
     * @param known the option names the tool takes (with their leading {@code --}); each takes a value
     * @return the parsed options
     * @throws UsageException for an unknown option, a missing value, or an option given twice
     */
    static Args parse(String[] args, Set<String> known) throws UsageException {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                return new Args(Map.of(), true);
            }
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            if (!known.contains(name)) {
                throw new UsageException(arg.startsWith("-") ? "unknown option " + name : "unexpected argument '" + arg + "'");
            }
            String value;
            if (eq > 0 && arg.startsWith("--")) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new UsageException("option " + name + " needs a value");
            }
            if (values.putIfAbsent(name, value) != null) {
                throw new UsageException("option " + name + " is given twice");
            }
        }
        return new Args(values, false);
    }

    /** @return whether help was asked for */
    boolean help() {
        return help;
    }

    /** @return whether the option was given */
    boolean has(String name) {
        return values.containsKey(name);
    }

    /** @return the option's value, or {@code fallback} */
    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** @return the option as an integer in [min, max], or {@code fallback} */
    int integer(String name, int fallback, int min, int max) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name + " needs a whole number from " + min + " to " + max + ", got '" + v + "'");
    }

    /** @return the option as a long (any), or {@code fallback} */
    long longValue(String name, long fallback) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number, got '" + v + "'");
        }
    }

    /**
     * @return the option as a duration: a number with a unit {@code ms}, {@code s}, {@code m} or
     *     {@code h} (seconds when none), within [min, max]; or {@code fallback}
     */
    Duration duration(String name, Duration fallback, Duration min, Duration max) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(v.trim());
        Duration d = null;
        if (m.matches() && m.group(1).length() <= 9) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new UsageException(name + " needs a duration such as 30s, 5m or 500ms, from " + show(min)
                    + " to " + show(max) + ", got '" + v + "'");
        }
        return d;
    }

    /** @return the option as a path, or null */
    Path path(String name) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v.isBlank()) {
            throw new UsageException(name + " needs a non-empty path");
        }
        return Path.of(v);
    }

    /** @return a duration as a user writes it: 500ms, 30s, 5m */
    static String show(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
