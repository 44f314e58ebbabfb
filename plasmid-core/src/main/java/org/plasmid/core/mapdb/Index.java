package org.plasmid.core.mapdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.locks.ReentrantLock;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.mapdb.StoreBinary;
import org.plasmid.core.Grant;
import org.plasmid.core.spi.Credential;
import org.plasmid.core.spi.EntryReader;
import org.plasmid.core.spi.Write;

/**
 * The MapDB indexes derived from the journal: per database a log index by revision (holding each
 * (store, key)'s latest entry only) and a current-state index by (store, key); remembered push ids;
 * credentials and grants. Written without MapDB transactions (they are slow and were seen to corrupt on
 * kill -9); the journal provides durability, and after an unclean stop this file is rebuilt from it.
 */
final class Index implements AutoCloseable {
    static final int REMEMBERED_PUSH_IDS = 1000;
    /**
     * The layout this code writes: 2 counts store names in stored sizes, keeps database quotas and
     * grant delegators; 3 names no serializer in MapDB's catalog, so that its byte-array maps are read
     * with {@link ByteArraySerializer} (a catalog that names MapDB's own would override it). An index of
     * another version is rebuilt from the journal when opened.
     */
    static final long VERSION = 3;
    private static final byte[] TOMBSTONE = new byte[0];

    /** In-memory state of one database; its lock serializes appends. */
    static final class Db {
        final String name;
        final long id;
        final ReentrantLock lock = new ReentrantLock();
        volatile long head;
        volatile long size;
        volatile long quota;
        int pushIds;
        /**
         * While a checkpoint copies this database as of revision {@link #pinned}, log entries of
         * revisions up to it are kept when overwritten (collected in {@link #deferred}, removed when the
         * copy ends), so the copy reads a state the database really had. -1 when not pinned. Guarded by
         * {@link #lock}.
         */
        long pinned = -1;
        /**
         * The log keys kept for a checkpoint's copy although overwritten: added with {@link #lock} held,
         * read by readers without it (a set lookup, where asking the key index would cost a B-tree lookup
         * per entry read while a checkpoint runs).
         */
        final Set<ByteBuffer> deferred = ConcurrentHashMap.newKeySet();
        /** Odd while pinned; changes on pin and unpin (readers of the log check it, see readChanges). */
        volatile long pinGeneration;

        Db(String name, long id, long head, long size, int pushIds, long quota) {
            this.name = name;
            this.id = id;
            this.head = head;
            this.size = size;
            this.pushIds = pushIds;
            this.quota = quota;
        }
    }

    /** The most credentials {@link #credential} remembers (some 200 bytes each). */
    static final int CREDENTIAL_CACHE_SIZE = 65_536;
    /**
     * The most credentials opening an index reads into memory, in one pass over the tree: half of what
     * it remembers, so that lookups of tokens not among them do not empty it at once.
     */
    static final int CREDENTIALS_READ_AT_OPEN = CREDENTIAL_CACHE_SIZE / 2;

    private final DB db;
    private final BTreeMap<String, byte[]> databases;
    private final BTreeMap<byte[], byte[]> log;
    private final BTreeMap<byte[], byte[]> state;
    private final BTreeMap<byte[], byte[]> pushIds;
    private final BTreeMap<byte[], byte[]> pushOrder;
    private final BTreeMap<String, byte[]> credentials;
    /** See {@link #credential}. */
    private final ConcurrentHashMap<String, Credential> credentialCache = new ConcurrentHashMap<>();
    /** See {@link #grants}. */
    private final ConcurrentHashMap<String, List<Grant>> grantCache = new ConcurrentHashMap<>();
    private final BTreeMap<String, String> grants;
    /** Grant key to the token that delegated it (delegated grants only). */
    private final BTreeMap<String, String> grantDelegators;
    /** {@code delegator NUL grant key}, for finding what a token delegated. */
    private final BTreeMap<String, String> delegations;
    private final BTreeMap<String, Long> meta;

