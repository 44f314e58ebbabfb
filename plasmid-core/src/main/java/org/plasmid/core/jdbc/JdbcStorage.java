package org.plasmid.core.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.plasmid.core.Grant;
import org.plasmid.core.spi.AppendResult;
import org.plasmid.core.spi.Credential;
import org.plasmid.core.spi.EntryReader;
import org.plasmid.core.spi.Storage;
import org.plasmid.core.spi.StorageEvents;
import org.plasmid.core.spi.StorageException;
import org.plasmid.core.spi.Subscription;
import org.plasmid.core.spi.Write;

/**
 * A {@link Storage} on PostgreSQL through plain JDBC ({@code java.sql} only), for running any number of
 * stateless nodes on one database. Build it from a {@link DataSource} the application supplies (a pool:
 * HikariCP or the container's); it never closes that data source.
 *
 * <h2>Tables</h2>
 * Created on first use in the connection's schema ({@code currentSchema=} in the JDBC URL, else
 * {@code public}), and brought up to date by a recorded schema version, with no hand steps. Every key of a
 * database's rows starts with the database's name and no hot-path query spans databases, so the tables
 * can be distributed by database (Citus) without change.
 *
 * <h2>The rules across nodes</h2>
 * <ul>
 * <li><b>One winner.</b> An append locks its database's row ({@code SELECT ... FOR UPDATE}), checks the
 * push id, the head and the quota, writes, and raises the head, all in one transaction: of concurrent
 * appends from one head exactly one commits; the others find the head moved.</li>
 * <li><b>No gap is ever visible.</b> Revision N+1's transaction can take the row lock only after
 * revision N's committed, so revisions commit in order. A read takes the head and its entries from one
 * snapshot (REPEATABLE READ), so it sees exactly the state at its head.</li>
 * <li>Multi-object pushes, tombstones, push ids, quotas, credentials and grants are each written in one
 * transaction.</li>
 * </ul>
 * Pulls and clones stream through a cursor ({@link Builder#fetchSize}): a database is never loaded into
 * memory.
 *
 * <h2>Other nodes</h2>
 * {@link #watch} tells the engine what other nodes change: each append and account change sends a
 * PostgreSQL notification on the channel {@code plasmid_<schema>} (one per schema, so several deployments
 * can share one database), which a {@link NotificationSource} (such as {@link PgNotifications}) delivers
 * at once; in any case the heads of waited-on databases and a version of the accounts are re-read every
 * {@link Builder#recheckInterval}, so a lost notification delays an update by at most that, never loses it.
 */
public final class JdbcStorage implements Storage {
    /** Push ids remembered per database, at least. */
    static final int REMEMBERED_PUSH_IDS = 1000;

    private final Transactions tx;
    private final int fetchSize;
    private final Duration recheckInterval;
    private final @Nullable NotificationSource notifications;
    private final String schema;
    private final String channel;
    private final JdbcAccounts accounts;
    private final Appends appends;
    private volatile @Nullable Watcher watcher;

    private JdbcStorage(Builder b, String schema) {
        this.tx = new Transactions(b.dataSource);
        this.fetchSize = b.fetchSize;
        this.recheckInterval = b.recheckInterval;
        this.notifications = b.notifications;
        this.schema = schema;
        this.channel = channelFor(schema);
        this.accounts = new JdbcAccounts(tx, channel);
        this.appends = new Appends(channel);
    }

    /**
     * Opens the storage with the default settings (tables created or migrated as needed).
     *
     * @param dataSource where connections come from; it stays the caller's to close
     * @return the storage
     * @throws StorageException if the database cannot be reached or its tables cannot be made ready
     */
    public static JdbcStorage open(DataSource dataSource) {
        return builder(dataSource).open();
    }

    /**
     * @param dataSource where connections come from; it stays the caller's to close
     * @return a builder
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** Settings of a {@link JdbcStorage}. Each setter may be called once. */
    public static final class Builder {
        private final DataSource dataSource;
        private int fetchSize = 1000;
        private Duration recheckInterval = Duration.ofSeconds(1);
        private @Nullable NotificationSource notifications;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * @param rows rows a pull or clone fetches per round trip (default 1,000)
         * @return this builder
         */
        public Builder fetchSize(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("fetchSize must be at least 1, got " + rows);
            }
            this.fetchSize = rows;
            return this;
        }

