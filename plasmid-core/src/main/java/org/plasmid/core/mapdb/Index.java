package org.plasmid.core.mapdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.locks.ReentrantLock;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
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
    private static final byte[] TOMBSTONE = new byte[0];

    /** In-memory state of one database; its lock serializes appends. */
    static final class Db {
        final String name;
        final long id;
        final ReentrantLock lock = new ReentrantLock();
        volatile long head;
        volatile long size;
        int pushIds;

        Db(String name, long id, long head, long size, int pushIds) {
            this.name = name;
            this.id = id;
            this.head = head;
            this.size = size;
            this.pushIds = pushIds;
        }
    }

    private final DB db;
    private final BTreeMap<String, byte[]> databases;
    private final BTreeMap<byte[], byte[]> log;
    private final BTreeMap<byte[], byte[]> state;
    private final BTreeMap<byte[], byte[]> pushIds;
    private final BTreeMap<byte[], byte[]> pushOrder;
    private final BTreeMap<String, byte[]> credentials;
    private final BTreeMap<String, String> grants;
    private final BTreeMap<String, Long> meta;

    private Index(DB db) {
        this.db = db;
        databases = db.treeMap("databases", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
        log = db.treeMap("log", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable()
                .createOrOpen();
        state = db.treeMap("state", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
        pushIds = db.treeMap("pushIds", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
        pushOrder = db.treeMap("pushOrder", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
        credentials = db.treeMap("credentials", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
        grants = db.treeMap("grants", Serializer.STRING, Serializer.STRING).createOrOpen();
        meta = db.treeMap("meta", Serializer.STRING, Serializer.LONG).createOrOpen();
    }

    /** Opens or creates the index file (memory-mapped, no transactions). */
    static Index file(Path file) {
        return new Index(DBMaker.fileDB(file.toFile()).fileMmapEnableIfSupported().cleanerHackEnable().make());
    }

    static Index memory() {
        return new Index(DBMaker.memoryDB().make());
    }

    // ---- databases

    Map<String, Db> loadDatabases() {
        Map<String, Db> result = new java.util.HashMap<>();
        for (Map.Entry<String, byte[]> e : databases.entrySet()) {
            ByteBuffer b = ByteBuffer.wrap(e.getValue());
            result.put(e.getKey(), new Db(e.getKey(), b.getLong(), b.getLong(), b.getLong(), b.getInt()));
        }
        return result;
    }

    Db createDatabase(String name) {
        long id = meta.getOrDefault("nextDatabaseId", 1L);
        meta.put("nextDatabaseId", id + 1);
        Db d = new Db(name, id, 1, 0, 0);
        saveDatabase(d);
        return d;
    }

    private void saveDatabase(Db d) {
        databases.put(d.name, Keys.database(d.id, d.head, d.size, d.pushIds));
    }

    /** The stored size change if {@code writes} were applied. */
    long sizeDelta(Db d, List<Write> writes) {
        long delta = 0;
        for (Write w : writes) {
            byte[] old = state.get(Keys.state(d.id, w.store(), w.key()));
            if (old != null && Keys.stateLength(old) >= 0) {
                delta -= Write.sizeOf(w.key(), Keys.stateLength(old));
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
    void applyPush(Db d, long revision, String pushId, List<Write> writes) {
        long size = d.size;
        for (Write w : writes) {
            byte[] value = w.value();
            byte[] old = state.put(Keys.state(d.id, w.store(), w.key()),
                    Keys.stateValue(revision, value == null ? -1 : value.length));
            if (old != null) {
                log.remove(Keys.log(d.id, Keys.stateRevision(old), w.store(), w.key()));
                int oldLength = Keys.stateLength(old);
                if (oldLength >= 0) {
                    size -= Write.sizeOf(w.key(), oldLength);
                }
            }
            size += w.storedSize();
            log.put(Keys.log(d.id, revision, w.store(), w.key()), value == null ? TOMBSTONE : value);
        }
        if (pushId != null) {
            pushIds.put(Keys.pushId(d.id, pushId), Keys.pushAnswer(revision, writes.size()));
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
        databases.put(d.name, Keys.database(d.id, revision, size, d.pushIds));
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
        long head = d.head;
        if (since >= head) {
            return head;
        }
        ConcurrentNavigableMap<byte[], byte[]> range =
                log.subMap(Keys.logFrom(d.id, since + 1), true, Keys.logFrom(d.id, head + 1), false);
        for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
            byte[] k = e.getKey();
            byte[] v = e.getValue();
            if (!reader.entry(Keys.logStore(k), Keys.logKey(k), Keys.logRevision(k), v.length == 0 ? null : v)) {
                break;
            }
        }
        return head;
    }

    long readState(Db d, EntryReader reader) {
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

    // ---- credentials and grants

    Credential credential(String access) {
        byte[] b = credentials.get(access);
        if (b == null) {
            return null;
        }
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
    }

    Iterable<String> accounts() {
        return credentials.keySet();
    }

    Iterable<String> databaseNames() {
        return databases.keySet();
    }

    List<Grant> grants(String access) {
        List<Grant> result = new ArrayList<>();
        for (Map.Entry<String, String> e : grants.subMap(access + '\u0000', access + '\u0001').entrySet()) {
            String[] parts = e.getKey().split("\u0000", 3);
            result.add(new Grant(parts[0], parts[1], parts[2], e.getValue()));
        }
        return result;
    }

    void putGrant(Grant g) {
        grants.put(Keys.grant(g.access(), g.permission(), g.resource()), g.value());
    }

    boolean removeGrant(String access, String permission, String resource) {
        return grants.remove(Keys.grant(access, permission, resource)) != null;
    }

    // ---- lifecycle

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

    @Override
    public void close() {
        db.close();
    }
}
