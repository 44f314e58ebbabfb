package org.plasmid.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.plasmid.core.Grant;
import org.plasmid.core.spi.AppendResult;
import org.plasmid.core.spi.Credential;
import org.plasmid.core.spi.EntryReader;
import org.plasmid.core.spi.Storage;
import org.plasmid.core.spi.StorageException;
import org.plasmid.core.spi.Write;

/**
 * A {@link Storage} that passes every call to a real one (the MapDB backend) and injects the faults a
 * test plans. Every fault keeps the SPI's promise, because a real backend keeps it too: a call that
 * fails <em>before</em> reaching the real storage had no effect ({@link #failNext}, {@link #failCall},
 * {@link #down}); a write that reached it and then failed says so with
 * {@link StorageException#outcomeUnknown()} ({@link #failAfterWrite}, as a backend whose sync failed
 * after the write); a read may fail part way through its entries ({@link #failReadAfter}); a write may
 * stall while holding its database, as a backend that serializes appends per database does during a
 * slow commit ({@link #stallNext}). Nothing here can make a partial write visible: the real storage's
 * atomicity is what the tests rely on and check.
 */
final class FaultyStorage implements Storage {

    /** The SPI's calls. */
    enum Op {
        REVISION, STORED_BYTES, CREATE_DATABASE, APPEND, FIND_PUSH, READ_CHANGES, READ_STATE, LIST_DATABASES,
        CREDENTIAL, CREATE_ACCOUNT, UPDATE_CREDENTIAL, LIST_ACCOUNTS, GRANTS, PUT_GRANT, REMOVE_GRANT,
        DATABASE_QUOTA, SET_DATABASE_QUOTA, DELEGATED_BY
    }

    /** A write held until the test releases it. */
    static final class Stall {
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final java.util.concurrent.atomic.AtomicInteger skip = new java.util.concurrent.atomic.AtomicInteger();

        /** Waits until a call is stalled here. */
        void awaitStalled() throws InterruptedException {
            if (!reached.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("no call reached the stall");
            }
        }

        void release() {
            released.countDown();
        }
    }

    private final Storage inner;
    private final Map<Op, Integer> failBefore = new ConcurrentHashMap<>();
    private final Map<Op, Integer> failAfter = new ConcurrentHashMap<>();
    private final Map<Op, Integer> failReads = new ConcurrentHashMap<>();
    private final Map<Op, Stall> stalls = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> databaseLocks = new ConcurrentHashMap<>();
    private final List<Op> calls = new ArrayList<>();
    private volatile boolean down;
    private long failAtCall = -1;
    private int injected;

    FaultyStorage(Storage inner) {
        this.inner = inner;
    }

    // ---- planning faults

    /** The next {@code times} calls of {@code op} fail before reaching the real storage. */
    void failNext(Op op, int times) {
        failBefore.put(op, times);
    }

    /** The {@code n}-th call from now (0 is the next one), of any kind, fails before reaching storage. */
    synchronized void failCall(long n) {
        failAtCall = calls.size() + n;
    }

    /** While down, every call fails before reaching the real storage (the disk or database is gone). */
    void down(boolean isDown) {
        this.down = isDown;
    }

    /** The next {@code times} writes of {@code op} reach the real storage, then fail with outcome unknown. */
    void failAfterWrite(Op op, int times) {
        failAfter.put(op, times);
    }

    /** The next read of {@code op} ({@link Op#READ_CHANGES} or {@link Op#READ_STATE}) fails after that many entries. */
    void failReadAfter(Op op, int entries) {
        failReads.put(op, entries);
    }

    /** The next call of {@code op} waits, holding its database, until the returned stall is released. */
    Stall stallNext(Op op) {
        return stallNext(op, 0);
    }

    /** The call of {@code op} after the next {@code skip} ones waits, as {@link #stallNext(Op)}. */
    Stall stallNext(Op op, int skip) {
        Stall s = new Stall();
        s.skip.set(skip);
        stalls.put(op, s);
        return s;
    }

    /** Clears every planned fault; the storage works normally again. */
    synchronized void clear() {
        failBefore.clear();
        failAfter.clear();
        failReads.clear();
        stalls.values().forEach(Stall::release);
        stalls.clear();
        down = false;
        failAtCall = -1;
    }

    /** @return the calls made so far, in order */
    synchronized List<Op> calls() {
        return List.copyOf(calls);
    }

    /** @return how many faults were injected so far */
    synchronized int injected() {
        return injected;
    }

    // ---- the machinery

    private <T> T call(Op op, String database, Supplier<T> real) {
        boolean fail;
        synchronized (this) {
            fail = down || calls.size() == failAtCall || take(failBefore, op);
            calls.add(op);
            if (fail) {
                injected++;
            }
        }
        if (fail) {
            throw new StorageException("injected I/O error in " + op, new java.io.IOException("disk unplugged"));
        }
        Stall stall = stalls.get(op);
        if (stall != null && stall.skip.getAndDecrement() <= 0 && stalls.remove(op, stall)) {
            return stalled(stall, database, real);
        }
        T result = real.get();
        if (take(failAfter, op)) {
            synchronized (this) {
                injected++;
            }
            throw new StorageException("injected sync failure after " + op, new java.io.IOException("fsync failed"),
                    true);
        }
        return result;
    }