    private Index(DB db) {
        this.db = db;
        databases = db.treeMap("databases", Utf8Serializer.INSTANCE, ByteArraySerializer.INSTANCE).createOrOpen();
        log = logMap(db).createOrOpen();
        state = stateMap(db).createOrOpen();
        pushIds = db.treeMap("pushIds", ByteArraySerializer.INSTANCE, ByteArraySerializer.INSTANCE).createOrOpen();
        pushOrder = db.treeMap("pushOrder", ByteArraySerializer.INSTANCE, ByteArraySerializer.INSTANCE).createOrOpen();
        credentials = db.treeMap("credentials", Utf8Serializer.INSTANCE, ByteArraySerializer.INSTANCE).createOrOpen();
        grants = db.treeMap("grants", Utf8Serializer.INSTANCE, Utf8Serializer.INSTANCE).createOrOpen();
        grantDelegators = db.treeMap("grantDelegators", Utf8Serializer.INSTANCE, Utf8Serializer.INSTANCE).createOrOpen();
        delegations = db.treeMap("delegations", Utf8Serializer.INSTANCE, Utf8Serializer.INSTANCE).createOrOpen();
        meta = db.treeMap("meta", Utf8Serializer.INSTANCE, Serializer.LONG).createOrOpen();
        rememberStoredCredentials();
        rememberStoredGrants();
    }

    /**
     * Reads the grants of the first {@link #CREDENTIALS_READ_AT_OPEN} tokens (in key order) into memory, in
     * one pass over the tree, for the same reason as {@link #rememberStoredCredentials}: every device's
     * first request after a restart looks up its token's grants.
     */
    private void rememberStoredGrants() {
        // both trees are sorted by grant key: walk the delegators alongside, never more than the grants read
        java.util.Iterator<Map.Entry<String, String>> delegators = grantDelegators.entrySet().iterator();
        Map.Entry<String, String> delegator = delegators.hasNext() ? delegators.next() : null;
        String access = null;
        List<Grant> held = new ArrayList<>();
        for (Map.Entry<String, String> e : grants.entrySet()) {
            while (delegator != null && delegator.getKey().compareTo(e.getKey()) < 0) {
                delegator = delegators.hasNext() ? delegators.next() : null;
            }
            boolean delegated = delegator != null && delegator.getKey().equals(e.getKey());
            Grant g = grant(e.getKey(), e.getValue(), delegated ? delegator.getValue() : null);
            if (!g.access().equals(access)) {
                if (access != null) {
                    grantCache.put(access, List.copyOf(held));
                    held.clear();
                }
                if (grantCache.size() >= CREDENTIALS_READ_AT_OPEN) {
                    return;
                }
                access = g.access();
            }
            held.add(g);
        }
        if (access != null) {
            grantCache.put(access, List.copyOf(held));
        }
    }

    /**
     * Reads the first {@link #CREDENTIALS_READ_AT_OPEN} credentials into memory. After a restart every
     * device checks its token at once (the reconnect storm); one pass over the tree decodes each node once,
     * where a lookup per token decodes a whole node of tokens for each (and, in a cold JVM, runs that
     * decoding uncompiled).
     */
    private void rememberStoredCredentials() {
        int n = 0;
        for (Map.Entry<String, byte[]> e : credentials.entrySet()) {
            if (n++ >= CREDENTIALS_READ_AT_OPEN) {
                break;
            }
            credentialCache.put(e.getKey(), decodeCredential(e.getValue()));
        }
    }

    /** Opens or creates the index file (memory-mapped, no transactions). */
    static Index file(Path file) {
        return new Index(fileDb(file));
    }

    private static DB fileDb(Path file) {
        DB opened = DBMaker.fileDB(file.toFile()).fileMmapEnableIfSupported().cleanerHackEnable().make();
        // the same store, its inner nodes cached (see NodeCachingStore); the DB opened it, so it is not set up again
        return new DB(new NodeCachingStore((StoreBinary) opened.getStore(), NodeCachingStore.defaultMaxBytes()),
                true, true, DB.class.getClassLoader(), 0);
    }

