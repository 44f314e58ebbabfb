package org.plasmid.examples.ctl;

import java.nio.file.Path;
import java.time.Duration;
import org.plasmid.core.mapdb.CheckpointPolicy;
import org.plasmid.examples.server.HubLocation;
import org.plasmid.examples.cli.DurationConverter;
import org.plasmid.examples.cli.SizeConverter;
import picocli.CommandLine.Option;

/**
 * Where the hub's data lives, serving or not: a MapDB hub directory ({@code --hub-path}, the default) or a
 * PostgreSQL database shared by any number of nodes ({@code --jdbc-url}), never both.
 */
final class HubOptions {
    /** The hub directory when neither option is given. */
    static final String DEFAULT_HUB = "hub";
    /** The least {@code --checkpoint-every}: each checkpoint copies the whole live state, so not after every push. */
    static final long MIN_CHECKPOINT_EVERY = 4L << 10;

    @Option(names = {"-p", "--hub-path"}, paramLabel = "DIR", converter = Converters.Dir.class,
            description = "hub directory (default: " + DEFAULT_HUB + ", relative to the current directory); serving "
                    + "and --set-secret create it, the other actions need it to exist")
    Path path;

    @Option(names = "--checkpoint-every", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "serving a hub directory: record a checkpoint and compact the journal after every SIZE of "
                    + "journal, such as 64KiB or 256MiB (default: after 4MiB of journal or half the last "
                    + "checkpoint's size, whichever is more, and when idle for 15s with a journal segment to "
                    + "reclaim); smaller means faster restarts after a crash and more writing")
    Long checkpointEvery;

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
     * @throws IllegalArgumentException if both are given, the URL is malformed or carries a password, or a
     *     hub directory's option is given with the URL
     */
    HubLocation location() {
        if (jdbcUrl == null) {
            return HubLocation.directory(path == null ? Path.of(DEFAULT_HUB) : path, checkpointPolicy());
        }
        if (path != null) {
            throw new IllegalArgumentException("--hub-path and --jdbc-url exclude each other: give one");
        }
        if (checkpointEvery != null) {
            throw new IllegalArgumentException("--checkpoint-every applies to a hub directory, not to --jdbc-url "
                    + "(PostgreSQL manages its own storage)");
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

    private CheckpointPolicy checkpointPolicy() {
        if (checkpointEvery == null) {
            return CheckpointPolicy.defaults();
        }
        if (checkpointEvery < MIN_CHECKPOINT_EVERY) {
            throw new IllegalArgumentException("--checkpoint-every needs a size of at least "
                    + SizeConverter.format(MIN_CHECKPOINT_EVERY) + ", got " + SizeConverter.format(checkpointEvery));
        }
        return CheckpointPolicy.defaults().every(checkpointEvery);
    }
}
