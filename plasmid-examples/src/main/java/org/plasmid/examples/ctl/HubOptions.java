package org.plasmid.examples.ctl;

import java.nio.file.Path;
import java.time.Duration;
import org.plasmid.examples.server.HubLocation;
import org.plasmid.examples.cli.DurationConverter;
import picocli.CommandLine.Option;

/**
 * Where the hub's data lives, serving or not: a MapDB hub directory ({@code --hub-path}, the default) or a
 * PostgreSQL database shared by any number of nodes ({@code --jdbc-url}), never both.
 */
final class HubOptions {
    /** The hub directory when neither option is given. */
    static final String DEFAULT_HUB = "hub";

    @Option(names = {"-p", "--hub-path"}, paramLabel = "DIR", converter = Converters.Dir.class,
            description = "hub directory (default: " + DEFAULT_HUB + ", relative to the current directory); serving "
                    + "and --set-secret create it, the other actions need it to exist")
    Path path;

    @Option(names = "--jdbc-url", paramLabel = "URL", converter = Converters.NonBlank.class,
            description = "keep the hub in PostgreSQL instead, shared by every node given the same URL, e.g. "
                    + "jdbc:postgresql://127.0.0.1:5432/test?user=postgres (tables in the URL's currentSchema, "
                    + "default public; the password in the environment variable "
                    + HubLocation.Postgres.PASSWORD_VARIABLE + ", never in the URL); admin actions work while "
                    + "nodes serve")
    String jdbcUrl;

    @Option(names = "--jdbc-pool-size", paramLabel = "N", defaultValue = "10",
            description = "with --jdbc-url: the most database connections this process opens (default: "
                    + "${DEFAULT-VALUE}; one more is held for notifications)")
    int poolSize;

    @Option(names = "--jdbc-recheck", paramLabel = "DURATION", defaultValue = "1s",
            converter = DurationConverter.class,
            description = "with --jdbc-url: how often a node re-reads what other nodes changed, in case a "
                    + "notification was lost (default: ${DEFAULT-VALUE})")
    Duration recheck;

    /**
     * @return where the hub is
     * @throws IllegalArgumentException if both are given, or the URL is malformed or carries a password
     */
    HubLocation location() {
        if (jdbcUrl == null) {
            return HubLocation.directory(path == null ? Path.of(DEFAULT_HUB) : path);
        }
        if (path != null) {
            throw new IllegalArgumentException("--hub-path and --jdbc-url exclude each other: give one");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("--jdbc-pool-size must be at least 1, got " + poolSize);
        }
        if (recheck.isZero() || recheck.isNegative()) {
            throw new IllegalArgumentException("--jdbc-recheck must be positive");
        }
        return new HubLocation.Postgres(jdbcUrl, System.getenv(HubLocation.Postgres.PASSWORD_VARIABLE), poolSize,
                recheck);
    }
}