        /**
         * @param interval how often a watching node re-reads the heads of databases it has long-polls on,
         *     and the accounts' version (default 1 s): the most a lost notification delays a wake-up or a
         *     revocation
         * @return this builder
         */
        public Builder recheckInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("recheckInterval must be positive, got " + interval);
            }
            this.recheckInterval = interval;
            return this;
        }

        /**
         * @param source delivers other nodes' notifications at once (without it, nodes learn of each
         *     other's changes at the next re-check)
         * @return this builder
         */
        public Builder notifications(NotificationSource source) {
            this.notifications = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * @return the storage, its tables ready
         * @throws StorageException if the database cannot be reached or its tables cannot be made ready
         */
        public JdbcStorage open() {
            String schema = new Transactions(dataSource).autoCommit("preparing the tables", Migrations::run);
            return new JdbcStorage(this, schema);
        }
    }

    /** @return the schema the tables live in */
    public String schema() {
        return schema;
    }

    /** @return the notification channel of this schema's deployment */
    public String channel() {
        return channel;
    }

    /** One channel per schema; PostgreSQL channel names are identifiers of at most 63 bytes. */
    static String channelFor(String schema) {
        String name = "plasmid_" + schema;
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 63) {
            return name;
        }
        return "plasmid_" + Integer.toHexString(schema.hashCode()) + "_" + schema.length();
    }

    // ---- databases

    @Override
    public OptionalLong revision(String database) {
        return tx.autoCommit("reading the revision of " + database, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT head FROM plasmid_databases WHERE name = ?")) {
                ps.setString(1, database);
                try (ResultSet r = ps.executeQuery()) {
                    return r.next() ? OptionalLong.of(r.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    @Override
    public long storedBytes(String database) {
        return longColumn("stored_bytes", database);
    }

    @Override
    public long databaseQuota(String database) {
        return longColumn("quota", database);
    }

    private long longColumn(String column, String database) {
        return tx.autoCommit("reading " + database, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM plasmid_databases WHERE name = ?")) {
                ps.setString(1, database);
                try (ResultSet r = ps.executeQuery()) {
                    return r.next() ? r.getLong(1) : -1L;
                }
            }
        });
    }

    @Override
    public boolean createDatabase(String database, long quota) {
        return tx.autoCommit("creating " + database, c -> Appends.insertDatabase(c, database, quota));
    }

    @Override
    public boolean setDatabaseQuota(String database, long quota) {
        return tx.autoCommit("setting the quota of " + database, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE plasmid_databases SET quota = ? WHERE name = ?")) {
                ps.setLong(1, quota < 0 ? -1 : quota);
                ps.setString(2, database);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public AppendResult append(String database, long expectedHead, List<Write> writes, @Nullable String pushId,
            long maxStoredBytes) {
        if (writes.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        return tx.write("a push to " + database,
                c -> appends.append(c, database, expectedHead, writes, pushId, maxStoredBytes));
    }

    @Override
    public Optional<AppendResult> findPush(String database, String pushId) {
        return tx.autoCommit("finding a push id in " + database, c -> Appends.findPush(c, database, pushId));
    }

    @Override
    public long readChanges(String database, long since, EntryReader visitor) {
        return tx.snapshot("a pull of " + database, c -> {
            long head = Appends.head(c, database, false);
            if (since >= head) {
                return head;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT store, key, revision, value FROM plasmid_entries "
                    + "WHERE db = ? AND revision > ? AND revision <= ? ORDER BY revision")) {
                ps.setFetchSize(fetchSize);
                ps.setString(1, database);
                ps.setLong(2, since);
                ps.setLong(3, head);
                stream(ps, visitor);
            }
            return head;
        });
    }

    @Override
    public long readState(String database, EntryReader visitor) {
        return tx.snapshot("a clone of " + database, c -> {
            long head = Appends.head(c, database, false);
            try (PreparedStatement ps = c.prepareStatement("SELECT store, key, revision, value FROM plasmid_entries "
                    + "WHERE db = ? AND value IS NOT NULL ORDER BY store, key")) {
                ps.setFetchSize(fetchSize);
                ps.setString(1, database);
                stream(ps, visitor);
            }
            return head;
        });
    }

    private static void stream(PreparedStatement ps, EntryReader visitor) throws SQLException {
        try (ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                String store = Appends.text(r.getBytes(1));
                String key = Appends.text(r.getBytes(2));
                if (!visitor.entry(store, key, r.getLong(3), r.getBytes(4))) {
                    ps.cancel(); // stop the server from sending the rest of the cursor
                    return;
                }
            }
        }
    }

    @Override
    public void listDatabases(Consumer<String> visitor) {
        tx.snapshot("listing databases", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM plasmid_databases")) {
                ps.setFetchSize(fetchSize);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        visitor.accept(r.getString(1));
                    }
                }
            }
            return null;
        });
    }

    // ---- credentials and grants

    @Override
    public Optional<Credential> credential(String access) {
        return accounts.credential(access);
    }

    @Override
    public boolean createAccount(Credential credential, List<Grant> grants, @Nullable String database,
            long databaseQuota) {
        return accounts.create(credential, grants, database, databaseQuota);
    }

    @Override
    public boolean updateCredential(Credential credential) {
        return accounts.update(credential);
    }

    @Override
    public void listAccounts(Consumer<String> visitor) {
        accounts.list(visitor, fetchSize);
    }

    @Override
    public List<Grant> grants(String access) {
        return accounts.grants(access);
    }

    @Override
    public List<Grant> delegatedBy(String delegator) {
        return accounts.delegatedBy(delegator);
    }

    @Override
    public void putGrant(Grant grant) {
        accounts.put(grant);
    }

    @Override
    public boolean removeGrant(String access, String permission, String resource) {
        return accounts.remove(access, permission, resource);
    }

    // ---- other nodes

    @Override
    public synchronized Subscription watch(StorageEvents events) {
        if (watcher != null) {
            throw new IllegalStateException("this storage is watched already");
        }
        Watcher w = new Watcher(tx, channel, recheckInterval, notifications, events);
        watcher = w;
        w.start();
        return () -> {
            w.close();
            synchronized (this) {
                if (watcher == w) {
                    watcher = null;
                }
            }
        };
    }

    /** @return whether this storage listens for notifications now (for tests) */
    boolean listening() {
        Watcher w = watcher;
        return w != null && w.listening();
    }

    /** Stops watching; the data source stays open (it is the caller's). Idempotent. */
    @Override
    public void close() {
        Watcher w = watcher;
        if (w != null) {
            w.close();
        }
    }

    /** Checks that a database exists; a read of a missing one is a failure of the caller's contract. */
    static StorageException noDatabase(String database) {
        return new StorageException("no database " + database, null);
    }
}
