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
    /**
     * An index file this much larger than 4 × the checkpoint + 2 × the journal after it is rebuilt on
     * open (64 MiB; tests lower it).
     */
    static volatile long bloatAllowance = 64L << 20;

    final Path dir;
    private final HubLock lock;
    final Journal journal;
    final Index index;
    final Map<String, Index.Db> databases;
    final ReentrantLock createLock = new ReentrantLock();
    final ReentrantLock accountLock = new ReentrantLock();
    private final Checkpointer checkpointer;
    /** Writers hold it shared; close holds it exclusively, so it waits for writes in flight. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private volatile boolean damaged;

    private MapDbStorage(Path dir, HubLock lock, Journal journal, Recovered recovered, CheckpointPolicy policy) {
        this.dir = dir;
        this.lock = lock;
        this.journal = journal;
        this.index = recovered.index();
        this.databases = new ConcurrentHashMap<>(index.loadDatabases());
        this.checkpointer = journal == null ? null
                : new Checkpointer(this, policy, recovered.checkpointPosition(), recovered.checkpointSize());
    }

    /** The index an open found or rebuilt, and the checkpoint it started from (position 0 and size 0 if none). */
    private record Recovered(Index index, long checkpointPosition, long checkpointSize) {
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
        return open(directory, CheckpointPolicy.defaults());
    }

    /**
     * Opens the hub in {@code directory} as {@link #open(Path)} does, recording checkpoints and compacting
     * its journal as {@code policy} says.
     *
     * @param directory the hub directory
     * @param policy when to record checkpoints ({@link CheckpointPolicy#defaults()} for the default)
     * @return the storage; close it to release the directory
     * @throws PlasmidException as {@link #open(Path)}
     */
    public static MapDbStorage open(Path directory, CheckpointPolicy policy) {
        return open(directory, policy, Journal.SEGMENT_SIZE);
    }

    /** With journal segments of {@code segmentSize} bytes (tests use small ones). */
    static MapDbStorage open(Path directory, CheckpointPolicy policy, long segmentSize) {
        Path dir = directory.toAbsolutePath().normalize();
        HubLock lock = null;
        Journal journal = null;
        try {
            OwnerOnly.directory(dir);
            lock = HubLock.acquire(dir);
            journal = Journal.open(dir.resolve("journal"), segmentSize);
            Recovered recovered = openIndex(dir, journal);
            OwnerOnly.tree(dir); // the index file MapDB created, and hubs from before this rule
            MapDbStorage storage = new MapDbStorage(dir, lock, journal, recovered, policy);
            storage.checkpointer.start();
            return storage;
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
        return new MapDbStorage(null, null, null, new Recovered(index, 0, 0), CheckpointPolicy.disabled());
    }

    private static Recovered openIndex(Path dir, Journal journal) throws IOException {
        Path indexFile = dir.resolve(INDEX);
        Path marker = dir.resolve(CLEAN);
        deleteUnfinishedCheckpoints(dir);
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
                } else if (bloated(dir, journal)) {
                    LOG.info("hub {}: the index file ({} MiB) is much larger than the live state it holds; rebuilding it"
                            + " at its live size", dir, Files.size(indexFile) >> 20);
                } else if (index.appliedPosition() == position && position <= journal.end()
                        && position >= journal.start()) {
                    new Replayer(index, index.loadDatabases(), false).replay(journal, position);
                    List<Path> checkpoints = Checkpoint.files(dir);
                    return checkpoints.isEmpty() ? new Recovered(index, 0, 0) : new Recovered(index,
                            Checkpoint.position(checkpoints.get(0)), Files.size(checkpoints.get(0)));
                }
                LOG.warn("hub {}: index records position {} but the marker says {} and the journal holds {} to {};"
                        + " rebuilding", dir, index.appliedPosition(), position, journal.start(), journal.end());
            } catch (RuntimeException | IOException e) {
                LOG.warn("hub {}: index unusable ({}); rebuilding it from the journal", dir, e.toString());
            }
            closeQuietly(index);
        } else if (Files.exists(indexFile)) {
            LOG.warn("hub {} was not closed cleanly; rebuilding its index from the journal", dir);
        }
        Files.deleteIfExists(indexFile);
        SortedPairs.deleteLeftovers(dir, Checkpoint.SORT_RUNS);
        long start = System.nanoTime();
        Map<String, Index.Db> dbs = new java.util.HashMap<>();
        Checkpoint.Loaded loaded = loadCheckpoint(dir, journal, indexFile, dbs);
        Index index = loaded == null ? Index.file(indexFile) : loaded.index();
        try {
            index.setVersion();
            Checkpoint.Summary checkpoint = loaded == null ? null : loaded.summary();
            long from = checkpoint == null ? 0 : checkpoint.position();
            index.setBuiltFrom(from);
            long records = new Replayer(index, dbs, checkpoint != null).replay(journal, from);
            if (records > 0 || checkpoint != null) {
                LOG.info("hub {}: index rebuilt from {} in {} ms", dir, (checkpoint == null ? ""
                        : "a checkpoint of " + checkpoint.entries() + " entries and ") + records + " journal records",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
            return checkpoint == null ? new Recovered(index, 0, 0)
                    : new Recovered(index, checkpoint.position(), checkpoint.bytes());
        } catch (IOException | RuntimeException e) {
            closeQuietly(index);
            throw e;
        }
    }

    /**
     * Whether the index file has outgrown the live state: MapDB does not free the B-tree nodes that
     * overwrites empty (the log index's keys only ever grow), so under overwrites the file grows by
     * some tens of bytes per object written. Rebuilt from the checkpoint, it is back to its live size.
     */
    private static boolean bloated(Path dir, Journal journal) throws IOException {
        List<Path> checkpoints = Checkpoint.files(dir);
        if (checkpoints.isEmpty()) {
            return false; // rebuilding would replay the whole journal: the history, not the live state
        }
        long checkpoint = Files.size(checkpoints.get(0));
        long tail = journal.end() - Checkpoint.position(checkpoints.get(0));
        return Files.size(dir.resolve(INDEX)) > bloatAllowance + 4 * checkpoint + 2 * tail;
    }

    /**
     * Loads the newest whole checkpoint the journal continues, if any; without one the journal must
     * start at its beginning.
     */
    private static Checkpoint.Loaded loadCheckpoint(Path dir, Journal journal, Path indexFile,
            Map<String, Index.Db> dbs) throws IOException {
        IOException damage = null;
        for (Path file : Checkpoint.files(dir)) {
            long position = Checkpoint.position(file);
            if (position < journal.start() || position > journal.end()) {
                continue; // not continued by this journal (older than what it keeps, or past its end)
            }
            try {
                return Checkpoint.load(file, indexFile, dbs);
            } catch (IOException e) {
                if (journal.start() > 0) {
                    // the journal before it is gone: loading an older one or none would lose data
                    throw new IOException(e.getMessage() + "; the journal before it was compacted away, so the hub"
                            + " cannot be opened: restore it from a backup", e);
                }
                LOG.warn("hub {}: {}; rebuilding from the whole journal instead", dir, e.getMessage());
                damage = e;
                dbs.clear();
            }
        }
        if (journal.start() > 0) {
            throw damage != null ? damage : new IOException("the journal starts at position " + journal.start()
                    + " but no checkpoint covers what came before it: segments or checkpoints are missing");
        }
        return null;
    }

    private static void deleteUnfinishedCheckpoints(Path dir) throws IOException {
        Path checkpoints = Checkpoint.directory(dir);
        if (Files.isDirectory(checkpoints)) {
            try (var files = Files.list(checkpoints)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    if (p.getFileName().toString().endsWith(".tmp")) {
                        Files.delete(p);
                    }
                }
            }
        }
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

    // ---- checkpoints and backups

    /**
     * Records a checkpoint now and deletes the journal segments it makes unneeded (what the background
     * thread does as the {@link CheckpointPolicy} says). Pushes and pulls go on meanwhile. Waits for a
     * checkpoint already in progress, then records another. Does nothing for an in-memory storage.
     *
     * @throws StorageException if it failed (the journal is then kept whole and the hub serves on)
     */
    public void checkpoint() {
        if (checkpointer != null) {
            write(() -> checkpointer.checkpoint());
        }
    }

    /**
     * A backup written.
     *
     * @param target the backup's directory, a hub that {@link #open(Path)} serves
     * @param position the journal position it holds everything up to
     * @param bytes the bytes copied (the checkpoint and journal; the index is built in place)
     */
    public record BackupResult(Path target, long position, long bytes) {
    }

    /**
     * What {@link #verify(Path)} found.
     *
     * @param clean true if nothing is damaged
     * @param lines the report, one finding per line (damage starts with {@code DAMAGED:})
     */
    public record VerifyReport(boolean clean, List<String> lines) {
    }

    /**
     * Writes a backup of the hub in {@code hub} to {@code target}, whether or not a process (this one or
     * another) serves the hub meanwhile; it is never blocked. The backup holds every push acknowledged
     * before this call, whole, and each database in a state it really had; it is a hub that
     * {@link #open(Path)} serves as it is. It is written beside {@code target} and renamed into place when
     * complete, so a {@code target} that exists is a whole backup.
     *
     * @param hub the hub directory
     * @param target the backup directory: must not exist, or be an empty directory; its parent must exist
     * @return what was written
     * @throws IOException if the hub is missing or unreadable, the target is not empty, or the copy failed
     *     (nothing is left at {@code target} then)
     */
    public static BackupResult backup(Path hub, Path target) throws IOException {
        return Backup.run(hub, target);
    }

    /**
     * Writes a backup of this hub to {@code target} while it serves on (see {@link #backup(Path, Path)}).
     *
     * @param target the backup directory: must not exist, or be an empty directory
     * @return what was written
     * @throws IOException if the copy failed
     * @throws IllegalStateException for an in-memory storage
     */
    public BackupResult backup(Path target) throws IOException {
        if (journal == null) {
            throw new IllegalStateException("an in-memory storage has nothing to back up");
        }
        checkOpen();
        return Backup.run(dir, target);
    }

    /**
     * Checks the hub in {@code hub} without changing it: journal checksums and order, checkpoints, that
     * the journal continues the newest checkpoint, and — if no process holds the hub and it was closed
     * cleanly — that its index agrees with them. While a process holds it, the index is not read (the
     * report says so).
     *
     * @param hub the hub directory
     * @return the report
     * @throws IOException if the hub is missing or cannot be read at all
     */
    public static VerifyReport verify(Path hub) throws IOException {
        return Verifier.run(hub);
    }

    boolean isDamaged() {
        return damaged;
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
                change(new Records.CreateDatabase(database, quota < 0 ? -1 : quota));
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
                change(new Records.QuotaChange(database, quota < 0 ? -1 : quota));
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
                Records.Push push = new Records.Push(database, revision, pushId, saved, effective);
                long position = journalAppend(Records.encode(push));
                apply(push);
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
                change(new Records.Account(credential, grants, database, databaseQuota < 0 ? -1 : databaseQuota));
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
            change(new Records.CredentialChange(credential));
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
            change(new Records.GrantChange(grant));
            return null;
        });
    }

    @Override
    public boolean removeGrant(String access, String permission, String resource) {
        return account(() -> {
            if (!index.hasGrant(access, permission, resource)) {
                return false;
            }
            change(new Records.Revoke(access, permission, resource));
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

    /** Appends a record, waits until it is durable, and applies it to the index. */
    private void change(Records.Record record) {
        journalAwait(journalAppend(Records.encode(record)));
        apply(record);
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

    /** Applies a journal record to the index; a failure here leaves the index behind the journal. */
    private void apply(Records.Record record) {
        try {
            index.apply(record, databases);
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
        if (checkpointer != null) {
            checkpointer.close(); // before the gate: a checkpoint in progress abandons its copy
        }
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

    /** Applies journal records to an index, in order (rebuild and catch-up), through {@link Index#apply}. */
    private static final class Replayer {
        private final Index index;
        private final Map<String, Index.Db> databases;
        /** After a checkpoint: pushes it already holds (at or below a database's copied head) are skipped. */
        private final boolean afterCheckpoint;
        private long records;

        Replayer(Index index, Map<String, Index.Db> databases, boolean afterCheckpoint) {
            this.index = index;
            this.databases = databases;
            this.afterCheckpoint = afterCheckpoint;
        }

        long replay(Journal journal, long from) throws IOException {
            journal.replay(from, (end, payload) -> apply(Records.decode(payload)));
            index.setAppliedPosition(journal.end());
            return records;
        }

        private void apply(Records.Record r) throws IOException {
            records++;
            Index.Db pushed = r instanceof Records.Push p ? databases.get(p.database()) : null;
            if (afterCheckpoint && pushed != null && ((Records.Push) r).revision() <= pushed.head) {
                return;
            }
            try {
                index.apply(r, databases);
            } catch (IllegalStateException e) {
                throw new IOException("journal record does not follow the index: " + e.getMessage(), e);
            }
            if (r instanceof Records.Push p) {
                databases.get(p.database()).head = p.revision();
            }
        }
    }
}
