package org.plasmid.examples.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.plasmid.core.PlasmidException;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.jdbc.JdbcStorage;
import org.plasmid.core.jdbc.PgNotifications;
import org.plasmid.core.mapdb.CheckpointPolicy;
import org.plasmid.core.mapdb.MapDbStorage;
import org.plasmid.core.spi.StorageException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where a hub's data lives: a MapDB hub directory (one process at a time), or a PostgreSQL database that
 * any number of nodes share. {@link #open()} gives the hub and whatever must be closed after it.
 */
public sealed interface HubLocation permits HubLocation.Directory, HubLocation.Postgres {

    /**
     * Opens the hub.
     *
     * @return the open hub; close it to release everything
     * @throws PlasmidException if it cannot be opened (in use, unreachable, refused): its message is one line
     *     for the user
     */
    OpenHub open();

    /** @return where it is, for messages and logs (never a password) */
    String describe();

    /**
     * @param path a hub directory
     * @return the location, opened with the default {@link CheckpointPolicy}
     */
    static HubLocation directory(Path path) {
        return directory(path, CheckpointPolicy.defaults());
    }

    /**
     * @param path a hub directory
     * @param policy when the hub records checkpoints and compacts its journal while open
     * @return the location
     */
    static HubLocation directory(Path path, CheckpointPolicy policy) {
        return new Directory(path.toAbsolutePath().normalize(), policy);
    }

    /** An open hub with what closes after it (a connection pool). */
    final class OpenHub implements AutoCloseable {
        private final PlasmidHub hub;
        private final AutoCloseable after;

        OpenHub(PlasmidHub hub, AutoCloseable after) {
            this.hub = hub;
            this.after = after;
        }

        /** @return the hub */
        public PlasmidHub hub() {
            return hub;
        }

        /** Closes the hub, then its pool. */
        @Override
        public void close() {
            try {
                hub.close();
            } finally {
                try {
                    after.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + after + " failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * A MapDB hub directory (created if missing).
     *
     * @param path the absolute directory
     * @param policy when the open hub records checkpoints and compacts its journal
     */
    record Directory(Path path, CheckpointPolicy policy) implements HubLocation {
        /** @throws NullPointerException if a value is missing */
        public Directory {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(policy, "policy");
        }

        @Override
        public OpenHub open() {
            return new OpenHub(PlasmidHub.builder().storage(MapDbStorage.open(path, policy), true).build(), () -> { });
        }

        @Override
        public String describe() {
            return "hub " + path;
        }
    }

    /**
     * A PostgreSQL database (the tables in the URL's {@code currentSchema}, default {@code public}).
     *
     * @param url a {@code jdbc:postgresql:} URL without a password
     * @param password the password ({@code PLASMID_DB_PASSWORD}), or null
     * @param poolSize the most connections the node's pool opens (one more is held for notifications)
     * @param recheck how often the node re-reads what other nodes changed, in case a notification is lost
     */
    record Postgres(String url, String password, int poolSize, Duration recheck) implements HubLocation {
        /** The environment variable holding the database password. */
        public static final String PASSWORD_VARIABLE = "PLASMID_DB_PASSWORD";

        /**
         * @throws IllegalArgumentException if the URL is not a PostgreSQL JDBC URL, or carries a password
         */
        public Postgres {
            Objects.requireNonNull(url, "url");
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("'" + shown(url) + "' is not a PostgreSQL JDBC URL (jdbc:postgresql:"
                        + "//HOST:PORT/DATABASE?user=USER)");
            }
            String query = url.indexOf('?') < 0 ? "" : url.substring(url.indexOf('?') + 1);
            for (String p : query.split("&")) {
                if (p.toLowerCase(Locale.ROOT).startsWith("password=")) {
                    throw new IllegalArgumentException("the JDBC URL carries a password, which anyone could read in "
                            + "the process list: put it in the environment variable " + PASSWORD_VARIABLE);
                }
            }
        }

        @Override
        public OpenHub open() {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            if (password != null) {
                config.setPassword(password);
            }
            config.setMaximumPoolSize(poolSize);
            config.setPoolName("plasmid");
            config.setInitializationFailTimeout(1); // fail at once, with the reason, if the database is not there
            config.setConnectionTimeout(5_000); // a request waits this long for a connection, then gets 503
            HikariDataSource pool;
            try {
                pool = new HikariDataSource(config);
            } catch (HikariPool.PoolInitializationException e) {
                throw new PlasmidException(PlasmidException.Reason.STORAGE, Postgres.explain(url, e.getCause()), e);
            }
            try {
                PGSimpleDataSource listening = new PGSimpleDataSource();
                listening.setUrl(url);
                if (password != null) {
                    listening.setPassword(password);
                }
                JdbcStorage storage = JdbcStorage.builder(pool).recheckInterval(recheck)
                        .notifications(PgNotifications.from(listening)).open();
                return new OpenHub(PlasmidHub.builder().storage(storage, true).build(), pool);
            } catch (StorageException | PlasmidException e) {
                pool.close();
                throw new PlasmidException(PlasmidException.Reason.STORAGE, "cannot use " + describe() + ": "
                        + e.getMessage(), e);
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }

        @Override
        public String describe() {
            return "PostgreSQL " + shown(url);
        }

        /** Never shows the password. */
        @Override
        public String toString() {
            return "Postgres[" + shown(url) + ", poolSize=" + poolSize + ", recheck=" + recheck + "]";
        }

        /** One line saying why PostgreSQL could not be used, with what to do. */
        static String explain(String url, Throwable cause) {
            SQLException sql = cause instanceof SQLException s ? s : null;
            String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
            String where = shown(url);
            if (state.startsWith("28")) {
                return "PostgreSQL refused the login (" + firstLine(cause) + ", SQLSTATE " + state + "): check the user "
                        + "in the URL and the password in " + PASSWORD_VARIABLE;
            }
            if (state.equals("3D000")) {
                return "the database of " + where + " does not exist (" + firstLine(cause) + ")";
            }
            if (state.startsWith("08") || cause instanceof java.net.ConnectException) {
                return "cannot reach PostgreSQL at " + where + " (" + firstLine(cause) + ")";
            }
            return "cannot use PostgreSQL at " + where + ": " + firstLine(cause) + (state.isEmpty() ? ""
                    : " (SQLSTATE " + state + ")");
        }

        private static String firstLine(Throwable t) {
            String m = t == null ? "no reason given" : String.valueOf(t.getMessage());
            int nl = m.indexOf('\n');
            return nl < 0 ? m : m.substring(0, nl);
        }

        private static String shown(String url) {
            return url.length() > 200 ? url.substring(0, 200) + "..." : url;
        }
    }
}
