package org.plasmid.core.mapdb;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.Serializer;
import org.mapdb.serializer.GroupSerializer;

/**
 * MapDB's byte-array serializer, with the same bytes on disk (a B-tree node is a packed count, then a
 * packed length and the bytes of each key or value) but a cheaper form in memory.
 *
 * <p>Why: every insert reads the nodes on its path and deserializes all their keys. MapDB's own reader
 * makes an array per key, each copied out of the memory-mapped file through a fresh
 * {@link java.nio.ByteBuffer#duplicate()} (profiled: a quarter of a bulk push's server time). This one
 * holds a node's arrays as one {@link Packed} copy of the node's bytes, made with one bulk get from the
 * mapped buffer; a lookup binary-searches it in place with the JDK's vectorized
 * {@link Arrays#compareUnsigned(byte[], int, int, byte[], int, int)} (the same order as MapDB's:
 * unsigned bytes, then length), and only the arrays asked for are copied out.
 *
 * <p>It has no no-argument constructor on purpose: MapDB then keeps nothing about it in the file's
 * catalog, and the maps use the instance given when they are opened (a catalog naming MapDB's own
 * serializer would override it).
 */
final class ByteArraySerializer implements GroupSerializer<byte[]> {
    static final ByteArraySerializer INSTANCE = new ByteArraySerializer(0);

    private ByteArraySerializer(int unused) {
        // see the class comment: no no-argument constructor
    }

    /**
     * A node's arrays as MapDB writes them after the count: {@code data[0 .. end)} is each array's
     * packed length and bytes, array {@code i} at {@code data[offsets[i] .. offsets[i] + lengths[i])}.
     * Writing it back is one copy. Never changed once made (MapDB copies a node's arrays to change them).
     */
    static final class Packed {
        private static final Packed EMPTY = new Packed(new byte[0], 0, new int[0], new int[0]);
        final byte[] data;
        final int end;
        final int[] offsets;
        final int[] lengths;

        Packed(byte[] data, int end, int[] offsets, int[] lengths) {
            this.data = data;
            this.end = end;
            this.offsets = offsets;
            this.lengths = lengths;
        }

        int size() {
            return lengths.length;
        }

        byte[] get(int i) {
            return Arrays.copyOfRange(data, offsets[i], offsets[i] + lengths[i]);
        }

        int compareTo(int i, byte[] key) {
            return Arrays.compareUnsigned(data, offsets[i], offsets[i] + lengths[i], key, 0, key.length);
        }

        /** Where array {@code i}'s packed length begins: where array {@code i - 1} ends (for {@code i == size()}, the end). */
        private int start(int i) {
            return i == 0 ? 0 : offsets[i - 1] + lengths[i - 1];
        }

        /**
         * A new packing of this one's arrays {@code [from, cut)}, then {@code inserted} (unless null),
         * then arrays {@code [resume, to)}: what an insert, an update, a deletion or a split makes. Each
         * stretch of arrays kept is already packed as it must be written, so it is copied whole.
         */
        Packed build(int from, int cut, byte[] inserted, int resume, int to) {
            int count = (cut - from) + (inserted == null ? 0 : 1) + (to - resume);
            int first = start(from);
            int firstLength = start(cut) - first;
            int second = start(resume);
            int secondLength = start(to) - second;
            int insertedLength = inserted == null ? 0 : packedSize(inserted.length) + inserted.length;
            byte[] packed = new byte[firstLength + insertedLength + secondLength];
            int[] o = new int[count];
            int[] l = new int[count];
            System.arraycopy(data, first, packed, 0, firstLength);
            int k = shifted(from, cut, -first, o, l, 0);
            int at = firstLength;
            if (inserted != null) {
                at = packInt(packed, at, inserted.length);
                o[k] = at;
                l[k++] = inserted.length;
                System.arraycopy(inserted, 0, packed, at, inserted.length);
                at += inserted.length;
            }
            System.arraycopy(data, second, packed, at, secondLength);
            shifted(resume, to, at - second, o, l, k);
            return new Packed(packed, packed.length, o, l);
        }

        /** Copies arrays {@code [from, to)}'s places, moved by {@code shift}, to {@code o} and {@code l} at {@code k}. */
        private int shifted(int from, int to, int shift, int[] o, int[] l, int k) {
            for (int i = from; i < to; i++) {
                o[k] = offsets[i] + shift;
                l[k++] = lengths[i];
            }
            return k;
        }

        /** Packs the arrays, in order. */
        static Packed of(byte[][] arrays) {
            int total = 0;
            for (byte[] a : arrays) {
                total += packedSize(a.length) + a.length;
            }
            byte[] packed = new byte[total];
            int[] offsets = new int[arrays.length];
            int[] lengths = new int[arrays.length];
            int at = 0;
            for (int i = 0; i < arrays.length; i++) {
                at = packInt(packed, at, arrays[i].length);
                offsets[i] = at;
                lengths[i] = arrays[i].length;
                System.arraycopy(arrays[i], 0, packed, at, arrays[i].length);
                at += arrays[i].length;
            }
            return new Packed(packed, at, offsets, lengths);
        }

        byte[][] unpack() {
            byte[][] arrays = new byte[size()][];
            for (int i = 0; i < arrays.length; i++) {
                arrays[i] = get(i);
            }
            return arrays;
        }
    }

