package org.plasmid.core.mapdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.plasmid.core.Grant;
import org.plasmid.core.spi.Credential;
import org.plasmid.core.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records checkpoints of a {@link MapDbStorage} and compacts its journal behind them, on a thread of its
 * own, as its {@link CheckpointPolicy} says (see {@link Checkpoint} for what one holds).
 *
 * <p>The steps, each crash-safe: (1) make the journal durable up to the position {@code P} the
 * checkpoint starts from; (2) copy each database as of its head at that moment — the database is pinned
 * for the copy, so pushes go on and the overwritten entries it still needs stay until it is done — then
 * the accounts, into {@code <P>.ckpt.tmp}; (3) fsync it and rename it into place; (4) delete older
 * checkpoints; (5) delete the journal segments wholly before {@code P}, oldest first. A kill at any step
 * leaves either the old checkpoint with the whole journal after it or the new one with the journal after
 * it; a temporary file is deleted when the hub opens.
 *
 * <p>Pushes and pulls are never blocked for more than a moment: a database's lock is taken only to pin
 * and unpin it (and to copy its up to 1,000 remembered push ids), the account lock only to copy the
 * accounts.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    static final String THREAD_NAME = "plasmid-checkpoint";
    private static final long TICK_MILLIS = 500;
    private static final long RETRY_AFTER_FAILURE_MILLIS = 60_000;

    /**
     * A test hook: told the name of each step as it is reached (and may block there, for a test to kill
     * the process at that step). Steps: {@code copying} (a database pinned, its copy begun),
     * {@code written} (the temporary file complete), {@code renamed} (the checkpoint durable under its
     * name), {@code old-deleted} (older checkpoints deleted), {@code segment-deleted} (after each journal
     * segment deleted), {@code done}.
     */
    static volatile Consumer<String> testHook = step -> { };

    private final MapDbStorage storage;
    private final CheckpointPolicy policy;
    private final ReentrantLock running = new ReentrantLock();
    private final Object wakeup = new Object();
    private volatile boolean stopping;
    private Thread thread;
    private volatile long lastPosition;
    private volatile long lastSize;

    Checkpointer(MapDbStorage storage, CheckpointPolicy policy, long lastPosition, long lastSize) {
        this.storage = storage;
        this.policy = policy;
        this.lastPosition = lastPosition;
        this.lastSize = lastSize;
    }

    /** Starts the background thread (if the policy enables it). */
    void start() {
        if (!policy.enabled()) {
            return;
        }
        thread = new Thread(this::loop, THREAD_NAME);
        thread.setDaemon(true);
        thread.setContextClassLoader(Checkpointer.class.getClassLoader());
        thread.start();
    }

    private void loop() {
        long lastEnd = -1;
        long quietSince = System.nanoTime();
        while (!stopping) {
            synchronized (wakeup) {
                try {
                    wakeup.wait(TICK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (stopping) {
                return;
            }
            long end = storage.journal.end();
            if (end != lastEnd) {
                lastEnd = end;
                quietSince = System.nanoTime();
            }
            try {
                if (due(end, System.nanoTime() - quietSince)) {
                    checkpoint();
                }
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                LOG.warn("hub {}: checkpoint failed ({}); the journal is kept whole, retrying in {} s",
                        storage.dir, e.toString(), RETRY_AFTER_FAILURE_MILLIS / 1000);
                synchronized (wakeup) {
                    try {
                        wakeup.wait(RETRY_AFTER_FAILURE_MILLIS);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    /** Whether the policy makes a checkpoint due now. */
    private boolean due(long end, long quietNanos) {
        long tail = end - lastPosition;
        if (tail <= Journal.HEADER) {
            return false;
        }
        if (tail >= Math.max(policy.minimumTail(), (long) (policy.tailRatio() * lastSize))) {
            return true;
        }
        if (quietNanos >= policy.idleAfter().toNanos()) {
            try {
                // idle: worth it only if a segment lies wholly before the end (it would be reclaimed)
                return storage.journal.segments().size() > 1;
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * Records a checkpoint now and compacts the journal behind it; waits for one already running.
     *
     * @return what it holds, or null if the storage is closing
     */
    Checkpoint.Summary checkpoint() {
        running.lock();
        try {
            if (stopping) {
                return null;
            }
            return run();
        } catch (IOException e) {
            throw new StorageException("checkpoint failed: " + e, e);
        } finally {
            running.unlock();
        }
    }

    private Checkpoint.Summary run() throws IOException {
        long start = System.nanoTime();
        Journal journal = storage.journal;
        long position = journal.end();
        journal.sync(position); // the checkpoint must never hold what a crash could still cut from the journal
        List<Index.Db> dbs;
        long nextId;
        storage.createLock.lock();
        try {
            dbs = new ArrayList<>(storage.databases.values());
            nextId = storage.index.nextDatabaseId();
        } finally {
            storage.createLock.unlock();
        }
        dbs.sort(Comparator.comparingLong(d -> d.id));
        Pacer pacer = new Pacer(policy.dutyCycle());
        Checkpoint.Summary summary;
        try (Checkpoint.Writer out = new Checkpoint.Writer(storage.dir, position, nextId, 16L << 20)) {
            for (Index.Db d : dbs) {
                copy(d, out, pacer);
            }
            List<Credential> credentials = new ArrayList<>();
            List<Grant> grants;
            storage.accountLock.lock();
            try {
                checkUsable();
                for (String access : storage.index.accounts()) {
                    credentials.add(storage.index.credential(access));
                }
                grants = storage.index.allGrants();
            } finally {
                storage.accountLock.unlock();
            }
            for (Credential c : credentials) {
                out.credential(c);
            }
            for (Grant g : grants) {
                out.grant(g);
            }
            checkUsable();
            testHook.accept("written");
            summary = out.finish();
        }
        testHook.accept("renamed");
        for (Path old : Checkpoint.files(storage.dir)) {
            if (Checkpoint.position(old) < position) {
                Files.delete(old);
            }
        }
        Journal.syncDirectory(Checkpoint.directory(storage.dir));
        testHook.accept("old-deleted");
        long reclaimed = journal.deleteSegmentsBefore(position, () -> testHook.accept("segment-deleted"));
        lastPosition = position;
        lastSize = summary.bytes();
        testHook.accept("done");
        LOG.info("hub {}: checkpoint at journal position {} ({} databases, {} entries, {} MiB) in {} ms;"
                + " {} MiB of journal reclaimed", storage.dir, position, summary.databases(), summary.entries(),
                summary.bytes() >> 20, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), reclaimed >> 20);
        return summary;
    }

    /** Copies one database as of its head now: pinned, so the entries it needs stay while pushes go on. */
    private void copy(Index.Db d, Checkpoint.Writer out, Pacer pacer) throws IOException {
        long head;
        long size;
        long quota;
        List<Index.RememberedPush> pushes;
        d.lock.lock();
        try {
            checkUsable();
            head = storage.index.pin(d);
            size = d.size;
            quota = d.quota;
            pushes = storage.index.rememberedPushes(d);
        } finally {
            d.lock.unlock();
        }
        try {
            out.database(d.name, d.id, head, size, quota);
            testHook.accept("copying");
            IOException[] failure = new IOException[1];
            pacer.begin();
            storage.index.logEntries(d, 1, head, (store, key, revision, value) -> {
                try {
                    if (out.entry(d.id, store, key, revision, value) > 0) {
                        pacer.pause();
                        if (stopping || storage.isDamaged()) {
                            throw new IOException("the hub is closing");
                        }
                    }
                    return true;
                } catch (IOException e) {
                    failure[0] = e;
                    return false;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            out.pushes(d.id, pushes);
        } finally {
            d.lock.lock();
            try {
                storage.index.unpin(d);
            } finally {
                d.lock.unlock();
            }
        }
    }

    private void checkUsable() throws IOException {
        if (stopping) {
            throw new IOException("the hub is closing");
        }
        if (storage.isDamaged()) {
            throw new IOException("the hub's index is damaged");
        }
    }

    /** Stops the thread and waits for a checkpoint in progress to abandon its copy. */
    @Override
    public void close() {
        stopping = true;
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
        running.lock(); // a checkpoint in progress notices {@code stopping} within one frame
        running.unlock();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Works at most a share of the time: after each piece of work, sleeps in proportion to it. */
    private static final class Pacer {
        private final double duty;
        private long since;

        Pacer(double duty) {
            this.duty = duty;
        }

        void begin() {
            since = System.nanoTime();
        }

        void pause() {
            if (duty < 1) {
                long worked = System.nanoTime() - since;
                long rest = (long) (worked * (1 - duty) / duty);
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.min(rest, TimeUnit.SECONDS.toNanos(1)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            since = System.nanoTime();
        }
    }
}
