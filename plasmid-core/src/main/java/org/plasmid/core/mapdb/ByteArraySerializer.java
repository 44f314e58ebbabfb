package org.plasmid.core.mapdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;
import org.mapdb.DataInput2;
import org.mapdb.serializer.SerializerByteArray;

/**
 * MapDB's byte-array serializer, reading faster what it writes. The format is MapDB's own, byte for
 * byte: a B-tree node is a packed count, then a packed length and the bytes of each key or value.
 *
 * <p>Why: every insert reads the nodes on its path and deserializes all their keys; MapDB's reader
 * copies each array out of the memory-mapped file through a fresh {@link ByteBuffer#duplicate()}
 * (profiled: a quarter of a push's server time under bulk pushes). This one copies with an absolute
 * bulk get on the mapped buffer itself, and compares keys with the JDK's vectorized
 * {@link Arrays#compareUnsigned(byte[], byte[])} (the same order: unsigned bytes, then length).
 *
 * <p>It has no no-argument constructor on purpose: MapDB then keeps nothing about it in the file's
 * catalog, and the maps use the instance given when they are opened.
 */
final class ByteArraySerializer extends SerializerByteArray {
    static final ByteArraySerializer INSTANCE = new ByteArraySerializer(0);

    private ByteArraySerializer(int unused) {
        // see the class comment: no no-argument constructor
    }

    @Override
    public byte[] deserialize(DataInput2 in, int available) throws IOException {
        if (in instanceof DataInput2.ByteBuffer b) {
            return read(b, b.unpackInt());
        }
        return super.deserialize(in, available);
    }

    @Override
    public byte[][] valueArrayDeserialize(DataInput2 in, int size) throws IOException {
        if (!(in instanceof DataInput2.ByteBuffer b)) {
            return super.valueArrayDeserialize(in, size);
        }
        int count = b.unpackInt();
        byte[][] arrays = new byte[count][];
        for (int i = 0; i < count; i++) {
            arrays[i] = read(b, b.unpackInt());
        }
        return arrays;
    }

    private static byte[] read(DataInput2.ByteBuffer in, int length) {
        byte[] bytes = new byte[length];
        in.buf.get(in.pos, bytes, 0, length);
        in.pos += length;
        return bytes;
    }

    @Override
    public int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    @Override
    public int valueArraySearch(Object keys, byte[] key) {
        return Arrays.binarySearch((byte[][]) keys, key, this);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public int valueArraySearch(Object keys, byte[] key, Comparator comparator) {
        return Arrays.binarySearch((byte[][]) keys, key, comparator);
    }
}
