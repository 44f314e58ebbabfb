package org.plasmid.core.mapdb;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.plasmid.core.Grant;
import org.plasmid.core.spi.Credential;

/**
 * A checkpoint: the hub's whole live state as of one journal position, from which recovery replays only
 * the journal written after it. It holds what the protocol still serves and nothing else: each
 * database's head, stored size and quota, the latest entry (value or tombstone, with its revision) of
 * every key, the remembered push ids, every credential and grant. Everything older is what compaction
 * drops: once a checkpoint is durable, the journal segments wholly before its position are deleted.
 *
 * <p>The file {@code checkpoints/<position>.ckpt} is written as {@code .ckpt.tmp}, fsync'd and renamed
 * into place, so a file with the final name is whole. Its frames are framed like the journal's
 * ({@code [u32 length][u32 CRC32C][payload]}) after an 8-byte magic, and it ends with a frame counting
 * what it holds: a checkpoint without it, or with a bad checksum, is damaged and never loaded.
 *
 * <p>The state may be "fuzzy": each database is copied as of its head at the moment its copy starts
 * (which is at or after the position), accounts as of a later moment. Replaying the journal from the
 * position over it gives the same index as replaying everything, because a push at or below a copied
 * head is skipped and every other record sets a value (what it sets is the same whether applied once or
 * again, in order).
 */
final class Checkpoint {
    static final String DIRECTORY = "checkpoints";
    static final String SUFFIX = ".ckpt";
    static final byte[] MAGIC = {'P', 'L', 'S', 'M', 'C', 'K', 'P', '1'};
    private static final byte HEADER = 1;
    private static final byte DATABASE = 2;
    private static final byte ENTRIES = 3;
    private static final byte PUSHES = 4;
    private static final byte CREDENTIAL = 5;
    private static final byte GRANT = 6;
    private static final byte END = 7;
    /** A frame of entries is cut at about this size. */
    static final int BATCH = 1 << 20;

    private Checkpoint() {
    }

    /** What a checkpoint holds, counted. */
    record Summary(Path file, long position, long databases, long entries, long credentials, long grants,
            long bytes) {
    }

    /** Receives a checkpoint's contents in file order (each method does nothing unless overridden). */
    interface Visitor {
        /** Whether {@link #entry} is wanted: when not, entry frames are checked and counted only. */
        default boolean wantsEntries() {
            return true;
        }

        default void header(long position, long nextDatabaseId) throws IOException {
        }

        default void database(String name, long id, long head, long size, long quota) throws IOException {
        }

        default void entry(long databaseId, String store, String key, long revision, byte[] value)
                throws IOException {
        }

        default void push(long databaseId, Index.RememberedPush push) throws IOException {
        }

        default void credential(Credential c) throws IOException {
        }

        default void grant(Grant g) throws IOException {
        }
    }

    static Path directory(Path hub) {
        return hub.resolve(DIRECTORY);
    }

    static Path file(Path hub, long position) {
        return directory(hub).resolve(String.format("%020d", position) + SUFFIX);
    }

