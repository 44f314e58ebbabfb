package org.plasmid.examples.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations on the tools' command lines, as a user writes them: a whole number with a unit {@code ms},
 * {@code s}, {@code m} or {@code h} ({@code 1500ms}, {@code 30s}, {@code 5m}, {@code 1h}), seconds when
 * there is none. Use it as a picocli {@code converter}; {@link #format} writes a duration back the same way.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a duration such as 30s, 5m or 500ms");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /**
     * @param d a duration
     * @return it as a user writes it: 500ms, 30s, 5m, 2h
     */
    public static String format(Duration d) {
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

    /**
     * @param spec the command, for the usage error
     * @param option the option's name
     * @param value its value
     * @param min the least allowed
     * @param max the most allowed
     * @return the value
     * @throws ParameterException (bad usage) if the value is outside [min, max]
     */
    public static Duration inRange(CommandSpec spec, String option, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ParameterException(spec.commandLine(), option + " needs a duration from " + format(min) + " to "
                    + format(max) + ", got " + format(value));
        }
        return value;
    }
}
