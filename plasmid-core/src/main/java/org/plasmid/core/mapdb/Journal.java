package org.plasmid.core.mapdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.stream.Stream;
import org.plasmid.core.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's append-only, checksummed, fsync'd journal: the source of truth for everything the MapDB
 * backend stores. MapDB only holds indexes derived from it (see {@link MapDbStorage}).
 *
 * <p>The journal is a sequence of segment files {@code journal/<base>.log}, where {@code base} is the
 * global byte position of the segment's first byte (so a position names one byte of the whole journal).
 * Each segment starts with an 8-byte magic; then records follow:
 * {@code [u32 length][u32 CRC32C of payload][payload]}, big-endian. A record is written with one
 * {@code write} and made durable by a dedicated sync thread, which fsyncs everything written so far
 * each time it runs: concurrent writers share one fsync (group commit), and a writer can apply its
 * change to the index while its fsync runs ({@link #requestSync}, then {@link #sync}).
 *
 * <p>On open every segment is read and checked. A torn or corrupt tail of the last segment (a crash
 * mid-write, a zero-filled or garbled end) is cut off at the last whole record, with a warning. Damage
 * anywhere else is not a crash artefact, and opening fails rather than dropping acknowledged records.
 *
 * <p>Once a write or sync fails the journal refuses all further writes (the failed record may or may
 * not be on disk, and the next record must not follow a torn one): the hub must be reopened, which
 * recovers whatever is durable.
 *
 * <p>The segment being written is filled with zeros {@link #PREALLOCATION} bytes ahead of the records, so
 * that a record's fsync writes into blocks the file already has: the file system then has no metadata to
 * commit with it (the new size, the new blocks), which made each fsync about a third faster on ext4
 * (a push's latency, and the rate of one writer, follow it). A segment's zeros are cut off when it is
 * rolled or the journal closes; after a crash they are an empty tail that opening cuts off without a
 * warning, and that {@link #check} does not count as torn.
 */
final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    static final byte[] MAGIC = {'P', 'L', 'S', 'M', 'J', 'N', 'L', '1'};
    static final int HEADER = 8;
    static final int MAX_RECORD = 256 << 20;
    static final long SEGMENT_SIZE = 64L << 20;
    /** How far ahead of the records the segment being written is filled with zeros. */
    static final int PREALLOCATION = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10).asReadOnlyBuffer();
    /** How often {@link #check} reads a bad record of the last segment again before calling it damage. */
    static final int REREADS = 3;
    private static final long REREAD_PAUSE_MILLIS = 50;
    /** Re-reads at most, over a whole check (a writer that keeps ahead of it ends it as a tail being written). */
    private static final int MAX_REREADS = 200;

    /** Receives records during replay. */
    interface RecordHandler {
        void record(long endPosition, ByteBuffer payload) throws IOException;
    }

    private final Path dir;
    private final long segmentSize;
    private final Object writeLock = new Object();
    private final Object syncLock = new Object();
    /** The name of the thread that syncs the journal to disk (one per open journal, from its first write on). */
    static final String SYNC_THREAD_NAME = "plasmid-journal-sync";

    /** Guards {@link #requested} and {@link #syncer}; waiters for durability wait on it. */
    private final Object signal = new Object();
    private long requested;
    private Thread syncer;
    private FileChannel current;
    private long currentBase;
    /** The position where the current segment's file ends: zeros from {@link #written} to here. */
    private long allocated;
    private volatile boolean zeroFillFails;
    private volatile long written;
    /** The position of the first record kept: 0 until compaction deleted the segments before a checkpoint. */
    private volatile long start;
    private volatile long durable;
    /** Records written and made durable, for the group-commit size told to the listener. */
    private volatile long recordsWritten;
    private long recordsDurable;
    private volatile MapDbStorage.SyncListener listener;
    private volatile Throwable failure;
    private volatile boolean closed;

    private Journal(Path dir, long segmentSize) {
        this.dir = dir;
        this.segmentSize = segmentSize;
    }

    /**
     * Opens (creating if needed) the journal in {@code dir}, verifying every record and cutting a torn
     * tail off the last segment.
     */
    static Journal open(Path dir) throws IOException {
        return open(dir, SEGMENT_SIZE);
    }

    static Journal open(Path dir, long segmentSize) throws IOException {
        OwnerOnly.directory(dir);
        Journal j = new Journal(dir, segmentSize);
        j.recover();
        return j;
    }

    private void recover() throws IOException {
        List<Long> bases = segmentBases();
        if (!bases.isEmpty()) {
            Path last = segment(bases.get(bases.size() - 1));
            if (Files.size(last) < HEADER) {
                // Created but torn before its magic was durable: it holds no record.
                LOG.warn("journal {}: removing a segment torn before its header", last);
                Files.delete(last);
                syncDirectory(dir);
                long base = bases.remove(bases.size() - 1);
                if (bases.isEmpty()) {
                    start = base;
                    startSegment(base);
                    durable = written;
                    return;
                }
            }
        }
        if (bases.isEmpty()) {
            startSegment(0);
            written = durable = HEADER;
            return;
        }
        // After compaction the journal starts where a checkpoint took over (the storage checks that one does).
        long expectedBase = bases.get(0);
        start = expectedBase;
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            if (base != expectedBase) {
                throw new IOException("journal segment " + segment(base) + " does not follow the previous one"
                        + " (expected base " + expectedBase + ")");
            }
            boolean last = i == bases.size() - 1;
            long validEnd = scan(base, null, base + HEADER);
            long fileEnd = base + Files.size(segment(base));
            if (validEnd < fileEnd) {
                if (!last) {
                    throw new IOException("journal segment " + segment(base) + " is damaged at position "
                            + validEnd + " and is not the last segment: refusing to drop what follows");
                }
                if (zeros(segment(base), validEnd - base)) {
                    LOG.debug("journal {}: cutting off {} bytes of zeros filled ahead of the records",
                            segment(base), fileEnd - validEnd);
                } else {
                    LOG.warn("journal {}: cutting off {} bytes of torn or corrupt tail at position {}",
                            segment(base), fileEnd - validEnd, validEnd);
                }
                try (FileChannel ch = FileChannel.open(segment(base), StandardOpenOption.WRITE)) {
                    ch.truncate(validEnd - base);
                    ch.force(true);
                }
            }
            expectedBase = validEnd;
        }
        long lastBase = bases.get(bases.size() - 1);
        current = FileChannel.open(segment(lastBase), StandardOpenOption.WRITE, StandardOpenOption.READ);
        current.position(current.size());
        currentBase = lastBase;
        written = durable = allocated = lastBase + current.size();
    }

    /** @return whether the file holds only zero bytes from {@code offset} to its end */
    private static boolean zeros(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(64 << 10);
            long pos = offset;
            while (true) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n < 0) {
                    return true;
                }
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) != 0) {
                        return false;
                    }
                }
                pos += n;
            }
        }
    }

    /**
     * Reads the records of one segment from {@code from}; returns the position after the last whole,
     * valid record. With a handler, hands each record to it.
     */
    private long scan(long base, RecordHandler handler, long from) throws IOException {
        Path file = segment(base);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer magic = ByteBuffer.allocate(HEADER);
            if (readFully(ch, magic, 0) < HEADER || !java.util.Arrays.equals(magic.array(), MAGIC)) {
                throw new IOException("journal segment " + file + " has no valid header");
            }
            long pos = from - base;
            ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
            CRC32C crc = new CRC32C();
            while (pos + 8 <= size) {
                header.clear();
                readFully(ch, header, pos);
                int length = header.getInt(0);
                int checksum = header.getInt(4);
                if (length <= 0 || length > MAX_RECORD || pos + 8 + length > size) {
                    break;
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                readFully(ch, payload, pos + 8);
                crc.reset();
                crc.update(payload.array(), 0, length);
                if ((int) crc.getValue() != checksum) {
                    break;
                }
                pos += 8 + length;
                if (handler != null) {
                    payload.flip();
                    handler.record(base + pos, payload);
                }
            }
            return base + pos;
        }
    }

    private static int readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /**
     * What a read-only check of a journal found.
     *
     * @param start the first segment's base
     * @param end the position after the last whole record
     * @param tornTail bytes after the last whole record of the last segment (a crash artefact, or a record
     *     being written while a server holds the hub)
     * @param damage what is wrong beyond a torn tail, or null
     */
    record Check(long start, long end, int segments, long records, long tornTail, String damage) {
    }

    /**
     * Checks every segment and record of the journal in {@code dir} without changing anything: the
     * magic, the checksums, and that each segment starts where the previous one ends. A record of the
     * last segment that fails its checksum with data after it is read again after a pause, up to
     * {@value #REREADS} times, before it is called damage: a server holding the hub may have been writing it.
     *
     * @param handler given each whole record in order, until damage is found (may be null)
     */
    static Check check(Path dir, RecordHandler handler) throws IOException {
        return check(dir, handler, Journal::pauseBeforeReread);
    }

    private static void pauseBeforeReread() {
        try {
            Thread.sleep(REREAD_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@link #check(Path, RecordHandler)}, with what runs before a bad record of the last segment is read
     * again (a pause; a test repairs the record there, as a writer finishing it would).
     */
    static Check check(Path dir, RecordHandler handler, Runnable beforeReread) throws IOException {
        Journal j = new Journal(dir, SEGMENT_SIZE);
        List<Long> bases = j.segmentBases();
        if (bases.isEmpty()) {
            return new Check(0, HEADER, 0, 0, 0, "the journal has no segment");
        }
        long[] records = {0};
        RecordHandler counting = (end, payload) -> {
            records[0]++;
            if (handler != null) {
                handler.record(end, payload);
            }
        };
        long expected = bases.get(0);
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            Path file = j.segment(base);
            if (base != expected) {
                return new Check(bases.get(0), expected, i, records[0], 0, "segment " + file.getFileName()
                        + " does not start where the previous one ends (position " + expected + ")");
            }
            long fileEnd = base + Files.size(file);
            long validEnd;
            try {
                validEnd = j.scan(base, counting, base + HEADER);
            } catch (IOException e) {
                return new Check(bases.get(0), expected, i, records[0], 0, e.getMessage());
            }
            if (validEnd < fileEnd) {
                if (i < bases.size() - 1) {
                    return new Check(bases.get(0), validEnd, i + 1, records[0], 0, "segment " + file.getFileName()
                            + " is damaged at position " + validEnd + " (a bad checksum or length), "
                            + (fileEnd - validEnd) + " bytes before its end, and segments follow it");
                }
                // A server holding the hub writes the last segment while it is read: a record read half
                // written fails its checksum, and may be whole, with more records after it, by the time
                // the bytes after it are looked at. So a bad record followed by data is read again, after
                // a pause, before it is called damage; damage stays bad however often it is read.
                int rereads = 0;
                int total = 0;
                while (true) {
                    if (zeros(file, validEnd - base)) { // filled ahead of the records: nothing written there
                        return new Check(bases.get(0), validEnd, i + 1, records[0], 0, null);
                    }
                    long following = j.bytesAfterBadRecord(file, validEnd - base);
                    if (following <= 0 || total == MAX_REREADS) { // a torn write, or a record being written
                        return new Check(bases.get(0), validEnd, i + 1, records[0],
                                Math.max(0, base + Files.size(file) - validEnd), null);
                    }
                    if (rereads == REREADS) {
                        return new Check(bases.get(0), validEnd, i + 1, records[0], 0, "segment "
                                + file.getFileName() + " is damaged at position " + validEnd + ": a whole record "
                                + "with a bad checksum, " + following + " bytes before the end (not a torn write)");
                    }
                    rereads++;
                    total++;
                    beforeReread.run();
                    long reread;
                    try {
                        reread = j.scan(base, counting, validEnd);
                    } catch (IOException e) {
                        return new Check(bases.get(0), validEnd, i + 1, records[0], 0, e.getMessage());
                    }
                    if (reread > validEnd) { // it was being written: go on from where the records end now
                        validEnd = reread;
                        rereads = 0;
                    }
                    if (validEnd >= base + Files.size(file)) {
                        return new Check(bases.get(0), validEnd, i + 1, records[0], 0, null);
                    }
                }
            }
            expected = validEnd;
        }
        return new Check(bases.get(0), expected, bases.size(), records[0], 0, null);
    }

    /**
     * How many bytes follow the record at {@code offset} of a segment whose checksum failed: more than 0
     * means the record is whole (its length fits) and something follows it — damage, not a torn write.
     * Zeros filled ahead of the records do not count: a record torn into them is followed by nothing else.
     */
    private long bytesAfterBadRecord(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(8);
            if (readFully(ch, header, offset) < 8) {
                return 0;
            }
            int length = header.getInt(0);
            if (length <= 0 || length > MAX_RECORD) {
                return 0;
            }
            long after = offset + 8 + length;
            return after < ch.size() && !zeros(file, after) ? ch.size() - after : 0;
        }
    }

    /** Hands every record after position {@code from} (a record boundary) to {@code handler}, in order. */
    void replay(long from, RecordHandler handler) throws IOException {
        for (long base : segmentBases()) {
            long end = base + Files.size(segment(base));
            if (end <= from) {
                continue;
            }
            long start = Math.max(from, base + HEADER);
            long stop = scan(base, handler, start);
            if (stop != end) {
                throw new IOException("journal segment " + segment(base) + " changed during replay");
            }
        }
    }

    /**
     * Writes a record (not yet durable: call {@link #sync}).
     *
     * @return the journal position after the record
     */
    long append(byte[] payload) {
        if (payload.length == 0 || payload.length > MAX_RECORD) {
            throw new IllegalArgumentException("record size " + payload.length);
        }
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer buf = ByteBuffer.allocate(8 + payload.length);
        buf.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        synchronized (writeLock) {
            checkUsable();
            try {
                if (written - currentBase + buf.remaining() > segmentSize && written - currentBase > HEADER) {
                    roll();
                }
                preallocate(written + buf.remaining());
                while (buf.hasRemaining()) {
                    current.write(buf);
                }
                written += 8 + payload.length;
                allocated = Math.max(allocated, written);
                recordsWritten++;
                return written;
            } catch (IOException | RuntimeException e) {
                fail(e);
                throw new StorageException("journal write failed: " + e, e);
            }
        }
    }

    /**
     * Asks the sync thread to make everything up to {@code position} durable, without waiting: the caller
     * can do other work (apply the change to the index) while the fsync runs.
     */
    void requestSync(long position) {
        synchronized (signal) {
            if (position > requested) {
                requested = position;
                signal.notifyAll();
            }
            if (syncer == null && !closed) {
                syncer = new Thread(this::syncLoop, SYNC_THREAD_NAME);
                syncer.setDaemon(true);
                // Started by the first write, which may come from a web application's request: the thread would
                // inherit that application's class loader, keep it from being collected after the application
                // stops (the hub may outlive it), and servlet containers report it as a leak.
                syncer.setContextClassLoader(Journal.class.getClassLoader());
                syncer.start();
            }
        }
    }

    /**
     * Waits until every record up to {@code position} is durable. Concurrent callers share fsyncs (group
     * commit): the sync thread syncs everything written so far each time it runs.
     *
     * @throws StorageException if a sync failed (the record may or may not be on disk) or the journal closed
     */
    void sync(long position) {
        if (durable >= position) {
            return;
        }
        requestSync(position);
        synchronized (signal) {
            while (durable < position) {
                if (failure != null) {
                    throw new StorageException("journal sync failed: " + failure, failure, true);
                }
                if (closed) {
                    throw new StorageException("journal closed before the record was synced", null, true);
                }
                try {
                    signal.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageException("interrupted while waiting for the journal sync", e, true);
                }
            }
        }
    }

    private void syncLoop() {
        while (true) {
            synchronized (signal) {
                while (requested <= durable && !closed && failure == null) {
                    try {
                        signal.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed || failure != null) {
                    signal.notifyAll();
                    return;
                }
            }
            synchronized (syncLock) {
                if (!closed && failure == null) {
                    long records = recordsWritten; // read first: at most the records below target
                    long target = written;
                    MapDbStorage.SyncListener l = listener;
                    long start = l == null ? 0 : System.nanoTime();
                    try {
                        current.force(false);
                        durable = target;
                        if (l != null) {
                            l.synced(System.nanoTime() - start,
                                    (int) Math.min(Integer.MAX_VALUE, records - recordsDurable));
                        }
                        recordsDurable = records;
                    } catch (IOException | RuntimeException e) {
                        fail(e);
                    }
                }
            }
            synchronized (signal) {
                signal.notifyAll();
            }
        }
    }

    /**
     * Makes sure the current segment's file reaches past {@code end}, filling it with zeros up to
     * {@link #PREALLOCATION} bytes further (never past the segment's size). Holds writeLock.
     */
    private void preallocate(long end) {
        if (end <= allocated) {
            return;
        }
        long to = Math.min(currentBase + segmentSize, end + PREALLOCATION);
        try {
            if (zeroFillFails) {
                throw new IOException("No space left on device (simulated)");
            }
            while (allocated < to) {
                ByteBuffer z = ZEROS.duplicate();
                z.limit((int) Math.min(z.capacity(), to - allocated));
                allocated += current.write(z, allocated - currentBase);
            }
        } catch (IOException e) {
            // Only a speed-up: a disk too full for the zeros may still hold the record. Not again in this
            // segment; what was filled is cut off with the rest when the segment rolls or the journal closes.
            allocated = Long.MAX_VALUE;
            LOG.warn("journal {}: cannot fill the segment with zeros ahead of the records ({}); writing on"
                    + " without (slower fsyncs) until the next segment", dir, e.toString());
        }
    }

    /** Test hook: filling zeros ahead fails from now on, as on a full disk. */
    void failZeroFillForTest() {
        zeroFillFails = true;
    }

    /**
     * Cuts the zeros filled ahead of the records off the current segment (all that follows the records,
     * also after filling failed part-way). Holds writeLock and syncLock.
     */
    private void trimPreallocation() throws IOException {
        if (allocated > written) {
            current.truncate(written - currentBase);
            allocated = written;
        }
    }

    /** Switches to a new segment; the old one is trimmed and made durable first. Holds writeLock. */
    private void roll() throws IOException {
        synchronized (syncLock) {
            trimPreallocation();
            current.force(true);
            durable = written;
            current.close();
            startSegment(written);
        }
    }

    private void startSegment(long base) throws IOException {
        Path file = segment(base);
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ), OwnerOnly.file());
        ch.write(ByteBuffer.wrap(MAGIC));
        ch.force(true);
        syncDirectory(dir);
        current = ch;
        currentBase = base;
        written = allocated = base + HEADER;
    }

    private void checkUsable() {
        if (failure != null) {
            throw new StorageException("journal is unusable after an earlier failure; reopen the hub", failure);
        }
        if (closed) {
            throw new StorageException("journal is closed", null);
        }
    }

    private void fail(Throwable e) {
        if (failure == null) {
            failure = e;
            LOG.error("journal {} failed; no further writes until the hub is reopened", dir, e);
        }
    }

    /** @param l told of every fsync of the sync thread from now on; null for none */
    void syncListener(MapDbStorage.SyncListener l) {
        listener = l;
    }

    /** @return the position after the last record written */
    long end() {
        return written;
    }

    /** @return the position of the first record kept (segments before it were compacted away) */
    long start() {
        return start;
    }

    /** @return the size of the journal kept, in bytes (all its segment files, zeros filled ahead included) */
    long size() throws IOException {
        long total = 0;
        for (long base : segmentBases()) {
            total += Files.size(segment(base));
        }
        return total;
    }

    /**
     * Deletes the segments that lie wholly before {@code position} (a durable checkpoint's), oldest
     * first, so what remains is always a contiguous journal; the segment being written is never deleted.
     *
     * @param afterEach run after each deletion (a test hook)
     * @return the bytes reclaimed
     */
    long deleteSegmentsBefore(long position, Runnable afterEach) throws IOException {
        List<Long> bases = segmentBases();
        long reclaimed = 0;
        for (int i = 0; i + 1 < bases.size() && bases.get(i + 1) <= position; i++) {
            Path file = segment(bases.get(i));
            long size = Files.size(file);
            start = bases.get(i + 1);
            Files.delete(file);
            syncDirectory(dir);
            reclaimed += size;
            afterEach.run();
        }
        return reclaimed;
    }

    /** @return the segment files, oldest first */
    List<Path> segments() throws IOException {
        List<Path> result = new ArrayList<>();
        for (long base : segmentBases()) {
            result.add(segment(base));
        }
        return result;
    }

    private List<Long> segmentBases() throws IOException {
        List<Long> bases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.matches("\\d{20}\\.log")) {
                    bases.add(Long.parseLong(name.substring(0, 20)));
                }
            }
        }
        bases.sort(null);
        return bases;
    }

    private Path segment(long base) {
        return dir.resolve(String.format("%020d.log", base));
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }

    @Override
    public void close() throws IOException {
        Thread t;
        synchronized (signal) {
            t = syncer;
        }
        synchronized (writeLock) {
            synchronized (syncLock) {
                if (closed) {
                    return;
                }
                closed = true;
                if (current != null && failure == null) {
                    trimPreallocation();
                    current.force(true);
                    durable = written;
                }
                if (current != null) {
                    current.close();
                }
            }
        }
        synchronized (signal) {
            signal.notifyAll();
        }
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
