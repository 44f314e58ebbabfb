package org.plasmid.core.mapdb;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Sorts (key, value) byte-array pairs by key in unsigned byte order (MapDB's order for byte-array
 * keys) within bounded memory: pairs are packed into a buffer; a full buffer is sorted and written to
 * a run file beside the index; {@link #drain} merges the runs. What a rebuild uses to feed the
 * current-state index to MapDB's sorted-input builder, whose entries the checkpoint holds in revision
 * order. Keys must be distinct.
 */
final class SortedPairs implements AutoCloseable {
    /** Receives the pairs in key order. */
    @FunctionalInterface
    interface Sink {
        void put(byte[] key, byte[] value) throws IOException;
    }

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private final Path directory;
    private final String prefix;
    private final byte[] buffer;
    private int used;
    private int[] offsets = new int[1024];
    private int count;
    private final List<Path> runs = new ArrayList<>();
    private long pairs;

    /**
     * @param directory where run files are written (named {@code prefix-N.tmp}, deleted on close)
     * @param bufferBytes memory for one run
     */
    SortedPairs(Path directory, String prefix, int bufferBytes) {
        this.directory = directory;
        this.prefix = prefix;
        this.buffer = new byte[bufferBytes];
    }

    /** Deletes run files a crashed rebuild left behind. */
    static void deleteLeftovers(Path directory, String prefix) throws IOException {
        try (var files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(prefix + "-") && name.endsWith(".tmp")) {
                    Files.delete(p);
                }
            }
        }
    }

    void add(byte[] key, byte[] value) throws IOException {
        int size = 8 + key.length + value.length;
        if (size > buffer.length) {
            throw new IllegalArgumentException("a pair of " + size + " bytes does not fit a run");
        }
        if (used + size > buffer.length) {
            spill();
        }
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
        }
        offsets[count++] = used;
        putInt(used, key.length);
        putInt(used + 4, value.length);
        System.arraycopy(key, 0, buffer, used + 8, key.length);
        System.arraycopy(value, 0, buffer, used + 8 + key.length, value.length);
        used += size;
        pairs++;
    }

    long size() {
        return pairs;
    }

    /** Hands every pair to {@code sink} in key order (once). */
    void drain(Sink sink) throws IOException {
        if (runs.isEmpty()) {
            sortBuffer();
            for (int i = 0; i < count; i++) {
                int o = offsets[i];
                int k = getInt(o);
                sink.put(Arrays.copyOfRange(buffer, o + 8, o + 8 + k),
                        Arrays.copyOfRange(buffer, o + 8 + k, o + 8 + k + getInt(o + 4)));
            }
            count = 0;
            used = 0;
            return;
        }
        if (count > 0) {
            spill();
        }
        PriorityQueue<Run> queue = new PriorityQueue<>((a, b) -> Arrays.compareUnsigned(a.key, b.key));
        try {
            for (Path p : runs) {
                Run r = new Run(p);
                if (r.next()) {
                    queue.add(r);
                } else {
                    r.close();
                }
            }
            while (!queue.isEmpty()) {
                Run r = queue.poll();
                sink.put(r.key, r.value);
                if (r.next()) {
                    queue.add(r);
                } else {
                    r.close();
                }
            }
        } finally {
            for (Run r : queue) {
                r.close();
            }
        }
    }

    private void spill() throws IOException {
        sortBuffer();
        Path run = directory.resolve(prefix + "-" + runs.size() + ".tmp");
        runs.add(run);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
            for (int i = 0; i < count; i++) {
                int o = offsets[i];
                out.write(buffer, o, 8 + getInt(o) + getInt(o + 4));
            }
        }
        count = 0;
        used = 0;
    }

    private void sortBuffer() {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = offsets[i];
        }
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(buffer, a + 8, a + 8 + getInt(a), buffer, b + 8,
                b + 8 + getInt(b)));
        for (int i = 0; i < count; i++) {
            offsets[i] = order[i];
        }
    }

    private int getInt(int at) {
        return (int) INT.get(buffer, at);
    }

    private void putInt(int at, int v) {
        INT.set(buffer, at, v);
    }

    @Override
    public void close() throws IOException {
        for (Path p : runs) {
            Files.deleteIfExists(p);
        }
        runs.clear();
    }

    /** A sorted run being merged: its current pair. */
    private static final class Run implements AutoCloseable {
        private final DataInputStream in;
        byte[] key;
        byte[] value;

        Run(Path file) throws IOException {
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        }

        boolean next() throws IOException {
            int k;
            try {
                k = in.readInt();
            } catch (EOFException e) {
                return false;
            }
            int v = in.readInt();
            key = new byte[k];
            in.readFully(key);
            value = new byte[v];
            in.readFully(value);
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
