package org.plasmid.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.plasmid.core.mapdb.MapDbStorage;
import org.plasmid.core.spi.AppendResult;
import org.plasmid.core.spi.Storage;
import org.plasmid.core.spi.StorageEvents;
import org.plasmid.core.spi.StorageException;
import org.plasmid.core.spi.Subscription;
import org.plasmid.core.spi.Write;

/**
 * The sync engine: a hub of databases and the accounts that may use them.
 *
 * <p>Host-application code is trusted and calls the methods here directly (databases are created on
 * first use). Requests made on behalf of a client go through a {@link ClientSession} from
 * {@link #authenticate} or {@link #session}, which checks the client's permissions and then applies the
 * same rules through the same code.
 *
 * <p>The conflict-reject rule lives here and only here: a push is accepted iff its {@code lastRevision}
 * is at least the database's current revision; its objects are then written atomically and durably
 * as the next revision. Storage only offers the compare-and-append primitive the rule needs.
 *
 * <p>Thread-safe. Close it to release its storage (when it owns it).
 */
public final class PlasmidHub implements AutoCloseable {
    private final Storage storage;
    private final boolean ownsStorage;
    private final Authority authority;
    private final Accounts accounts;
    private final ChangeNotifier notifier = new ChangeNotifier();
    private final Subscription watch;
    private volatile HubObserver observer = HubObserver.NONE;
    private volatile boolean closed;

    private PlasmidHub(Builder b) {
        this.storage = b.storage;
        this.ownsStorage = b.ownsStorage;
        this.authority = new Authority(storage, () -> closed);
        this.accounts = new Accounts(storage, new SecretHasher(b.iterations), authority, b.maxGrantsPerAccount,
                () -> closed);
        try {
            this.watch = translate(() -> storage.watch(new Events()), () -> false);
        } catch (RuntimeException e) {
            if (ownsStorage) {
                storage.close();
            }
            throw e;
        }
    }

    /** What other writers of a shared storage did: wake waiters, forget cached grants. */
    private final class Events implements StorageEvents {
        @Override
        public void databaseChanged(String database, long revision) {
            notifier.published(database, revision);
        }

        @Override
        public void accountsChanged() {
            authority.changed();
        }

        @Override
        public Collection<String> watchedDatabases() {
            return notifier.watched();
        }
    }

    /**
     * Opens (creating if needed) a durable hub in a directory, on the default MapDB storage.
     *
     * @param directory the hub directory
     * @return the hub, owning its storage
     * @throws PlasmidException {@link PlasmidException.Reason#HUB_IN_USE} if another process has it open
     */
    public static PlasmidHub open(Path directory) {
        return builder().storage(MapDbStorage.open(directory), true).build();
    }

    /** @return a hub that keeps everything in memory (tests, demos) */
    public static PlasmidHub inMemory() {
        return builder().storage(MapDbStorage.inMemory(), true).build();
    }

    /** @return a builder, for a custom storage or settings */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a hub. Each setter may be called once. */
    public static final class Builder {
        private Storage storage;
        private boolean ownsStorage;
        private int iterations = SecretHasher.DEFAULT_ITERATIONS;
        private boolean iterationsSet;
        private int maxGrantsPerAccount = Accounts.DEFAULT_MAX_GRANTS;
        private boolean maxGrantsSet;

        private Builder() {
        }

        /**
         * @param storage the storage backend
         * @param adopt whether the hub owns it (closes it on {@link #close()}); a storage that is handed
         *     in without being adopted stays open and remains the caller's to close
         * @return this builder
         */
        public Builder storage(Storage storage, boolean adopt) {
            if (this.storage != null) {
                throw new IllegalStateException("storage was already set");
            }
            this.storage = Objects.requireNonNull(storage, "storage");
            this.ownsStorage = adopt;
            return this;
        }

        /**
         * @param iterations PBKDF2 iterations for new secrets (default 100,000; lower only for tests)
         * @return this builder
         */
        public Builder secretHashIterations(int iterations) {
            if (iterationsSet) {
                throw new IllegalStateException("secretHashIterations was already set");
            }
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
            }
            this.iterations = iterations;
            this.iterationsSet = true;
            return this;
        }

