package org.plasmid.core.mapdb;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import kotlin.collections.LongIterator;
import org.mapdb.BTreeMapJava;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.Serializer;
import org.mapdb.StoreBinary;
import org.mapdb.StoreBinaryGetLong;

/**
 * The index's MapDB store, keeping the inner nodes of its B-trees deserialized. MapDB 3 has no node
 * cache: every step down a tree reads and deserializes a whole node (a push of 10 objects read 127 nodes,
 * 74 KB, to change 21 leaves). The inner nodes are a few percent of all nodes and on every path; leaves
 * are read where they are (keeping them too cost more than it saved once many databases were written at
 * random: the cache churned, and the collector with it). MapDB never changes a node in place (a change
 * writes a new node object to the record), so a node read once can be handed out until its record is
 * written.
 *
 * <p>Never stale: a node is kept only when read from the store while its record's stripe lock is held,
 * and every write of a node record (update, swap, delete) goes to the store and the cache under that
 * same lock. A reader therefore holds either what the store held before a write or what the write put
 * there, as without the cache. Evicting only drops entries, so it needs no lock. Lookups by the key's
 * bytes alone ({@link #getBinaryLong}, MapDB's point reads) go to the store, which is always current.
 *
 * <p>Bounded: the cache holds at most about {@code maxBytes}, counting each node at twice its stored size
 * (a deserialized node also holds offsets and headers). Past the bound, entries are dropped in the map's
 * order until a quarter is free. Records that are not B-tree nodes pass through.
 */
final class NodeCachingStore implements StoreBinary {
    private static final MethodHandle IS_DIR = isDirHandle();
    private static final int STRIPES = 64;
    private static final int ENTRY_OVERHEAD = 96;

    private final StoreBinary store;
    private final long maxBytes;
    private final Map<Long, Cached> nodes = new ConcurrentHashMap<>();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final ReentrantLock evicting = new ReentrantLock();
    private final AtomicLong weight = new AtomicLong();
    private final LongAdder hits = new LongAdder(); // counted on every step down a tree: no shared counter
    private final LongAdder misses = new LongAdder();
    /** Test hook: runs once, on the next miss, between reading the node from the store and keeping it. */
    volatile Runnable afterMissReadForTest;

    private record Cached(Object node, Serializer<?> serializer, int weight) {
    }

    NodeCachingStore(StoreBinary store, long maxBytes) {
        this.store = store;
        this.maxBytes = maxBytes;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The default bound: a sixteenth of the heap, between 4 and 64 MiB. */
    static long defaultMaxBytes() {
        return Math.max(4L << 20, Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16));
    }

    private static boolean isNode(Serializer<?> serializer) {
        return IS_DIR != null && serializer instanceof BTreeMapJava.NodeSerializer;
    }