    private <T> T stalled(Stall stall, String database, Supplier<T> real) {
        ReentrantLock lock = databaseLocks.computeIfAbsent(database == null ? "" : database, k -> new ReentrantLock());
        lock.lock();
        try {
            stall.reached.countDown();
            try {
                if (!stall.released.await(30, TimeUnit.SECONDS)) {
                    throw new StorageException("stall never released", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("interrupted while stalled", e);
            }
            return real.get();
        } finally {
            lock.unlock();
        }
    }

    /** Appends wait for a stalled append to the same database, as a backend serializing them would. */
    private <T> T serialized(String database, Supplier<T> real) {
        ReentrantLock lock = databaseLocks.computeIfAbsent(database, k -> new ReentrantLock());
        lock.lock();
        try {
            return real.get();
        } finally {
            lock.unlock();
        }
    }

    private static boolean take(Map<Op, Integer> plan, Op op) {
        boolean[] hit = new boolean[1];
        plan.computeIfPresent(op, (k, n) -> {
            hit[0] = true;
            return n > 1 ? n - 1 : null;
        });
        return hit[0];
    }

    private EntryReader failingAfter(Op op, EntryReader visitor) {
        Integer limit = failReads.remove(op);
        if (limit == null) {
            return visitor;
        }
        int[] seen = new int[1];
        return (store, key, revision, value) -> {
            if (seen[0]++ >= limit) {
                synchronized (this) {
                    injected++;
                }
                throw new StorageException("injected read error after " + limit + " entries", null);
            }
            return visitor.entry(store, key, revision, value);
        };
    }

    // ---- the SPI

    @Override
    public OptionalLong revision(String database) {
        return call(Op.REVISION, database, () -> inner.revision(database));
    }

    @Override
    public long storedBytes(String database) {
        return call(Op.STORED_BYTES, database, () -> inner.storedBytes(database));
    }

    @Override
    public boolean createDatabase(String database, long quota) {
        return call(Op.CREATE_DATABASE, database, () -> inner.createDatabase(database, quota));
    }

    @Override
    public long databaseQuota(String database) {
        return call(Op.DATABASE_QUOTA, database, () -> inner.databaseQuota(database));
    }

    @Override
    public boolean setDatabaseQuota(String database, long quota) {
        return call(Op.SET_DATABASE_QUOTA, database, () -> inner.setDatabaseQuota(database, quota));
    }

    @Override
    public AppendResult append(String database, long expectedHead, List<Write> writes, String pushId,
            long maxStoredBytes) {
        return call(Op.APPEND, database, () -> serialized(database,
                () -> inner.append(database, expectedHead, writes, pushId, maxStoredBytes)));
    }

    @Override
    public Optional<AppendResult> findPush(String database, String pushId) {
        return call(Op.FIND_PUSH, database, () -> inner.findPush(database, pushId));
    }

    @Override
    public long readChanges(String database, long since, EntryReader visitor) {
        return call(Op.READ_CHANGES, database,
                () -> inner.readChanges(database, since, failingAfter(Op.READ_CHANGES, visitor)));
    }

    @Override
    public long readState(String database, EntryReader visitor) {
        return call(Op.READ_STATE, database, () -> inner.readState(database, failingAfter(Op.READ_STATE, visitor)));
    }

    @Override
    public void listDatabases(Consumer<String> visitor) {
        call(Op.LIST_DATABASES, null, () -> {
            inner.listDatabases(visitor);
            return null;
        });
    }

    @Override
    public Optional<Credential> credential(String access) {
        return call(Op.CREDENTIAL, null, () -> inner.credential(access));
    }

    @Override
    public boolean createAccount(Credential credential, List<Grant> grants, String database, long databaseQuota) {
        return call(Op.CREATE_ACCOUNT, database, () -> inner.createAccount(credential, grants, database, databaseQuota));
    }

    @Override
    public boolean updateCredential(Credential credential) {
        return call(Op.UPDATE_CREDENTIAL, null, () -> inner.updateCredential(credential));
    }

    @Override
    public void listAccounts(Consumer<String> visitor) {
        call(Op.LIST_ACCOUNTS, null, () -> {
            inner.listAccounts(visitor);
            return null;
        });
    }

    @Override
    public List<Grant> grants(String access) {
        return call(Op.GRANTS, null, () -> inner.grants(access));
    }

    @Override
    public List<Grant> delegatedBy(String delegator) {
        return call(Op.DELEGATED_BY, null, () -> inner.delegatedBy(delegator));
    }

    @Override
    public void putGrant(Grant grant) {
        call(Op.PUT_GRANT, null, () -> {
            inner.putGrant(grant);
            return null;
        });
    }

    @Override
    public boolean removeGrant(String access, String permission, String resource) {
        return call(Op.REMOVE_GRANT, null, () -> inner.removeGrant(access, permission, resource));
    }

    @Override
    public void close() {
        inner.close();
    }
}
