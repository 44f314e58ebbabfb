package org.plasmid.core.mapdb;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.plasmid.core.Grant;
import org.plasmid.core.PlasmidException;
import org.plasmid.core.spi.AppendResult;
import org.plasmid.core.spi.Credential;
import org.plasmid.core.spi.EntryReader;
import org.plasmid.core.spi.Storage;
import org.plasmid.core.spi.StorageException;
import org.plasmid.core.spi.Write;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link Storage}: a hub directory holding an append-only journal and MapDB indexes.
 *
 * <h2>Why the journal, not MapDB, is the source of truth</h2>
 * MapDB 3.1.0's own transaction log was measured to leave unreadable B-trees after kill -9 (3 of 20
 * trials), never replays its WAL on open, and reaches only hundreds of commits per second. So every
 * change is first appended to the {@link Journal} (checksummed records, fsync'd, group commit) and only
 * then applied to the MapDB {@link Index}, which is written without transactions and never synced while
 * the hub runs. A push is acknowledged once its journal record is durable.
 *
 * <h2>Recovery</h2>
 * A clean {@link #close()} syncs the index and writes {@code index.clean} naming the journal position
 * it reflects. Opening deletes that marker (durably) before touching the index, so an index without a
 * marker is one whose process died with unsynced writes: it is discarded and rebuilt by replaying the
 * journal. With a marker, the recorded position is verified against the index and the journal before
 * the index is trusted; any mismatch also means a rebuild. A rebuild takes time proportional to the
 * journal, and loses nothing: the journal holds every acknowledged change.
 *
 * <h2>Files</h2>
 * {@code hub.lock} (OS lock: one process per hub), {@code journal/*.log}, {@code index.mapdb},
 * {@code index.clean}. Database names never become file names.
 */
public final class MapDbStorage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(MapDbStorage.class);
    private static final String INDEX = "index.mapdb";
    private static final String CLEAN = "index.clean";

    private final Path dir;
    private final HubLock lock;
    private final Journal journal;
    private final Index index;
    private final Map<String, Index.Db> databases;
    private final ReentrantLock createLock = new ReentrantLock();
    private final ReentrantLock accountLock = new ReentrantLock();
    /** Writers hold it shared; close holds it exclusively, so it waits for writes in flight. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private volatile boolean damaged;

    private MapDbStorage(Path dir, HubLock lock, Journal journal, Index index) {
        this.dir = dir;
        this.lock = lock;
        this.journal = journal;
        this.index = index;
        this.databases = new ConcurrentHashMap<>(index.loadDatabases());
    }

    /**
     * Opens the hub in {@code directory}, creating it if needed, and recovers it if its last process
     * did not close it cleanly.
     *
     * @param directory the hub directory
     * @return the storage; close it to release the directory
     * @throws PlasmidException {@link PlasmidException.Reason#HUB_IN_USE} if another process (or another
     *     open storage in this one) holds the hub, {@link PlasmidException.Reason#STORAGE} if it cannot
     *     be read
     */
    public static MapDbStorage open(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        HubLock lock = null;
        Journal journal = null;
        try {
            OwnerOnly.directory(dir);
            lock = HubLock.acquire(dir);
            journal = Journal.open(dir.resolve("journal"));
            Index index = openIndex(dir, journal);
            OwnerOnly.tree(dir); // the index file MapDB created, and hubs from before this rule
            return new MapDbStorage(dir, lock, journal, index);
        } catch (IOException | RuntimeException e) {
            closeQuietly(journal);
            closeQuietly(lock);
            if (e instanceof PlasmidException p) {
                throw p;
            }
            throw new PlasmidException(PlasmidException.Reason.STORAGE, "cannot open hub " + dir + ": " + e, e);
        }
    }

    /**
     * An in-memory storage for tests and demos: same behaviour, nothing written to disk.
     *
     * @return the storage
     */
    public static MapDbStorage inMemory() {
        Index index = Index.memory();
        index.setVersion();
        return new MapDbStorage(null, null, null, index);
    }

    private static Index openIndex(Path dir, Journal journal) throws IOException {
        Path indexFile = dir.resolve(INDEX);
        Path marker = dir.resolve(CLEAN);
        if (Files.exists(marker)) {
            long position = Long.parseLong(Files.readString(marker, StandardCharsets.US_ASCII).trim());
            Files.delete(marker);
            Journal.syncDirectory(dir);
            Index index = null;
            try {
                index = Index.file(indexFile);
                if (index.version() != Index.VERSION) {
                    LOG.info("hub {}: index layout {} is older than {}; rebuilding it from the journal", dir,
                            index.version(), Index.VERSION);
                } else if (index.appliedPosition() == position && position <= journal.end()) {
                    new Replayer(index, index.loadDatabases()).replay(journal, position);
                    return index;
                }
                LOG.warn("hub {}: index records position {} but the marker says {} and the journal ends at {};"
                        + " rebuilding", dir, index.appliedPosition(), position, journal.end());
            } catch (RuntimeException | IOException e) {
                LOG.warn("hub {}: index unusable ({}); rebuilding it from the journal", dir, e.toString());
            }
            closeQuietly(index);
        } else if (Files.exists(indexFile)) {
            LOG.warn("hub {} was not closed cleanly; rebuilding its index from the journal", dir);
        }
        Files.deleteIfExists(indexFile);
        long start = System.nanoTime();
        Index index = Index.file(indexFile);
        index.setVersion();
        long records = new Replayer(index, new java.util.HashMap<>()).replay(journal, 0);
        if (records > 0) {
            LOG.info("hub {}: index rebuilt from {} journal records in {} ms", dir, records,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        return index;
    }

    /** Told of every fsync of the journal, on its sync thread: quick, and never throwing. */
    @FunctionalInterface
    public interface SyncListener {
        /**
         * @param nanos how long the fsync took
         * @param records how many journal records it made durable: concurrent writers share one fsync
         *     (group commit), so this is the group's size
         */
        void synced(long nanos, int records);
    }

    /**
     * Tells {@code listener} of every journal fsync from now on (what the engine's metrics record as
     * fsync latency and group-commit size). An in-memory storage has no journal and tells nothing.
     *
     * @param listener the listener, replacing any earlier one; {@code null} to remove it
     */
    public void syncListener(@Nullable SyncListener listener) {
        if (journal != null) {
            journal.syncListener(listener);
        }
    }

    // ---- databases

    @Override
    public OptionalLong revision(String database) {
        Index.Db d = databases.get(database);
        return d == null ? OptionalLong.empty() : OptionalLong.of(d.head);
    }

    @Override
    public long storedBytes(String database) {
        Index.Db d = databases.get(database);
        return d == null ? -1 : d.size;
    }

    @Override
    public boolean createDatabase(String database, long quota) {
        if (databases.containsKey(database)) {
            return false;
        }
        return write(() -> {
            createLock.lock();
            try {
                if (databases.containsKey(database)) {
                    return false;
                }
                journalWrite(Records.createDatabase(database, quota < 0 ? -1 : quota));
                Index.Db d = index.createDatabase(database, quota < 0 ? -1 : quota);
                databases.put(database, d);
                return true;
            } finally {
                createLock.unlock();
            }
        });
    }

    @Override
    public long databaseQuota(String database) {
        Index.Db d = databases.get(database);
        return d == null ? -1 : d.quota;
    }

    @Override
    public boolean setDatabaseQuota(String database, long quota) {
        Index.Db d = databases.get(database);
        if (d == null) {
            return false;
        }
        return write(() -> {
            d.lock.lock();
            try {
                long q = quota < 0 ? -1 : quota;
                journalWrite(Records.databaseQuota(database, q));
                apply(() -> index.setQuota(d, q));
                return true;
            } finally {
                d.lock.unlock();
            }
        });
    }

    @Override
    public AppendResult append(String database, long expectedHead, List<Write> writes, @Nullable String pushId,
            long maxStoredBytes) {
        if (writes.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        Index.Db d = existing(database);
        return write(() -> {
            d.lock.lock();
            try {
                if (pushId != null) {
                    long[] answer = index.findPush(d, pushId);
                    if (answer != null) {
                        return AppendResult.duplicate(answer[0], (int) answer[1]);
                    }
                }
                if (d.head != expectedHead) {
                    return AppendResult.headMoved(d.head);
                }
                List<Write> effective = index.effective(d, writes);
                if (effective.isEmpty()) {
                    return AppendResult.unchanged(d.head, writes.size());
                }
                if (maxStoredBytes >= 0) {
                    long delta = index.sizeDelta(d, effective);
                    if (delta > 0 && d.size + delta > maxStoredBytes) {
                        return AppendResult.quotaExceeded(d.head);
                    }
                }
                long revision = d.head + 1;
                int saved = writes.size();
                // The index is updated while the journal's fsync runs; the push becomes visible (and is
                // acknowledged) only once both are done. Readers never look past the published head.
                long position = journalAppend(Records.push(database, revision, pushId, saved, effective));
                apply(() -> index.applyPush(d, revision, pushId, saved, effective));
                journalAwait(position);
                d.head = revision;
                return AppendResult.appended(revision, saved);
            } finally {
                d.lock.unlock();
            }
        });
    }

    @Override
    public Optional<AppendResult> findPush(String database, String pushId) {
        Index.Db d = existing(database);
        return read(() -> {
            long[] answer = index.findPush(d, pushId);
            return answer == null ? Optional.empty()
                    : Optional.of(AppendResult.duplicate(answer[0], (int) answer[1]));
        });
    }

    @Override
    public long readChanges(String database, long since, EntryReader visitor) {
        Index.Db d = existing(database);
        return read(() -> index.readChanges(d, since, visitor));
    }

    @Override
    public long readState(String database, EntryReader visitor) {
        Index.Db d = existing(database);
        return read(() -> index.readState(d, visitor));
    }

    @Override
    public void listDatabases(Consumer<String> visitor) {
        read(() -> {
            index.databaseNames().forEach(visitor);
            return null;
        });
    }

    private Index.Db existing(String database) {
        Index.Db d = databases.get(database);
        if (d == null) {
            throw new StorageException("no database " + database, null);
        }
        return d;
    }

    // ---- credentials and grants

    @Override
    public Optional<Credential> credential(String access) {
        return read(() -> Optional.ofNullable(index.credential(access)));
    }

    @Override
    public boolean createAccount(Credential credential, List<Grant> grants, @Nullable String database,
            long databaseQuota) {
        return account(() -> {
            createLock.lock();
            try {
                if (index.hasCredential(credential.access()) || (database != null && databases.containsKey(database))) {
                    return false;
                }
                long quota = databaseQuota < 0 ? -1 : databaseQuota;
                journalWrite(Records.account(credential, grants, database, quota));
                apply(() -> {
                    index.putCredential(credential);
                    grants.forEach(index::putGrant);
                    if (database != null) {
                        databases.put(database, index.createDatabase(database, quota));
                    }
                });
                return true;
            } finally {
                createLock.unlock();
            }
        });
    }

    @Override
    public boolean updateCredential(Credential credential) {
        return account(() -> {
            if (!index.hasCredential(credential.access())) {
                return false;
            }
            journalWrite(Records.credential(credential));
            apply(() -> index.putCredential(credential));
            return true;
        });
    }

    @Override
    public void listAccounts(Consumer<String> visitor) {
        read(() -> {
            index.accounts().forEach(visitor);
            return null;
        });
    }

    @Override
    public List<Grant> grants(String access) {
        return read(() -> index.grants(access));
    }

    @Override
    public List<Grant> delegatedBy(String delegator) {
        return read(() -> index.delegatedBy(delegator));
    }

    @Override
    public void putGrant(Grant grant) {
        account(() -> {
            journalWrite(Records.grant(grant));
            apply(() -> index.putGrant(grant));
            return null;
        });
    }

    @Override
    public boolean removeGrant(String access, String permission, String resource) {
        return account(() -> {
            if (!index.hasGrant(access, permission, resource)) {
                return false;
            }
            journalWrite(Records.revoke(access, permission, resource));
            apply(() -> index.removeGrant(access, permission, resource));
            return true;
        });
    }

    // ---- plumbing

    private <T> T account(Supplier<T> action) {
        return write(() -> {
            accountLock.lock();
            try {
                return action.get();
            } finally {
                accountLock.unlock();
            }
        });
    }

    /** Appends a record and waits until it is durable. */
    private void journalWrite(byte[] record) {
        journalAwait(journalAppend(record));
    }

    /** Appends a record and asks for its sync without waiting; returns its journal position. */
    private long journalAppend(byte[] record) {
        if (journal == null) {
            return 0;
        }
        long position = journal.append(record);
        journal.requestSync(position);
        return position;
    }

    /**
     * Waits for a record to be durable. If its sync fails after the index was already updated, the index
     * holds an unacknowledged change: the hub refuses further work until it is reopened and rebuilt.
     */
    private void journalAwait(long position) {
        if (journal == null) {
            return;
        }
        try {
            journal.sync(position);
        } catch (StorageException e) {
            damaged = true;
            throw e;
        }
    }

    /** Applies a durable change to the index; a failure here leaves the index behind the journal. */
    private void apply(Runnable change) {
        try {
            change.run();
        } catch (RuntimeException e) {
            damaged = true;
            throw new StorageException("index update failed after the change was made durable; reopen the hub"
                    + " to rebuild the index", e, true);
        }
    }

    private <T> T write(Supplier<T> action) {
        gate.readLock().lock();
        try {
            checkOpen();
            if (damaged) {
                throw new StorageException("the index is damaged; reopen the hub to rebuild it", null);
            }
            return action.get();
        } finally {
            gate.readLock().unlock();
        }
    }

    private <T> T read(Supplier<T> action) {
        checkOpen();
        if (damaged) {
            throw new StorageException("the index is damaged; reopen the hub to rebuild it", null);
        }
        try {
            return action.get();
        } catch (StorageException | PlasmidException e) {
            throw e;
        } catch (RuntimeException e) {
            if (closed) {
                throw new StorageException("hub closed during a read", e);
            }
            if (e.getClass().getName().startsWith("org.mapdb.")) {
                throw new StorageException("index read failed: " + e, e);
            }
            throw e;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StorageException("hub is closed", null);
        }
    }

    @Override
    public void close() {
        gate.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (journal == null) {
                index.close();
                return;
            }
            boolean clean = !damaged;
            try {
                journal.close();
            } catch (IOException e) {
                clean = false;
                LOG.error("hub {}: closing the journal failed", dir, e);
            }
            try {
                if (clean) {
                    index.setAppliedPosition(journal.end());
                    index.commit();
                }
                index.close();
                if (clean) {
                    writeMarker(journal.end());
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("hub {}: closing the index failed; it will be rebuilt on next open", dir, e);
            }
        } finally {
            closeQuietly(lock);
            gate.writeLock().unlock();
        }
    }

    private void writeMarker(long position) throws IOException {
        Path tmp = dir.resolve(CLEAN + ".tmp");
        Files.writeString(tmp, Long.toString(position), StandardCharsets.US_ASCII);
        OwnerOnly.restrict(tmp);
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(CLEAN), StandardCopyOption.ATOMIC_MOVE);
        Journal.syncDirectory(dir);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("close failed", e);
            }
        }
    }

    /** Applies journal records to an index, in order (rebuild and catch-up). */
    private static final class Replayer {
        private final Index index;
        private final Map<String, Index.Db> databases;
        private long records;

        Replayer(Index index, Map<String, Index.Db> databases) {
            this.index = index;
            this.databases = databases;
        }

        long replay(Journal journal, long from) throws IOException {
            journal.replay(from, (end, payload) -> apply(payload));
            index.setAppliedPosition(journal.end());
            return records;
        }

        private void apply(ByteBuffer payload) throws IOException {
            records++;
            byte type = Records.type(payload);
            DataInputStream in = Records.body(payload);
            switch (type) {
                case Records.CREATE_DATABASE, Records.CREATE_DATABASE_V2 -> {
                    Records.DatabaseQuota c = Records.readDatabaseQuota(type, in);
                    if (!databases.containsKey(c.database())) {
                        databases.put(c.database(), index.createDatabase(c.database(), c.quota()));
                    }
                }
                case Records.DATABASE_QUOTA -> {
                    Records.DatabaseQuota q = Records.readDatabaseQuota(type, in);
                    Index.Db d = databases.get(q.database());
                    if (d == null) {
                        throw new IOException("journal quota for " + q.database() + ", which does not exist");
                    }
                    index.setQuota(d, q.quota());
                }
                case Records.PUSH, Records.PUSH_V2 -> {
                    Records.Push p = Records.readPush(type, in);
                    Index.Db d = databases.get(p.database());
                    if (d == null || p.revision() != d.head + 1) {
                        throw new IOException("journal push to " + p.database() + " as revision " + p.revision()
                                + " does not follow the database's head " + (d == null ? "(none)" : d.head));
                    }
                    // pushes written before deletions of absent keys were left out hold them: drop them alike
                    List<Write> writes = index.effective(d, p.writes());
                    index.applyPush(d, p.revision(), p.pushId(), p.saved(), writes);
                    d.head = p.revision();
                }
                case Records.ACCOUNT, Records.ACCOUNT_V2 -> {
                    Records.Account a = Records.readAccount(type, in);
                    index.putCredential(a.credential());
                    a.grants().forEach(index::putGrant);
                    if (a.database() != null && !databases.containsKey(a.database())) {
                        databases.put(a.database(), index.createDatabase(a.database(), a.databaseQuota()));
                    }
                }
                case Records.CREDENTIAL -> index.putCredential(Records.readCredential(in));
                case Records.GRANT, Records.GRANT_V2 -> index.putGrant(Records.readGrant(type, in));
                case Records.REVOKE -> {
                    Records.Revoke r = Records.readRevoke(in);
                    index.removeGrant(r.access(), r.permission(), r.resource());
                }
                default -> throw new IOException("unknown journal record type " + type);
            }
        }
    }
}