    /** MapDB's own test of a node (package-private in MapDB 3.1.0), or null: then nothing is kept. */
    private static MethodHandle isDirHandle() {
        try {
            return MethodHandles.privateLookupIn(BTreeMapJava.Node.class, MethodHandles.lookup())
                    .findVirtual(BTreeMapJava.Node.class, "isDir", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isDir(Object node) {
        try {
            return (boolean) IS_DIR.invokeExact((BTreeMapJava.Node) node);
        } catch (Throwable e) {
            throw new IllegalStateException("MapDB's node could not be read", e);
        }
    }

    private ReentrantLock stripe(long recid) {
        return stripes[(int) (recid ^ (recid >>> 32)) & (STRIPES - 1)];
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R get(long recid, Serializer<R> serializer) {
        if (!isNode(serializer)) {
            return store.get(recid, serializer);
        }
        Cached c = nodes.get(recid);
        if (c != null) {
            hits.increment();
            return (R) c.node();
        }
        R node = store.get(recid, serializer);
        if (node == null || !isDir(node)) {
            return node; // a leaf: read where it is, never kept
        }
        misses.increment();
        ReentrantLock lock = stripe(recid);
        lock.lock();
        try {
            c = nodes.get(recid);
            if (c == null) { // read it again under the lock: what was read above may have been written since
                Sized<R> sized = new Sized<>(serializer);
                node = store.get(recid, sized);
                Runnable hook = afterMissReadForTest;
                if (hook != null) {
                    afterMissReadForTest = null;
                    hook.run();
                }
                if (node == null || !isDir(node)) {
                    return node;
                }
                c = new Cached(node, serializer, 2 * sized.size + ENTRY_OVERHEAD);
                remember(recid, c);
            }
        } finally {
            lock.unlock();
        }
        evictIfFull();
        return (R) c.node();
    }

    @Override
    public <R> void update(long recid, R record, Serializer<R> serializer) {
        if (!isNode(serializer)) {
            store.update(recid, record, serializer);
            return;
        }
        boolean keep = record != null && isDir(record);
        Sized<R> sized = keep ? new Sized<>(serializer) : null; // a leaf's size is not needed
        ReentrantLock lock = stripe(recid);
        lock.lock();
        try {
            try {
                store.update(recid, record, keep ? sized : serializer);
            } catch (RuntimeException e) {
                forget(recid);
                throw e;
            }
            if (keep) {
                remember(recid, new Cached(record, serializer, 2 * sized.size + ENTRY_OVERHEAD));
            } else {
                forget(recid);
            }
        } finally {
            lock.unlock();
        }
        evictIfFull();
    }

    @Override
    public <R> boolean compareAndSwap(long recid, R expectedOldRecord, R newRecord, Serializer<R> serializer) {
        if (!isNode(serializer)) {
            return store.compareAndSwap(recid, expectedOldRecord, newRecord, serializer);
        }
        ReentrantLock lock = stripe(recid);
        lock.lock();
        try {
            forget(recid); // read again from the store when next asked, whatever the swap did
            return store.compareAndSwap(recid, expectedOldRecord, newRecord, serializer);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <R> void delete(long recid, Serializer<R> serializer) {
        if (!isNode(serializer)) {
            store.delete(recid, serializer);
            return;
        }
        ReentrantLock lock = stripe(recid);
        lock.lock();
        try {
            forget(recid);
            store.delete(recid, serializer);
        } finally {
            lock.unlock();
        }
    }

    private void remember(long recid, Cached c) {
        Cached old = nodes.put(recid, c);
        weight.addAndGet(c.weight() - (old == null ? 0 : old.weight()));
    }

    private void forget(long recid) {
        Cached old = nodes.remove(recid);
        if (old != null) {
            weight.addAndGet(-old.weight());
        }
    }

    private void evictIfFull() {
        if (weight.get() > maxBytes) {
            evict(maxBytes - maxBytes / 4);
        }
    }

    /** Drops entries until the cache holds at most {@code target}; one thread at a time, others go on. */
    void evict(long target) {
        if (!evicting.tryLock()) {
            return;
        }
        try {
            var it = nodes.keySet().iterator();
            while (weight.get() > target && it.hasNext()) {
                forget(it.next());
            }
        } finally {
            evicting.unlock();
        }
    }

    /** What the cache holds now, in its own measure of bytes. */
    long weight() {
        return weight.get();
    }

    /** Test support: the weights of the entries held, added up (equals {@link #weight()} while nothing writes). */
    long countedWeight() {
        long sum = 0;
        for (Cached c : nodes.values()) {
            sum += c.weight();
        }
        return sum;
    }

    /** Inner nodes handed out from the cache. */
    long hits() {
        return hits.sum();
    }

    /** Inner nodes read from the store. */
    long misses() {
        return misses.sum();
    }

    /**
     * Test support: how many cached nodes differ from what the store holds for their record (serialized
     * byte for byte). Only meaningful while nothing writes.
     */
    int staleNodes() {
        int stale = 0;
        for (Map.Entry<Long, Cached> e : nodes.entrySet()) {
            Object cached = e.getValue().node();
            @SuppressWarnings("unchecked")
            Serializer<Object> ser = (Serializer<Object>) e.getValue().serializer();
            Object stored = store.get(e.getKey(), ser);
            if (stored == null || !java.util.Arrays.equals(bytes(ser, cached), bytes(ser, stored))) {
                stale++;
            }
        }
        return stale;
    }

    private static byte[] bytes(Serializer<Object> ser, Object node) {
        DataOutput2 out = new DataOutput2();
        try {
            ser.serialize(out, node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.copyBytes();
    }

    /** A node serializer that remembers how many bytes it read or wrote. */
    private static final class Sized<R> implements Serializer<R> {
        private final Serializer<R> serializer;
        int size;

        Sized(Serializer<R> serializer) {
            this.serializer = serializer;
        }

        @Override
        public void serialize(DataOutput2 out, R value) throws IOException {
            int start = out.pos;
            serializer.serialize(out, value);
            size = out.pos - start;
        }

        @Override
        public R deserialize(DataInput2 input, int available) throws IOException {
            size = available;
            return serializer.deserialize(input, available);
        }

        @Override
        public int fixedSize() {
            return serializer.fixedSize();
        }

        @Override
        public boolean isTrusted() {
            return serializer.isTrusted();
        }

        @Override
        public boolean needsAvailableSizeHint() {
            return serializer.needsAvailableSizeHint();
        }

        @Override
        public boolean equals(R a, R b) {
            return serializer.equals(a, b);
        }

        @Override
        public int hashCode(R o, int seed) {
            return serializer.hashCode(o, seed);
        }
    }

    // ---- the rest passes through

    @Override
    public long getBinaryLong(long recid, StoreBinaryGetLong f) {
        return store.getBinaryLong(recid, f);
    }

    @Override
    public long preallocate() {
        return store.preallocate();
    }

    @Override
    public <R> long put(R record, Serializer<R> serializer) {
        return store.put(record, serializer);
    }

    @Override
    public void commit() {
        store.commit();
    }

    @Override
    public void compact() {
        store.compact();
    }

    @Override
    public void close() {
        store.close();
        nodes.clear();
        weight.set(0);
    }

    @Override
    public boolean isClosed() {
        return store.isClosed();
    }

    @Override
    public void verify() {
        store.verify();
    }

    @Override
    public boolean isReadOnly() {
        return store.isReadOnly();
    }

    @Override
    public boolean fileLoad() {
        return store.fileLoad();
    }

    @Override
    public LongIterator getAllRecids() {
        return store.getAllRecids();
    }

    @Override
    public Iterable<String> getAllFiles() {
        return store.getAllFiles();
    }

    @Override
    public boolean isThreadSafe() {
        return store.isThreadSafe();
    }

    @Override
    public void checkThreadSafe() {
        store.checkThreadSafe();
    }
}