    /** Hands sorted (key, value) pairs to a sink. */
    @FunctionalInterface
    interface SortedFeed {
        void feed(SortedPairs.Sink sink) throws java.io.IOException;
    }

    /**
     * Creates a new index file whose log and state indexes are built bottom-up from input in key order
     * (MapDB's sorted-input builder: each B-tree node written once, where inserts would rewrite a node
     * per key); the other maps start empty. What a rebuild from a checkpoint uses.
     *
     * @param log log keys ({@link Keys#log}) and values ({@link #logValue}), ascending
     * @param state state keys ({@link Keys#state}) and values ({@link Keys#stateValue}), ascending; fed
     *     after {@code log}
     */
    static Index built(Path file, SortedFeed log, SortedFeed state) throws java.io.IOException {
        DB db = fileDb(file);
        try {
            DB.TreeMapSink<byte[], byte[]> logSink = logMap(db).createFromSink();
            log.feed(logSink::put);
            logSink.create();
            DB.TreeMapSink<byte[], byte[]> stateSink = stateMap(db).createFromSink();
            state.feed(stateSink::put);
            stateSink.create();
            return new Index(db);
        } catch (java.io.IOException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static DB.TreeMapMaker<byte[], byte[]> logMap(DB db) {
        return db.treeMap("log", ByteArraySerializer.INSTANCE, ByteArraySerializer.INSTANCE).valuesOutsideNodesEnable();
    }

    private static DB.TreeMapMaker<byte[], byte[]> stateMap(DB db) {
        return db.treeMap("state", ByteArraySerializer.INSTANCE, ByteArraySerializer.INSTANCE);
    }

    /** The log index's value for an entry: its value, or an empty array for a deletion. */
    static byte[] logValue(byte[] value) {
        return value == null ? TOMBSTONE : value;
    }

    /** Opens an existing index file for reading only (the verifier). */
    static Index readOnly(Path file) {
        // no cleaner hack: on a read-only map MapDB cannot free the buffer and warns on every close
        return new Index(DBMaker.fileDB(file.toFile()).readOnly().fileMmapEnableIfSupported().make());
    }

    static Index memory() {
        return new Index(DBMaker.memoryDB().make());
    }

    // ---- databases

    Map<String, Db> loadDatabases() {
        Map<String, Db> result = new java.util.HashMap<>();
        for (Map.Entry<String, byte[]> e : databases.entrySet()) {
            ByteBuffer b = ByteBuffer.wrap(e.getValue());
            result.put(e.getKey(), new Db(e.getKey(), b.getLong(), b.getLong(), b.getLong(), b.getInt(), b.getLong()));
        }
        return result;
    }

    Db createDatabase(String name, long quota) {
        long id = meta.getOrDefault("nextDatabaseId", 1L);
        meta.put("nextDatabaseId", id + 1);
        Db d = new Db(name, id, 1, 0, 0, quota);
        saveDatabase(d);
        return d;
    }

    void setQuota(Db d, long quota) {
        d.quota = quota;
        saveDatabase(d);
    }

    private void saveDatabase(Db d) {
        databases.put(d.name, Keys.database(d.id, d.head, d.size, d.pushIds, d.quota));
    }

    /**
     * The writes that change something: a deletion of a key without a live value writes nothing (no
     * tombstone), so it is left out.
     */
    List<Write> effective(Db d, List<Write> writes) {
        List<Write> result = null;
        for (int i = 0; i < writes.size(); i++) {
            Write w = writes.get(i);
            boolean absent = w.value() == null && !isLive(state.get(Keys.state(d.id, w.store(), w.key())));
            if (absent && result == null) {
                result = new ArrayList<>(writes.subList(0, i));
            } else if (!absent && result != null) {
                result.add(w);
            }
        }
        return result == null ? writes : result;
    }

    private static boolean isLive(byte[] stateValue) {
        return stateValue != null && Keys.stateLength(stateValue) >= 0;
    }

    /** The stored size change if {@code writes} were applied. */
    long sizeDelta(Db d, List<Write> writes) {
        long delta = 0;
        for (Write w : writes) {
            byte[] old = state.get(Keys.state(d.id, w.store(), w.key()));
            if (isLive(old)) {
                delta -= Write.sizeOf(w.store(), w.key(), Keys.stateLength(old));
            }
            delta += w.storedSize();
        }
        return delta;
    }

    /**
     * Applies a push as revision {@code revision} without publishing it: the caller raises
     * {@code d.head} once the push is durable. Readers never look past the head they started with, so
     * an applied but unpublished push is invisible to them.
     */
    void applyPush(Db d, long revision, String pushId, int saved, List<Write> writes) {
        long size = d.size;
        for (Write w : writes) {
            byte[] value = w.value();
            byte[] old = state.put(Keys.state(d.id, w.store(), w.key()),
                    Keys.stateValue(revision, value == null ? -1 : value.length));
            if (old != null) {
                long oldRevision = Keys.stateRevision(old);
                byte[] oldLog = Keys.log(d.id, oldRevision, w.store(), w.key());
                if (oldRevision <= d.pinned) {
                    d.deferred.add(ByteBuffer.wrap(oldLog)); // a checkpoint is copying it; removed when the copy ends
                } else {
                    log.remove(oldLog);
                }
                int oldLength = Keys.stateLength(old);
                if (oldLength >= 0) {
                    size -= Write.sizeOf(w.store(), w.key(), oldLength);
                }
            }
            size += w.storedSize();
            log.put(Keys.log(d.id, revision, w.store(), w.key()), logValue(value));
        }
        if (pushId != null) {
            pushIds.put(Keys.pushId(d.id, pushId), Keys.pushAnswer(revision, saved));
            pushOrder.put(Keys.pushOrder(d.id, revision), pushId.getBytes(StandardCharsets.UTF_8));
            d.pushIds++;
            while (d.pushIds > REMEMBERED_PUSH_IDS) {
                Map.Entry<byte[], byte[]> oldest = pushOrder.ceilingEntry(Keys.prefix(d.id));
                pushOrder.remove(oldest.getKey());
                pushIds.remove(Keys.pushId(d.id, new String(oldest.getValue(), StandardCharsets.UTF_8)));
                d.pushIds--;
            }
        }
        d.size = size;
        databases.put(d.name, Keys.database(d.id, revision, size, d.pushIds, d.quota));
    }

    /** @return {revision, saved} of a remembered push id, or null */
    long[] findPush(Db d, String pushId) {
        byte[] answer = pushIds.get(Keys.pushId(d.id, pushId));
        if (answer == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(answer);
        return new long[] {b.getLong(), b.getInt()};
    }

    long readChanges(Db d, long since, EntryReader reader) {
        return readChanges(d, since, d.head, reader);
    }

    private long readChanges(Db d, long since, long head, EntryReader reader) {
        if (since >= head) {
            return head;
        }
        long generation = d.pinGeneration;
        ConcurrentNavigableMap<byte[], byte[]> range =
                log.subMap(Keys.logFrom(d.id, since + 1), true, Keys.logFrom(d.id, head + 1), false);
        for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
            byte[] k = e.getKey();
            byte[] v = e.getValue();
            if (v == null) {
                continue; // rewritten by a push past our head while we read: the next pull returns it
            }
            if (((generation & 1) != 0 || d.pinGeneration != generation) && superseded(d, k)) {
                continue; // kept for a checkpoint's copy only: its key's newer entry is returned instead
            }
            if (!reader.entry(Keys.logStore(k), Keys.logKey(k), Keys.logRevision(k), v.length == 0 ? null : v)) {
                break;
            }
        }
        return head;
    }

    /** Whether a log entry is an older one of its key (kept while the database is pinned). */
    private static boolean superseded(Db d, byte[] logKey) {
        return !d.deferred.isEmpty() && d.deferred.contains(ByteBuffer.wrap(logKey));
    }

    /** A clone reads the log once per store, sequentially, when a database has at most this many stores. */
    static final int SEQUENTIAL_CLONE_STORES = 4;

    /**
     * The live entries at the database's head, grouped by store. The log holds each key's latest entry
     * only, so with few stores (the usual case) this is one sequential scan of the log per store, values
     * included, like a pull; with many, the key index is walked in store order with a lookup per key.
     */
    long readState(Db d, EntryReader reader) {
        List<String> stores = stores(d, SEQUENTIAL_CLONE_STORES + 1);
        if (stores.size() > SEQUENTIAL_CLONE_STORES) {
            return readStateByKey(d, reader);
        }
        long head = d.head;
        for (String store : stores) {
            boolean[] stopped = {false};
            readChanges(d, 0, head, (s, key, revision, value) -> {
                if (value == null || !s.equals(store)) {
                    return true;
                }
                if (!reader.entry(s, key, revision, value)) {
                    stopped[0] = true;
                    return false;
                }
                return true;
            });
            if (stopped[0]) {
                break;
            }
        }
        return head;
    }

    /** Up to {@code limit} of the database's store names, in order, by skipping through the key index. */
    private List<String> stores(Db d, int limit) {
        List<String> result = new ArrayList<>();
        byte[] from = Keys.prefix(d.id);
        byte[] end = Keys.prefix(d.id + 1);
        while (result.size() < limit) {
            byte[] k = state.ceilingKey(from);
            if (k == null || java.util.Arrays.compareUnsigned(k, end) >= 0) {
                break;
            }
            String store = Keys.stateStore(k);
            result.add(store);
            from = Keys.storeAfter(d.id, store);
        }
        return result;
    }

    private long readStateByKey(Db d, EntryReader reader) {
        long head = d.head;
        ConcurrentNavigableMap<byte[], byte[]> range =
                state.subMap(Keys.prefix(d.id), true, Keys.prefix(d.id + 1), false);
        for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
            byte[] v = e.getValue();
            long revision = Keys.stateRevision(v);
            if (Keys.stateLength(v) < 0 || revision > head) {
                continue;
            }
            String store = Keys.stateStore(e.getKey());
            String key = Keys.stateKey(e.getKey());
            byte[] value = log.get(Keys.log(d.id, revision, store, key));
            if (value == null || value.length == 0) {
                continue; // rewritten after the snapshot while we read: returned by the next pull
            }
            if (!reader.entry(store, key, revision, value)) {
                break;
            }
        }
        return head;
    }

    /**
     * What a journal record does to the index: the one place that says it, for the live write path
     * (after the record was appended) and for replay alike. A push is applied without publishing its
     * revision (the caller raises {@code d.head}: the live path once the push is durable).
     *
     * @throws IllegalStateException if the record does not follow the index's state (a push that is not
     *     the next revision, a quota for a database that does not exist)
     */
    void apply(Records.Record r, Map<String, Db> databases) {
        if (r instanceof Records.Push p) {
            Db d = databases.get(p.database());
            if (d == null || p.revision() != d.head + 1) {
                throw new IllegalStateException("push to " + p.database() + " as revision " + p.revision()
                        + " does not follow the database's head " + (d == null ? "(none)" : d.head));
            }
            // pushes written before deletions of absent keys were left out hold them: drop them alike
            applyPush(d, p.revision(), p.pushId(), p.saved(), effective(d, p.writes()));
        } else if (r instanceof Records.CreateDatabase c) {
            if (!databases.containsKey(c.database())) {
                databases.put(c.database(), createDatabase(c.database(), c.quota()));
            }
        } else if (r instanceof Records.QuotaChange q) {
            Db d = databases.get(q.database());
            if (d == null) {
                throw new IllegalStateException("quota for " + q.database() + ", which does not exist");
            }
            setQuota(d, q.quota());
        } else if (r instanceof Records.Account a) {
            putCredential(a.credential());
            a.grants().forEach(this::putGrant);
            if (a.database() != null && !databases.containsKey(a.database())) {
                databases.put(a.database(), createDatabase(a.database(), a.databaseQuota()));
            }
        } else if (r instanceof Records.CredentialChange c) {
            putCredential(c.credential());
        } else if (r instanceof Records.GrantChange g) {
            putGrant(g.grant());
        } else {
            Records.Revoke v = (Records.Revoke) r;
            removeGrant(v.access(), v.permission(), v.resource());
        }
    }

    // ---- checkpoints: what a checkpoint copies out and loads back

    /**
     * Pins {@code d} at its head for a checkpoint's copy (call with {@code d.lock} held).
     *
     * @return the pinned revision
     */
    long pin(Db d) {
        d.pinned = d.head;
        d.pinGeneration++;
        return d.pinned;
    }

    /** Ends a pin: removes the entries kept for the copy, then lets readers skip their check (lock held). */
    void unpin(Db d) {
        for (ByteBuffer k : d.deferred) {
            log.remove(k.array()); // first out of the log, then out of the set: a reader never sees it unmarked
        }
        d.deferred.clear();
        d.pinned = -1;
        d.pinGeneration++;
    }

    /** Visits the log entries of {@code d} with revisions in {@code [from, to]}, in log order. */
    void logEntries(Db d, long from, long to, EntryReader reader) {
        for (Map.Entry<byte[], byte[]> e : log.subMap(Keys.logFrom(d.id, from), true, Keys.logFrom(d.id, to + 1),
                false).entrySet()) {
            byte[] k = e.getKey();
            byte[] v = e.getValue();
            if (v != null && !reader.entry(Keys.logStore(k), Keys.logKey(k), Keys.logRevision(k),
                    v.length == 0 ? null : v)) {
                return;
            }
        }
    }

    /** A remembered push id and its answer. */
    record RememberedPush(String pushId, long revision, int saved) {
    }

    /** The push ids {@code d} remembers, oldest first (call with {@code d.lock} held). */
    List<RememberedPush> rememberedPushes(Db d) {
        List<RememberedPush> result = new ArrayList<>();
        for (byte[] id : pushOrder.subMap(Keys.prefix(d.id), true, Keys.prefix(d.id + 1), false).values()) {
            String pushId = new String(id, StandardCharsets.UTF_8);
            long[] answer = findPush(d, pushId);
            if (answer != null) {
                result.add(new RememberedPush(pushId, answer[0], (int) answer[1]));
            }
        }
        return result;
    }

    /** Every grant, with its delegator. */
    List<Grant> allGrants() {
        List<Grant> result = new ArrayList<>();
        for (Map.Entry<String, String> e : grants.entrySet()) {
            result.add(grant(e.getKey(), e.getValue()));
        }
        return result;
    }

    long nextDatabaseId() {
        return meta.getOrDefault("nextDatabaseId", 1L);
    }

    void restoreNextDatabaseId(long id) {
        meta.put("nextDatabaseId", id);
    }

    /** Recreates a database as a checkpoint recorded it (its entries follow). */
    Db restoreDatabase(String name, long id, long head, long size, long quota) {
        Db d = new Db(name, id, head, size, 0, quota);
        saveDatabase(d);
        return d;
    }

    /** Recreates a remembered push id (oldest first). */
    void restorePush(Db d, RememberedPush p) {
        pushIds.put(Keys.pushId(d.id, p.pushId()), Keys.pushAnswer(p.revision(), p.saved()));
        pushOrder.put(Keys.pushOrder(d.id, p.revision()), p.pushId().getBytes(StandardCharsets.UTF_8));
        d.pushIds++;
        saveDatabase(d);
    }

    // ---- credentials and grants

    /**
     * The credential of {@code access}, from memory when it was read or written lately: every request
     * checks its token's credential, and a MapDB get decodes a whole B-tree node of tokens (under W7's
     * load that was 30 % of all the server allocated). Unknown tokens are not remembered.
     *
     * <p>Never stale: the credential is read from the tree inside {@code computeIfAbsent}, which holds its
     * key, and {@link #putCredential} replaces it after writing the tree, waiting for a read in progress.
     * So a read that began before a write can only be replaced by it, never put back after it. When full,
     * the cache is emptied (it only ever loses entries so).
     *
     * @return the credential, or {@code null} if there is none
     */
    Credential credential(String access) {
        Credential cached = credentialCache.get(access);
        if (cached != null) {
            return cached;
        }
        makeRoom(credentialCache);
        return credentialCache.computeIfAbsent(access, this::readCredential);
    }

    private Credential readCredential(String access) {
        byte[] b = credentials.get(access);
        return b == null ? null : decodeCredential(b);
    }

    private static Credential decodeCredential(byte[] b) {
        try {
            return Records.readCredential(new java.io.DataInputStream(new java.io.ByteArrayInputStream(b)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    boolean hasCredential(String access) {
        return credentials.containsKey(access);
    }

    void putCredential(Credential c) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            Records.writeCredential(out, c);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        credentials.put(c.access(), bytes.toByteArray());
        makeRoom(credentialCache);
        credentialCache.put(c.access(), c);
    }

    /** Empties a cache of the index that is full: it only ever loses entries so. */
    private static void makeRoom(ConcurrentHashMap<String, ?> cache) {
        if (cache.size() >= CREDENTIAL_CACHE_SIZE) {
            cache.clear();
        }
    }

    /** @return how many credentials {@link #credential} remembers now */
    int credentialsRemembered() {
        return credentialCache.size();
    }

    Iterable<String> accounts() {
        return credentials.keySet();
    }

    Iterable<String> databaseNames() {
        return databases.keySet();
    }

    /**
     * The grants of {@code access}, from memory when they were read lately: the first request of every
     * token reads them, and a MapDB range read decodes a whole B-tree node of grants. Never stale, as
     * {@link #credential}: the tree is read inside {@code computeIfAbsent}, and {@link #putGrant} and
     * {@link #removeGrant} forget the token's entry after writing the tree, waiting for a read in progress.
     * Emptied when full.
     *
     * @return the token's grants (unmodifiable), empty if it has none
     */
    List<Grant> grants(String access) {
        List<Grant> cached = grantCache.get(access);
        if (cached != null) {
            return cached;
        }
        makeRoom(grantCache);
        return grantCache.computeIfAbsent(access, this::readGrants);
    }

    private List<Grant> readGrants(String access) {
        List<Grant> result = new ArrayList<>();
        for (Map.Entry<String, String> e : grants.subMap(access + '\u0000', access + '\u0001').entrySet()) {
            result.add(grant(e.getKey(), e.getValue()));
        }
        return List.copyOf(result);
    }

    /** @return how many tokens' grants {@link #grants} remembers now */
    int grantsRemembered() {
        return grantCache.size();
    }

    /** The grants that {@code delegator} delegated, held by any token. */
    List<Grant> delegatedBy(String delegator) {
        List<Grant> result = new ArrayList<>();
        for (String k : delegations.subMap(delegator + '\u0000', delegator + '\u0001').keySet()) {
            String grantKey = k.substring(delegator.length() + 1);
            String value = grants.get(grantKey);
            if (value != null) {
                result.add(grant(grantKey, value));
            }
        }
        return result;
    }

    private Grant grant(String key, String value) {
        return grant(key, value, grantDelegators.get(key));
    }

    private static Grant grant(String key, String value, String delegator) {
        String[] parts = key.split("\u0000", 3);
        return new Grant(parts[0], parts[1], parts[2], value, delegator);
    }

    void putGrant(Grant g) {
        String key = Keys.grant(g.access(), g.permission(), g.resource());
        forgetDelegation(key);
        grants.put(key, g.value());
        if (g.delegator() != null) {
            grantDelegators.put(key, g.delegator());
            delegations.put(g.delegator() + '\u0000' + key, "");
        }
        grantCache.remove(g.access());
    }

    boolean removeGrant(String access, String permission, String resource) {
        String key = Keys.grant(access, permission, resource);
        forgetDelegation(key);
        boolean removed = grants.remove(key) != null;
        grantCache.remove(access);
        return removed;
    }

    private void forgetDelegation(String grantKey) {
        String old = grantDelegators.remove(grantKey);
        if (old != null) {
            delegations.remove(old + '\u0000' + grantKey);
        }
    }

    boolean hasGrant(String access, String permission, String resource) {
        return grants.containsKey(Keys.grant(access, permission, resource));
    }

    /**
     * Compares two indexes by what they serve: databases (head, stored size, quota), every key's latest
     * entry and value, remembered push ids, credentials and grants.
     *
     * @return the first difference found, or null if they agree
     */
    String difference(Index other) {
        Map<String, Db> mine = loadDatabases();
        Map<String, Db> theirs = other.loadDatabases();
        if (!mine.keySet().equals(theirs.keySet())) {
            return "databases " + new java.util.TreeSet<>(mine.keySet()) + " vs " + new java.util.TreeSet<>(theirs.keySet());
        }
        for (Db a : mine.values()) {
            Db b = theirs.get(a.name);
            if (a.head != b.head || a.size != b.size || a.quota != b.quota) {
                return "database " + a.name + ": head/size/quota " + a.head + "/" + a.size + "/" + a.quota + " vs "
                        + b.head + "/" + b.size + "/" + b.quota;
            }
            List<String> left = new ArrayList<>();
            List<String> right = new ArrayList<>();
            logEntries(a, 1, a.head, describe(left));
            other.logEntries(b, 1, b.head, describe(right));
            if (!left.equals(right)) {
                return "database " + a.name + ": entries differ (" + left.size() + " vs " + right.size() + ")";
            }
            left.clear();
            right.clear();
            stateEntries(a, left);
            other.stateEntries(b, right);
            if (!left.equals(right)) {
                return "database " + a.name + ": key index differs (" + left.size() + " vs " + right.size() + ")";
            }
            if (!rememberedPushes(a).equals(other.rememberedPushes(b))) {
                return "database " + a.name + ": remembered push ids differ";
            }
        }
        List<String> left = new ArrayList<>();
        List<String> right = new ArrayList<>();
        for (String access : accounts()) {
            left.add(access + " " + java.util.Arrays.toString(credentials.get(access)));
        }
        for (String access : other.accounts()) {
            right.add(access + " " + java.util.Arrays.toString(other.credentials.get(access)));
        }
        if (!left.equals(right)) {
            return "credentials differ (" + left.size() + " vs " + right.size() + ")";
        }
        if (!allGrants().equals(other.allGrants())) {
            return "grants differ";
        }
        return null;
    }

    private static EntryReader describe(List<String> into) {
        return (store, key, revision, value) -> into.add(revision + " " + store + " " + key + " "
                + (value == null ? "-" : java.util.Arrays.hashCode(value) + ":" + value.length));
    }

    private void stateEntries(Db d, List<String> into) {
        for (Map.Entry<byte[], byte[]> e : state.subMap(Keys.prefix(d.id), true, Keys.prefix(d.id + 1), false)
                .entrySet()) {
            into.add(Keys.stateStore(e.getKey()) + " " + Keys.stateKey(e.getKey()) + " " + Keys.stateRevision(e.getValue())
                    + " " + Keys.stateLength(e.getValue()));
        }
    }

    // ---- lifecycle

    /** @return the layout version of this index file; 1 for files written before versions were kept */
    long version() {
        return meta.getOrDefault("indexVersion", 1L);
    }

    /** Marks the index as being of this code's layout (an empty or rebuilt index). */
    void setVersion() {
        meta.put("indexVersion", VERSION);
    }

    /** @return the checkpoint position this index was last rebuilt from (0: from the journal's start) */
    long builtFrom() {
        return meta.getOrDefault("builtFrom", 0L);
    }

    void setBuiltFrom(long position) {
        meta.put("builtFrom", position);
    }

    long appliedPosition() {
        return meta.getOrDefault("appliedPosition", -1L);
    }

    void setAppliedPosition(long position) {
        meta.put("appliedPosition", position);
    }

    /** Writes everything to the file (a sync). */
    void commit() {
        db.commit();
    }

    /** The node cache of a file index ({@link #file}, {@link #built}), or null. */
    NodeCachingStore nodeCache() {
        return db.getStore() instanceof NodeCachingStore c ? c : null;
    }

    @Override
    public void close() {
        db.close();
    }
}