    /** The checkpoint files of a hub, newest (highest position) first; temporary files excluded. */
    static List<Path> files(Path hub) throws IOException {
        Path dir = directory(hub);
        List<Path> result = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("\\d{20}\\" + SUFFIX)).forEach(result::add);
        }
        result.sort((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()));
        return result;
    }

    static long position(Path file) {
        return Long.parseLong(file.getFileName().toString().substring(0, 20));
    }

    // ---- writing

    /** Writes a checkpoint file frame by frame; {@link #finish} makes it durable under its final name. */
    static final class Writer implements AutoCloseable {
        private final Path hub;
        private final long position;
        private final Path tmp;
        private final FileChannel channel;
        private final ByteArrayOutputStream frame = new ByteArrayOutputStream(BATCH + 4096);
        private final DataOutputStream out = new DataOutputStream(frame);
        private final CRC32C crc = new CRC32C();
        private final long syncEvery;
        private long bytes;
        private long unsynced;
        private long databases;
        private long entries;
        private long credentials;
        private long grants;
        private long entryDatabase = -1;
        private int entryCount;
        private boolean finished;

        /**
         * @param syncEvery fsync after this many bytes (spreads the write-back instead of one burst at the
         *     end, which would stall the journal's own fsyncs on the same disk)
         */
        Writer(Path hub, long position, long nextDatabaseId, long syncEvery) throws IOException {
            this.hub = hub;
            this.position = position;
            this.syncEvery = syncEvery;
            Path dir = directory(hub);
            OwnerOnly.directory(dir);
            tmp = dir.resolve(String.format("%020d", position) + SUFFIX + ".tmp");
            Files.deleteIfExists(tmp);
            channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    OwnerOnly.file());
            write(ByteBuffer.wrap(MAGIC));
            begin(HEADER);
            out.writeLong(position);
            out.writeLong(nextDatabaseId);
            out.writeLong(System.currentTimeMillis());
            flushFrame();
        }

        void database(String name, long id, long head, long size, long quota) throws IOException {
            flushEntries();
            begin(DATABASE);
            out.writeUTF(name);
            out.writeLong(id);
            out.writeLong(head);
            out.writeLong(size);
            out.writeLong(quota);
            flushFrame();
            databases++;
        }

        /** Adds an entry to the current frame; returns the bytes written to the file by this call (0 or a frame). */
        long entry(long databaseId, String store, String key, long revision, byte[] value) throws IOException {
            long before = bytes;
            if (entryDatabase != databaseId || frame.size() >= BATCH) {
                flushEntries();
                begin(ENTRIES);
                out.writeLong(databaseId);
                entryDatabase = databaseId;
            }
            out.writeUTF(store);
            out.writeUTF(key);
            out.writeLong(revision);
            if (value == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(value.length);
                out.write(value);
            }
            entryCount++;
            entries++;
            return bytes - before;
        }

        void pushes(long databaseId, List<Index.RememberedPush> pushes) throws IOException {
            flushEntries();
            begin(PUSHES);
            out.writeLong(databaseId);
            out.writeInt(pushes.size());
            for (Index.RememberedPush p : pushes) {
                out.writeUTF(p.pushId());
                out.writeLong(p.revision());
                out.writeInt(p.saved());
            }
            flushFrame();
        }

        void credential(Credential c) throws IOException {
            flushEntries();
            begin(CREDENTIAL);
            Records.writeCredential(out, c);
            flushFrame();
            credentials++;
        }

        void grant(Grant g) throws IOException {
            flushEntries();
            begin(GRANT);
            Records.writeGrant(out, g);
            flushFrame();
            grants++;
        }

        /** Ends the file, makes it durable and renames it into place. */
        Summary finish() throws IOException {
            flushEntries();
            begin(END);
            out.writeLong(databases);
            out.writeLong(entries);
            out.writeLong(credentials);
            out.writeLong(grants);
            flushFrame();
            channel.force(true);
            channel.close();
            finished = true;
            Path target = file(hub, position);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Journal.syncDirectory(directory(hub));
            return new Summary(target, position, databases, entries, credentials, grants, bytes);
        }

        long bytes() {
            return bytes;
        }

        private void begin(byte type) throws IOException {
            frame.reset();
            out.writeByte(type);
        }

        private void flushEntries() throws IOException {
            if (entryDatabase >= 0) {
                // the count follows the entries' database id: patch it into the frame's header position
                byte[] payload = frame.toByteArray();
                byte[] withCount = new byte[payload.length + 4];
                System.arraycopy(payload, 0, withCount, 0, 9);
                ByteBuffer.wrap(withCount, 9, 4).putInt(entryCount);
                System.arraycopy(payload, 9, withCount, 13, payload.length - 9);
                frame.reset();
                frame.write(withCount);
                flushFrame();
                entryDatabase = -1;
                entryCount = 0;
            }
        }

        private void flushFrame() throws IOException {
            out.flush();
            byte[] payload = frame.toByteArray();
            crc.reset();
            crc.update(payload);
            ByteBuffer buf = ByteBuffer.allocate(8 + payload.length);
            buf.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
            write(buf);
            frame.reset();
        }

        private void write(ByteBuffer buf) throws IOException {
            int n = buf.remaining();
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            bytes += n;
            unsynced += n;
            if (unsynced >= syncEvery) {
                channel.force(false);
                unsynced = 0;
            }
        }

        /** Abandons an unfinished checkpoint: its temporary file is deleted. */
        @Override
        public void close() throws IOException {
            if (!finished) {
                channel.close();
                Files.deleteIfExists(tmp);
            }
        }
    }

    // ---- reading

    /**
     * Reads a whole checkpoint, checking every frame and the closing counts.
     *
     * @throws IOException if it is damaged or incomplete (the message says where)
     */
    static Summary read(Path file, Visitor visitor) throws IOException {
        return read(file, visitor, false);
    }

    /**
     * @param checked whether the file was read whole and found sound just before: entry frames are then
     *     skipped unchecked when the visitor does not want entries
     */
    private static Summary read(Path file, Visitor visitor, boolean checked) throws IOException {
        try (InputStream raw = new BufferedInputStream(Channels.newInputStream(FileChannel.open(file,
                StandardOpenOption.READ)), 1 << 16)) {
            DataInputStream in = new DataInputStream(raw);
            byte[] magic = new byte[MAGIC.length];
            try {
                in.readFully(magic);
            } catch (EOFException e) {
                throw new IOException("checkpoint " + file + " has no header");
            }
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("checkpoint " + file + " has no valid header");
            }
            long offset = MAGIC.length;
            long position = -1;
            long databases = 0;
            long entries = 0;
            long credentials = 0;
            long grants = 0;
            CRC32C crc = new CRC32C();
            while (true) {
                int length;
                int checksum;
                byte[] payload;
                try {
                    length = in.readInt();
                    checksum = in.readInt();
                    if (length <= 0 || length > Journal.MAX_RECORD) {
                        throw new IOException("checkpoint " + file + " is damaged at offset " + offset
                                + " (frame length " + length + ")");
                    }
                    if (!visitor.wantsEntries() && checked) {
                        // entries not wanted, and the frames were checked before: read the type and count only
                        payload = new byte[Math.min(length, 13)];
                        in.readFully(payload);
                        if (payload[0] == ENTRIES) {
                            in.skipNBytes(length - payload.length);
                            offset += 8 + length;
                            entries += ByteBuffer.wrap(payload, 9, 4).getInt();
                            continue;
                        }
                        if (length > payload.length) {
                            int read = payload.length;
                            payload = Arrays.copyOf(payload, length);
                            in.readFully(payload, read, length - read);
                        }
                    } else {
                        payload = new byte[length];
                        in.readFully(payload);
                    }
                } catch (EOFException e) {
                    throw new IOException("checkpoint " + file + " is incomplete: it ends at offset " + offset
                            + " without its closing frame");
                }
                crc.reset();
                crc.update(payload);
                if ((int) crc.getValue() != checksum) {
                    throw new IOException("checkpoint " + file + " is damaged at offset " + offset
                            + " (checksum mismatch)");
                }
                offset += 8 + length;
                DataInputStream f = new DataInputStream(new ByteArrayInputStream(payload, 1, length - 1));
                byte type = payload[0];
                if (position < 0 && type != HEADER) {
                    throw new IOException("checkpoint " + file + " does not start with its header frame");
                }
                switch (type) {
                    case HEADER -> {
                        position = f.readLong();
                        if (position != position(file)) {
                            throw new IOException("checkpoint " + file + " records position " + position
                                    + ", not the one its name gives");
                        }
                        visitor.header(position, f.readLong());
                    }
                    case DATABASE -> {
                        visitor.database(f.readUTF(), f.readLong(), f.readLong(), f.readLong(), f.readLong());
                        databases++;
                    }
                    case ENTRIES -> {
                        long db = f.readLong();
                        int n = f.readInt();
                        for (int i = 0; i < n && visitor.wantsEntries(); i++) {
                            String store = f.readUTF();
                            String key = f.readUTF();
                            long revision = f.readLong();
                            int len = f.readInt();
                            byte[] value = null;
                            if (len >= 0) {
                                value = new byte[len];
                                f.readFully(value);
                            }
                            visitor.entry(db, store, key, revision, value);
                        }
                        entries += n;
                    }
                    case PUSHES -> {
                        long db = f.readLong();
                        int n = f.readInt();
                        for (int i = 0; i < n; i++) {
                            visitor.push(db, new Index.RememberedPush(f.readUTF(), f.readLong(), f.readInt()));
                        }
                    }
                    case CREDENTIAL -> {
                        visitor.credential(Records.readCredential(f));
                        credentials++;
                    }
                    case GRANT -> {
                        visitor.grant(Records.readGrant(Records.GRANT_V2, f));
                        grants++;
                    }
                    case END -> {
                        long[] counted = {f.readLong(), f.readLong(), f.readLong(), f.readLong()};
                        long[] seen = {databases, entries, credentials, grants};
                        if (!Arrays.equals(counted, seen)) {
                            throw new IOException("checkpoint " + file + " holds " + Arrays.toString(seen)
                                    + " databases, entries, credentials, grants but its end counts "
                                    + Arrays.toString(counted));
                        }
                        if (in.read() >= 0) {
                            throw new IOException("checkpoint " + file + " has data after its closing frame");
                        }
                        return new Summary(file, position, databases, entries, credentials, grants, offset);
                    }
                    default -> throw new IOException("checkpoint " + file + " has an unknown frame type " + type
                            + " at offset " + (offset - 8 - length));
                }
            }
        }
    }

    /** An index rebuilt from a checkpoint, and what the checkpoint held. */
    record Loaded(Index index, Summary summary) {
    }

    /** Names of the run files a rebuild sorts the key index in (beside the index file). */
    static final String SORT_RUNS = "index.sort";
    /** Memory for one sorted run of the key index (tests lower it to make a rebuild spill runs). */
    static int sortRunBytes = 16 << 20;

    /**
     * Builds a new index file from a checkpoint: the log and key indexes bottom-up from sorted input
     * (the entries are in log-key order; the key index is sorted on the side, in runs of
     * {@link #sortRunBytes} beside the index file), then databases, remembered pushes, accounts and grants. On failure the new index
     * file is deleted.
     *
     * @param databases filled with the databases it held, by name
     * @throws IOException if the checkpoint is damaged or incomplete
     */
    static Loaded load(Path file, Path indexFile, Map<String, Index.Db> databases) throws IOException {
        Summary[] summary = new Summary[1];
        Index index;
        try (SortedPairs keys = new SortedPairs(indexFile.getParent(), SORT_RUNS, sortRunBytes)) {
            index = Index.built(indexFile, log -> summary[0] = read(file, new Visitor() {
                private final Set<Long> ids = new java.util.HashSet<>();
                private byte[] last;

                @Override
                public void database(String name, long id, long head, long size, long quota) {
                    ids.add(id);
                }

                @Override
                public void entry(long databaseId, String store, String key, long revision, byte[] value)
                        throws IOException {
                    if (!ids.contains(databaseId)) {
                        throw new IOException("checkpoint " + file + " has entries of database id " + databaseId
                                + " before that database");
                    }
                    byte[] k = Keys.log(databaseId, revision, store, key);
                    if (last != null && Arrays.compareUnsigned(last, k) >= 0) {
                        throw new IOException("checkpoint " + file + " holds entries out of order (database id "
                                + databaseId + ", revision " + revision + ")");
                    }
                    last = k;
                    log.put(k, Index.logValue(value));
                    keys.add(Keys.state(databaseId, store, key), Keys.stateValue(revision,
                            value == null ? -1 : value.length));
                }
            }), keys::drain);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(indexFile);
            throw e;
        }
        Map<Long, Index.Db> byId = new HashMap<>();
        try {
            read(file, new Visitor() {
                @Override
                public boolean wantsEntries() {
                    return false;
                }

                @Override
                public void header(long position, long nextDatabaseId) {
                    index.restoreNextDatabaseId(nextDatabaseId);
                }

                @Override
                public void database(String name, long id, long head, long size, long quota) {
                    Index.Db d = index.restoreDatabase(name, id, head, size, quota);
                    byId.put(id, d);
                    databases.put(name, d);
                }

                @Override
                public void push(long databaseId, Index.RememberedPush push) throws IOException {
                    Index.Db d = byId.get(databaseId);
                    if (d == null) {
                        throw new IOException("checkpoint " + file + " has pushes of database id " + databaseId
                                + " before that database");
                    }
                    index.restorePush(d, push);
                }

                @Override
                public void credential(Credential c) {
                    index.putCredential(c);
                }

                @Override
                public void grant(Grant g) {
                    index.putGrant(g);
                }
            }, true);
            return new Loaded(index, summary[0]);
        } catch (IOException | RuntimeException e) {
            index.close();
            Files.deleteIfExists(indexFile);
            throw e;
        }
    }
}
