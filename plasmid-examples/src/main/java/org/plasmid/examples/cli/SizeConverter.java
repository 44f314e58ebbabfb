package org.plasmid.examples.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Sizes in bytes on the tools' command lines, as a user writes them: a whole number with a binary unit
 * {@code KiB}, {@code MiB} or {@code GiB} ({@code 64KiB}, {@code 16MiB}, {@code 1GiB}; {@code K}, {@code M},
 * {@code G} as Java's {@code -Xmx} takes them, any case), bytes with {@code B} or none. Decimal units
 * ({@code MB}) are refused rather than guessed. Use it as a picocli {@code converter}; {@link #format}
 * writes a size back the same way.
 */
public final class SizeConverter implements ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,18})(b|k|kib|m|mib|g|gib)?");

    @Override
    public Long convert(String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size such as 65536, 64KiB, 16MiB or 1GiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        if (n > Long.MAX_VALUE >> shift) {
            throw new TypeConversionException("'" + value + "' is too large a size");
        }
        return n << shift;
    }

    /**
     * @param bytes a size
     * @return it as a user writes it: 65536 → 64KiB, 16777216 → 16MiB, 1000 → 1000B
     */
    public static String format(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            int shift = 30 - 10 * i;
            if (bytes > 0 && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + units[i];
            }
        }
        return bytes + "B";
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
    public static long inRange(CommandSpec spec, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), option + " needs a size from " + format(min) + " to "
                    + format(max) + ", got " + format(value));
        }
        return value;
    }
}
