package org.plasmid.servlet;

import java.time.Duration;
import java.util.Objects;

/**
 * One setting of {@link PlasmidServletOptions}, declared once: its name (the builder setter's and the
 * getter's), the servlet init-param that sets it, its default, how an init-param's text is read, its
 * allowed range, and one line saying what it is. The builder checks values with it (and takes its
 * messages from it), {@link InitParams} reads init-params through it, and {@code toString} lists it.
 *
 * @param <T> the type of the value
 */
final class Option<T> {
    /** Reads an init-param's (trimmed, non-blank) text. */
    @FunctionalInterface
    interface Reader<T> {
        /**
         * @param text the text
         * @return the value
         * @throws IllegalArgumentException if the text does not hold a value of the type
         */
        T read(String text);
    }

    /** Checks a value against the allowed range, and may normalize it. */
    @FunctionalInterface
    interface Check<T> {
        /**
         * @param name the option's name, for the message
         * @param value the value
         * @return the value to keep
         * @throws IllegalArgumentException naming the option, the range and the value, if out of range
         */
        T check(String name, T value);
    }

    private final String name;
    private final String param;
    private final T defaultValue;
    private final Reader<T> reader;
    private final Check<T> check;
    private final String doc;

    private Option(String name, String param, T defaultValue, Reader<T> reader, Check<T> check, String doc) {
        this.name = name;
        this.param = param;
        this.defaultValue = defaultValue;
        this.reader = reader;
        this.check = check;
        this.doc = doc;
    }

    /** An option of any type. */
    static <T> Option<T> of(String name, String param, T defaultValue, Reader<T> reader, Check<T> check, String doc) {
        return new Option<>(name, param, defaultValue, reader, check, doc);
    }

    /** A whole number from {@code min} to {@code max}; the init-param is decimal. */
    static Option<Integer> integer(String name, String param, int defaultValue, int min, int max, String doc) {
        return of(name, param, defaultValue, text -> {
            long v = whole(text, "a whole number");
            if (v != (int) v) {
                throw new IllegalArgumentException("must be at most " + Integer.MAX_VALUE + ", got " + v);
            }
            return (int) v;
        }, (n, v) -> inRange(n, v, min, max, Integer.MAX_VALUE), doc);
    }

    /** A whole number from {@code min} to {@code max}, as a long; the init-param is decimal. */
    static Option<Long> longInteger(String name, String param, long defaultValue, long min, long max, String doc) {
        return of(name, param, defaultValue, text -> whole(text, "a whole number"),
                (n, v) -> inRange(n, v, min, max, Long.MAX_VALUE), doc);
    }

    /** A yes/no setting; the init-param is {@code true} or {@code false}. */
    static Option<Boolean> bool(String name, String param, boolean defaultValue, String doc) {
        return of(name, param, defaultValue, text -> {
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.valueOf(text);
            }
            throw new IllegalArgumentException("must be true or false, got '"
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
        }, (n, v) -> Objects.requireNonNull(v, n), doc);
    }

    /** A duration from {@code min} to {@code max}; the init-param is a whole number of seconds. */
    static Option<Duration> seconds(String name, String param, Duration defaultValue, Duration min, Duration max,
            String doc) {
        return of(name, param, defaultValue, text -> Duration.ofSeconds(whole(text, "a whole number of seconds")),
                (n, v) -> {
                    Objects.requireNonNull(v, n);
                    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
                        throw new IllegalArgumentException(n + " must be " + words(min) + " to " + words(max)
                                + ", got " + v);
                    }
                    return v;
                }, doc);
    }

    /** @return the name of the builder setter and getter */
    String name() {
        return name;
    }

    /** @return the servlet init-param that sets it */
    String param() {
        return param;
    }

    /** @return the default */
    T defaultValue() {
        return defaultValue;
    }

    /** @return what it is, in one line */
    String doc() {
        return doc;
    }

    /**
     * @param text an init-param's text
     * @return the value it holds (not yet range-checked)
     * @throws IllegalArgumentException if it holds none
     */
    T read(String text) {
        return reader.read(text.trim());
    }

    /**
     * @param value a value
     * @return the value to keep (normalized)
     * @throws IllegalArgumentException if it is out of range
     */
    T check(T value) {
        return check.check(name, value);
    }

    /**
     * @param label what the message calls the option (its init-param, where text set it)
     * @param value a value
     * @return the value to keep (normalized)
     * @throws IllegalArgumentException if it is out of range, naming it by {@code label}
     */
    T check(String label, T value) {
        return check.check(label, value);
    }

    @Override
    public String toString() {
        return name + " (init-param " + param + ")";
    }

    private static long whole(String text, String what) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be " + what + ", got '"
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'", e);
        }
    }

    private static <N extends Number> N inRange(String name, N value, long min, long max, long noMax) {
        Objects.requireNonNull(value, name);
        long v = value.longValue();
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be " + (max == noMax ? "at least " + min : min + "-" + max)
                    + ", got " + v);
        }
        return value;
    }

    /** A duration for people: {@code 1 day}, {@code 90 seconds}, {@code 500 ms}. */
    static String words(Duration d) {
        long s = d.getSeconds();
        if (d.getNano() != 0 || s == 0) {
            return d.toMillis() + " ms";
        }
        if (s % 86_400 == 0) {
            return plural(s / 86_400, "day");
        }
        if (s % 3600 == 0) {
            return plural(s / 3600, "hour");
        }
        if (s % 60 == 0) {
            return plural(s / 60, "minute");
        }
        return plural(s, "second");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