    /** How many bytes MapDB's {@link DataOutput2#packInt(int)} writes for {@code value} (0 or more). */
    static int packedSize(int value) {
        return (value & ~0x7F) == 0 ? 1 : (31 - Integer.numberOfLeadingZeros(value)) / 7 + 1;
    }

    /**
     * Writes {@code value} at {@code at} as MapDB's {@link DataOutput2#packInt(int)} does: seven bits a
     * byte, most significant first, the last byte marked by its high bit.
     *
     * @return the position after it
     */
    static int packInt(byte[] buf, int at, int value) {
        if ((value & ~0x7F) != 0) {
            int shift = 31 - Integer.numberOfLeadingZeros(value);
            shift -= shift % 7;
            while (shift != 0) {
                buf[at++] = (byte) ((value >>> shift) & 0x7F);
                shift -= 7;
            }
        }
        buf[at++] = (byte) ((value & 0x7F) | 0x80);
        return at;
    }

    private static Packed packed(Object arrays) {
        return (Packed) arrays;
    }

    @Override
    public void serialize(DataOutput2 out, byte[] value) throws IOException {
        out.packInt(value.length);
        out.write(value);
    }

    @Override
    public byte[] deserialize(DataInput2 in, int available) throws IOException {
        return read(in, in.unpackInt());
    }

    /**
     * The next {@code length} bytes: from a memory-mapped store with one absolute bulk get (MapDB's
     * {@code readFully} makes a {@code duplicate()} of the mapped buffer each time).
     */
    static byte[] read(DataInput2 in, int length) throws IOException {
        byte[] bytes = new byte[length];
        if (in instanceof DataInput2.ByteBuffer b) {
            b.buf.get(b.pos, bytes, 0, length);
            b.pos += length;
        } else {
            in.readFully(bytes);
        }
        return bytes;
    }

    @Override
    public boolean isTrusted() {
        return true;
    }

    @Override
    public boolean equals(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }

    @Override
    public int hashCode(byte[] bytes, int seed) {
        return Serializer.BYTE_ARRAY.hashCode(bytes, seed);
    }

    @Override
    public byte[] nextValue(byte[] value) {
        return Serializer.BYTE_ARRAY.nextValue(value);
    }

    @Override
    public void valueArraySerialize(DataOutput2 out, Object vals) throws IOException {
        Packed p = packed(vals);
        out.packInt(p.size());
        out.write(p.data, 0, p.end);
    }

    @Override
    public Packed valueArrayDeserialize(DataInput2 in, int size) throws IOException {
        if (!(in instanceof DataInput2.ByteBuffer b)) {
            byte[][] arrays = new byte[in.unpackInt()][];
            for (int i = 0; i < arrays.length; i++) {
                arrays[i] = deserialize(in, -1);
            }
            return Packed.of(arrays);
        }
        // find where each array lies, then copy the whole stretch out of the mapped buffer at once
        int count = b.unpackInt();
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        int first = b.pos;
        for (int i = 0; i < count; i++) {
            lengths[i] = b.unpackInt();
            offsets[i] = b.pos - first;
            b.pos += lengths[i];
        }
        byte[] data = new byte[b.pos - first];
        b.buf.get(first, data, 0, data.length);
        return new Packed(data, data.length, offsets, lengths);
    }

    @Override
    public int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    @Override
    public int valueArraySearch(Object keys, byte[] key) {
        Packed p = packed(keys);
        int low = 0;
        int high = p.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = p.compareTo(mid, key);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public int valueArraySearch(Object keys, byte[] key, Comparator comparator) {
        if (comparator == this) {
            return valueArraySearch(keys, key);
        }
        return Arrays.binarySearch(packed(keys).unpack(), key, comparator);
    }

    @Override
    public byte[] valueArrayGet(Object vals, int pos) {
        return packed(vals).get(pos);
    }

    @Override
    public int valueArraySize(Object vals) {
        return packed(vals).size();
    }

    @Override
    public Packed valueArrayEmpty() {
        return Packed.EMPTY;
    }

    @Override
    public Packed valueArrayPut(Object vals, int pos, byte[] newValue) {
        Packed p = packed(vals);
        return p.build(0, pos, newValue, pos, p.size());
    }

    @Override
    public Packed valueArrayUpdateVal(Object vals, int pos, byte[] newValue) {
        Packed p = packed(vals);
        return p.build(0, pos, newValue, pos + 1, p.size());
    }

    @Override
    public Packed valueArrayFromArray(Object[] objects) {
        byte[][] arrays = new byte[objects.length][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = (byte[]) objects[i];
        }
        return Packed.of(arrays);
    }

    @Override
    public Packed valueArrayCopyOfRange(Object vals, int from, int to) {
        return packed(vals).build(from, to, null, to, to);
    }

    /** As MapDB's own: {@code pos} counts from 1. */
    @Override
    public Packed valueArrayDeleteValue(Object vals, int pos) {
        Packed p = packed(vals);
        return p.build(0, pos - 1, null, pos, p.size());
    }

    @Override
    public Object[] valueArrayToArray(Object vals) {
        return packed(vals).unpack();
    }
}
