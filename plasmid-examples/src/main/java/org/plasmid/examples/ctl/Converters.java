package org.plasmid.examples.ctl;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.plasmid.servlet.PlasmidServletOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The checks of plasmidctl's option values; picocli reports a refused value as bad usage (exit 2). */
final class Converters {
    private Converters() {
    }

    /** A port: 0 to 65535, 0 for any free port. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int port = Integer.parseInt(value.trim());
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new TypeConversionException("'" + value + "' is not a port number from 0 to 65535, "
                    + "0 for any free port");
        }
    }

    /** One {@code --servlet-option NAME=VALUE}: an init-param of PlasmidServlet and its text. */
    record ServletSetting(String name, String value) {
    }

    /**
     * {@code NAME=VALUE}, where NAME is one of {@link PlasmidServletOptions#initParamNames()} and VALUE holds
     * a valid value for it (checked here, so that a wrong one is bad usage before anything is opened); the
     * options are checked together by {@link ServeSettings}.
     */
    static final class ServletOption implements ITypeConverter<ServletSetting> {
        @Override
        public ServletSetting convert(String value) {
            int eq = value.indexOf('=');
            if (eq <= 0) {
                throw new TypeConversionException("'" + value + "' has no =VALUE (NAME is one of "
                        + String.join(", ", PlasmidServletOptions.initParamNames()) + ")");
            }
            ServletSetting setting = new ServletSetting(value.substring(0, eq).trim(), value.substring(eq + 1));
            try {
                PlasmidServletOptions.builder().initParam(setting.name(), setting.value());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            return setting;
        }
    }

    /** Any text but an empty one. */
    static final class NonBlank implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isBlank()) {
                throw new TypeConversionException("the value may not be empty");
            }
            return value;
        }
    }

    /** A directory path, not empty. */
    static final class Dir implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            if (value.isBlank()) {
                throw new TypeConversionException("the path may not be empty");
            }
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new TypeConversionException("'" + value + "' is not a path: " + e.getReason());
            }
        }
    }
}