        /**
         * @param grants the most grants one account may hold (default
         *     {@value Accounts#DEFAULT_MAX_GRANTS}); a grant beyond it is refused, so nobody can make
         *     another account's permission checks slow by piling grants on it
         * @return this builder
         */
        public Builder maxGrantsPerAccount(int grants) {
            if (maxGrantsSet) {
                throw new IllegalStateException("maxGrantsPerAccount was already set");
            }
            if (grants < 1) {
                throw new IllegalArgumentException("maxGrantsPerAccount must be at least 1, got " + grants);
            }
            this.maxGrantsPerAccount = grants;
            this.maxGrantsSet = true;
            return this;
        }

        /** @return the hub */
        public PlasmidHub build() {
            if (storage == null) {
                throw new IllegalStateException("storage is required");
            }
            return new PlasmidHub(this);
        }
    }

    // ---- trusted database API

    /**
     * @param database a database name
     * @return its name and revision; the database is created if it does not exist
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} for a bad name
     */
    public DatabaseInfo info(String database) {
        ensure(database, true);
        return infoOf(database);
    }

    /**
     * @param database a database name
     * @return its info, or empty if it does not exist (nothing is created)
     */
    public Optional<DatabaseInfo> find(String database) {
        Names.database(database);
        return storage(() -> storage.revision(database).isPresent() ? Optional.of(infoOf(database))
                : Optional.<DatabaseInfo>empty());
    }

    /**
     * @param database a database name
     * @return whether this call created it
     */
    public boolean createDatabase(String database) {
        Names.database(database);
        return storage(() -> storage.createDatabase(database));
    }

    /**
     * Sets or removes a database's own quota: the most bytes it may store ({@link DatabaseInfo#storedBytes()}),
     * whoever pushes; the smaller of it and the pushing token's {@code DatabaseQuota} applies. A guest's
     * database gets one when it is created. Data already stored stays, even above the quota; pushes that
     * would grow it are refused.
     *
     * @param database an existing database
     * @param bytes the quota, or {@code -1} to remove it
     * @throws PlasmidException {@link PlasmidException.Reason#NOT_FOUND} if there is no such database
     */
    public void setDatabaseQuota(String database, long bytes) {
        Names.database(database);
        if (!storage(() -> storage.setDatabaseQuota(database, bytes < 0 ? -1 : bytes))) {
            throw new PlasmidException(PlasmidException.Reason.NOT_FOUND, "no database " + database);
        }
    }

    /**
     * @param database a database name
     * @return the database's own quota in bytes, or empty if it has none (or does not exist)
     */
    public OptionalLong databaseQuota(String database) {
        Names.database(database);
        long q = storage(() -> storage.databaseQuota(database));
        return q < 0 ? OptionalLong.empty() : OptionalLong.of(q);
    }

    /** @param visitor receives every database name, in no particular order */
    public void listDatabases(Consumer<String> visitor) {
        storage(() -> {
            storage.listDatabases(visitor);
            return null;
        });
    }

    /**
     * Pushes changes (see {@link #push(String, long, Collection, String)}) without a push id.
     *
     * @param database the database (created if missing)
     * @param lastRevision the revision the client has pulled up to
     * @param changes the changes
     * @return the outcome
     */
    public PushResult push(String database, long lastRevision, Collection<Change> changes) {
        return push(database, lastRevision, changes, null);
    }

    /**
     * Pushes changes under the conflict-reject rule: accepted iff {@code lastRevision} is at least the
     * current revision; then all changes are written, durably and atomically, as the next revision.
     * When one push names a (store, key) twice, the last one counts.
     *
     * @param database the database (created if missing)
     * @param lastRevision the revision the client has pulled up to
     * @param changes the changes; values of {@code null} delete
     * @param pushId an idempotency token, or {@code null}: a repeat of an accepted push id answers
     *     {@link PushResult.Status#DUPLICATE} with the original result and writes nothing
     * @return the outcome
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} for bad input,
     *     {@link PlasmidException.Reason#STORAGE} if storage failed (nothing was written)
     */
    public PushResult push(String database, long lastRevision, Collection<Change> changes, @Nullable String pushId) {
        ensure(database, true);
        return pushTo(database, lastRevision, changes, pushId, -1);
    }

    /**
     * Streams the changes after {@code since}: for every (store, key) whose latest revision is greater,
     * one entry with its latest value (null for a deletion), in ascending revision order.
     *
     * @param database the database (created if missing)
     * @param since the revision the client has (0 or more)
     * @param limit 0 for everything, else at most this many entries, but never splitting one revision
     *     (a revision larger than the limit is returned whole)
     * @param visitor receives the entries
     * @return where the client now stands
     */
    public PullResult pull(String database, long since, int limit, EntryVisitor visitor) {
        ensure(database, true);
        return pullFrom(database, since, limit, visitor);
    }

    /**
     * Streams the current state, deletions left out, all keys of a store together.
     *
     * @param database the database (created if missing)
     * @param visitor receives the entries
     * @return the revision the state is at
     */
    public long clone(String database, EntryVisitor visitor) {
        ensure(database, true);
        return cloneOf(database, visitor);
    }

    /**
     * A future that completes with the revision once the database's revision exceeds {@code after}
     * (at once if it already does). Cancel it to stop waiting. It completes exceptionally with
     * {@link PlasmidException.Reason#CLOSED} when the hub closes.
     *
     * @param database an existing database
     * @param after the revision to wait past
     * @return the future
     */
    public CompletableFuture<Long> awaitChange(String database, long after) {
        Names.database(database);
        checkOpen();
        return notifier.await(database, after, () -> storage(() -> storage.revision(database)).orElse(0));
    }

    /**
     * @param listener told about every accepted push
     * @return closing it removes the listener
     */
    public AutoCloseable addChangeListener(ChangeListener listener) {
        return notifier.addListener(Objects.requireNonNull(listener, "listener"));
    }

    // ---- accounts

    /** @return trusted credential and grant administration */
    public Accounts accounts() {
        return accounts;
    }

    /**
     * @param access the access token
     * @param secret the secret
     * @return a permission-checked session for the token, or empty if they do not match
     */
    public Optional<ClientSession> authenticate(@Nullable String access, @Nullable String secret) {
        checkOpen();
        return storage(() -> accounts.authenticate(access, secret) ? Optional.of(new ClientSession(this, access))
                : Optional.<ClientSession>empty());
    }

    /**
     * Authenticates without a slow hash what needs none (see {@link Accounts#authenticateQuickly}): a
     * secret the server generated, or one this process has already confirmed. An adapter tries it,
     * unless failures have throttled the token or address, before it admits a slow check and calls
     * {@link #authenticate}.
     *
     * @param access the access token
     * @param secret the secret
     * @return a permission-checked session, or empty when this check cannot confirm them (an unknown
     *     token, a chosen secret not yet confirmed, a wrong one)
     */
    public Optional<ClientSession> authenticateQuickly(@Nullable String access, @Nullable String secret) {
        checkOpen();
        return storage(() -> accounts.authenticateQuickly(access, secret)
                ? Optional.of(new ClientSession(this, access)) : Optional.<ClientSession>empty());
    }

    /**
     * A permission-checked session for a token the host application has authenticated itself.
     *
     * @param access an existing account's token
     * @return the session
     * @throws PlasmidException {@link PlasmidException.Reason#NOT_FOUND} if there is no such account
     */
    public ClientSession session(String access) {
        if (!accounts.exists(access)) {
            throw new PlasmidException(PlasmidException.Reason.NOT_FOUND, "no account " + access);
        }
        return new ClientSession(this, access);
    }

    /**
     * Asks storage one cheap question that it can answer only if it works (a credential lookup): what a
     * readiness check calls. It returns normally or throws; it changes nothing.
     *
     * @throws PlasmidException {@link PlasmidException.Reason#CLOSED} if the hub is closed,
     *     {@link PlasmidException.Reason#STORAGE} if storage fails
     */
    public void probe() {
        checkOpen();
        storage(() -> storage.credential(PROBE_ACCESS));
    }

    /** The account the probe looks up; no account can have this name (accounts never start with '.'). */
    private static final String PROBE_ACCESS = ".plasmid-probe";

    /** Closes the hub: waiters are told, and an adopted storage is closed. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watch.close();
        notifier.closeAll();
        if (ownsStorage) {
            storage.close();
        }
    }

    // ---- shared by the trusted API and ClientSession

    /** Makes sure the database exists (creating it if allowed); false if missing and not created. */
    boolean ensure(String database, boolean mayCreate) {
        Names.database(database);
        checkOpen();
        return storage(() -> {
            if (storage.revision(database).isPresent()) {
                return true;
            }
            if (!mayCreate) {
                return false;
            }
            storage.createDatabase(database);
            return true;
        });
    }

    boolean exists(String database) {
        return storage(() -> storage.revision(database).isPresent());
    }

    DatabaseInfo infoOf(String database) {
        return storage(() -> {
            OptionalLong revision = storage.revision(database);
            if (revision.isEmpty()) {
                throw new PlasmidException(PlasmidException.Reason.NOT_FOUND, "no database " + database);
            }
            return new DatabaseInfo(database, revision.getAsLong(), storage.storedBytes(database));
        });
    }

    /**
     * The push path shared by the trusted API and sessions.
     *
     * @param maxStoredBytes the pushing token's quota, or -1; the database's own quota applies as well
     */
    PushResult pushTo(String database, long lastRevision, Collection<Change> changes, @Nullable String pushId,
            long maxStoredBytes) {
        if (lastRevision < 0) {
            throw PlasmidException.invalid("last_revision must not be negative");
        }
        if (pushId != null && (pushId.isEmpty() || pushId.length() > 256)) {
            throw PlasmidException.invalid("push_id must be 1-256 characters");
        }
        List<Write> writes = toWrites(changes);
        HubObserver obs = observer;
        long start = obs == HubObserver.NONE ? 0 : System.nanoTime();
        PushResult result = storage(() -> {
            if (pushId != null) {
                Optional<AppendResult> seen = storage.findPush(database, pushId);
                if (seen.isPresent()) {
                    return PushResult.duplicate(seen.get().revision(), seen.get().saved());
                }
            }
            while (true) {
                long head = storage.revision(database).orElseThrow();
                if (lastRevision < head) {
                    return PushResult.outOfDate(head); // the conflict-reject rule
                }
                if (writes.isEmpty()) {
                    return PushResult.accepted(head, 0);
                }
                long quota = Authority.smaller(maxStoredBytes, storage.databaseQuota(database));
                AppendResult r = appendOrPublish(database, head, writes, pushId, quota);
                switch (r.status()) {
                    case APPENDED:
                        notifier.published(database, r.revision());
                        return PushResult.accepted(r.revision(), r.saved());
                    case UNCHANGED:
                        return PushResult.accepted(r.revision(), r.saved());
                    case DUPLICATE:
                        return PushResult.duplicate(r.revision(), r.saved());
                    case QUOTA_EXCEEDED:
                        return PushResult.quotaExceeded(r.revision());
                    case HEAD_MOVED:
                    default:
                        // another push landed between reading the head and appending: decide again
                }
            }
        });
        if (obs != HubObserver.NONE) {
            long bytes = 0;
            if (result.status() == PushResult.Status.ACCEPTED) {
                for (Write w : writes) {
                    bytes += w.storedSize();
                }
            }
            obs.pushed(result.status(), changes.size(), bytes, System.nanoTime() - start);
        }
        return result;
    }

    /**
     * Appends; when the append fails with its outcome unknown and the write did land, waiters and
     * listeners still hear of the new revision (the client that pushed gets a failure and resolves it by
     * retrying with its push id; everyone else must see the data without waiting for the next push).
     */
    private AppendResult appendOrPublish(String database, long head, List<Write> writes, String pushId,
            long maxStoredBytes) {
        try {
            return storage.append(database, head, writes, pushId, maxStoredBytes);
        } catch (StorageException e) {
            if (e.outcomeUnknown()) {
                try {
                    long now = storage.revision(database).orElse(head);
                    if (now > head) {
                        notifier.published(database, now);
                    }
                } catch (StorageException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    private static List<Write> toWrites(Collection<Change> changes) {
        Map<List<String>, Write> unique = new LinkedHashMap<>();
        for (Change c : changes) {
            byte[] value = c.value() == null ? null : c.value().unsafeBytes();
            unique.put(List.of(c.store(), c.key()), new Write(c.store(), c.key(), value));
        }
        return new ArrayList<>(unique.values());
    }

    PullResult pullFrom(String database, long since, int limit, EntryVisitor visitor) {
        if (since < 0) {
            throw PlasmidException.invalid("revision must be a non-negative integer");
        }
        if (limit < 0) {
            throw PlasmidException.invalid("limit must not be negative");
        }
        HubObserver obs = observer;
        boolean observed = obs != HubObserver.NONE;
        long start = observed ? System.nanoTime() : 0;
        long[] state = new long[4]; // count, last revision returned, more (0/1), bytes (when observed)
        long head = storage(() -> storage.readChanges(database, since, (store, key, revision, value) -> {
            if (limit > 0 && state[0] >= limit && revision != state[1]) {
                state[2] = 1;
                return false;
            }
            if (!visitor.visit(new Change(store, key, revision, value == null ? null : JsonValue.stored(value)))) {
                state[2] = 1;
                return false;
            }
            state[0]++;
            state[1] = revision;
            if (observed) {
                state[3] += Write.sizeOf(store, key, value == null ? 0 : value.length);
            }
            return true;
        }));
        boolean more = state[2] == 1;
        long until = more ? state[1] : head;
        if (observed) {
            obs.pulled(state[0], state[3], System.nanoTime() - start, false);
        }
        return new PullResult(since, until, more, state[0]);
    }

    long cloneOf(String database, EntryVisitor visitor) {
        HubObserver obs = observer;
        if (obs == HubObserver.NONE) {
            return storage(() -> storage.readState(database, (store, key, revision, value) ->
                    visitor.visit(new Change(store, key, revision, JsonValue.stored(value)))));
        }
        long start = System.nanoTime();
        long[] counted = new long[2]; // entries, bytes
        long revision = storage(() -> storage.readState(database, (store, key, rev, value) -> {
            counted[0]++;
            counted[1] += Write.sizeOf(store, key, value.length);
            return visitor.visit(new Change(store, key, rev, JsonValue.stored(value)));
        }));
        obs.pulled(counted[0], counted[1], System.nanoTime() - start, true);
        return revision;
    }

    /**
     * Starts telling {@code added} what the engine does, besides those told already; with the MapDB
     * storage, of its journal's syncs too.
     */
    synchronized void observe(HubObserver added) {
        HubObserver before = observer;
        observer = HubObserver.both(before, added);
        if (before == HubObserver.NONE && storage instanceof MapDbStorage mapdb) {
            mapdb.syncListener((nanos, records) -> observer.synced(nanos, records));
        }
    }

    /**
     * Totals over every database, for monitoring: it lists the databases and asks each its stored size,
     * so it costs in proportion to their number.
     *
     * @return {databases, stored bytes}
     * @throws PlasmidException {@link PlasmidException.Reason#STORAGE} if storage fails
     */
    long[] totals() {
        return storage(() -> {
            List<String> names = new ArrayList<>();
            storage.listDatabases(names::add);
            long bytes = 0;
            for (String name : names) {
                bytes += Math.max(0, storage.storedBytes(name));
            }
            return new long[] {names.size(), bytes};
        });
    }

    Authority authority() {
        return authority;
    }

    Storage storage() {
        return storage;
    }

    private void checkOpen() {
        if (closed) {
            throw new PlasmidException(PlasmidException.Reason.CLOSED, "hub is closed");
        }
    }

    /** Runs a storage call, turning storage failures into {@link PlasmidException.Reason#STORAGE}. */
    <T> T storage(Supplier<T> call) {
        return translate(call, () -> closed);
    }

    /**
     * Runs storage calls, turning a {@link StorageException} into a {@link PlasmidException}:
     * {@link PlasmidException.Reason#CLOSED} once the hub is closed, else
     * {@link PlasmidException.Reason#STORAGE}. No storage failure leaves the engine any other way.
     */
    static <T> T translate(Supplier<T> call, BooleanSupplier closed) {
        try {
            return call.get();
        } catch (StorageException e) {
            throw new PlasmidException(closed.getAsBoolean() ? PlasmidException.Reason.CLOSED
                    : PlasmidException.Reason.STORAGE, e.getMessage(), e);
        }
    }
}
