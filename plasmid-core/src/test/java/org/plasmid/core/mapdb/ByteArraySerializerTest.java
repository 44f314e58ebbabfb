package org.plasmid.core.mapdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.Serializer;

/** The index's byte-array serializer: MapDB's format and order, read without a buffer per array. */
class ByteArraySerializerTest {
    @TempDir
    Path dir;

    /** Arrays of 0 to 300 bytes (lengths past one packed byte), every byte value, fixed seed. */
    private static byte[][] arrays(int n, long seed) {
        Random random = new Random(seed);
        byte[][] arrays = new byte[n][];
        for (int i = 0; i < n; i++) {
            arrays[i] = new byte[random.nextInt(4) == 0 ? random.nextInt(301) : random.nextInt(12)];
            random.nextBytes(arrays[i]);
        }
        return arrays;
    }

    /** What MapDB's own serializer writes, in a direct buffer at an offset, as a memory-mapped store reads it. */
    private static DataInput2.ByteBuffer mapped(byte[] written, int offset) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(offset + written.length + 7);
        buffer.position(offset);
        buffer.put(written);
        return new DataInput2.ByteBuffer(buffer, offset);
    }

    @Test
    void aNodeWrittenByMapDbsOwnSerializer_readsBackTheSameArrays_andLeavesTheReaderAfterIt() throws IOException {
        byte[][] keys = arrays(200, 11);
        DataOutput2 out = new DataOutput2();
        Serializer.BYTE_ARRAY.valueArraySerialize(out, keys);
        out.writeInt(0x5eed); // what follows the node must be where the reader stops
        Serializer.BYTE_ARRAY.serialize(out, keys[7]);
        DataInput2.ByteBuffer in = mapped(out.copyBytes(), 13);

        byte[][] read = ByteArraySerializer.INSTANCE.valueArrayDeserialize(in, -1);
        assertEquals(keys.length, read.length);
        for (int i = 0; i < keys.length; i++) {
            assertArrayEquals(keys[i], read[i], "array " + i);
        }
        assertEquals(0x5eed, in.readInt());
        assertArrayEquals(keys[7], ByteArraySerializer.INSTANCE.deserialize(in, -1));

        DataOutput2 again = new DataOutput2();
        ByteArraySerializer.INSTANCE.valueArraySerialize(again, read);
        DataOutput2 original = new DataOutput2();
        Serializer.BYTE_ARRAY.valueArraySerialize(original, keys);
        assertArrayEquals(original.copyBytes(), again.copyBytes(), "the same bytes as MapDB writes");
    }

    @Test
    void keysCompareInMapDbsOwnOrder_unsignedBytesThenLength() {
        byte[][] keys = arrays(300, 12);
        keys[0] = new byte[0];
        keys[1] = new byte[] {1, 2};
        keys[2] = new byte[] {1, 2, 0};
        keys[3] = new byte[] {(byte) 0x80};
        keys[4] = new byte[] {0x7f, (byte) 0xff};
        for (byte[] a : keys) {
            for (byte[] b : keys) {
                assertEquals(Integer.signum(Serializer.BYTE_ARRAY.compare(a, b)),
                        Integer.signum(ByteArraySerializer.INSTANCE.compare(a, b)));
            }
        }
    }

    @Test
    void anIndexFile_namesNoSerializerInItsCatalog_soReopenedMapsReadWithThisOne() throws IOException {
        Path file = dir.resolve("index.mapdb");
        try (Index index = Index.file(file)) {
            index.setVersion();
        }
        DB db = DBMaker.fileDB(file.toFile()).fileMmapEnableIfSupported().make();
        try {
            // a catalog that named MapDB's byte-array serializer would override the one given on opening
            Map<String, String> catalog = db.nameCatalogLoad();
            assertFalse(catalog.isEmpty());
            catalog.forEach((key, value) -> assertFalse(value.contains("BYTE_ARRAY"), key + "=" + value));
            BTreeMap<byte[], byte[]> log = db.treeMap("log", ByteArraySerializer.INSTANCE, ByteArraySerializer.INSTANCE)
                    .valuesOutsideNodesEnable().open();
            assertSame(ByteArraySerializer.INSTANCE, log.getKeySerializer());
        } finally {
            db.close();
        }
    }

    @Test
    void aHubWhoseIndexIsOfTheOlderLayout_rebuildsIt_andServesTheSameData() {
        MapDbStorage s = MapDbStorage.open(dir, CheckpointPolicy.disabled());
        s.createDatabase("db", -1);
        long head = Overwrites.pushMany(s, "db", 60, 10);
        Map<String, Long> pulled = Overwrites.pulled(s, "db");
        s.close();
        DB db = DBMaker.fileDB(dir.resolve("index.mapdb").toFile()).fileMmapEnableIfSupported().make();
        try {
            db.treeMap("meta", Serializer.STRING, Serializer.LONG).open().put("indexVersion", 2L);
        } finally {
            db.close();
        }

        s = MapDbStorage.open(dir, CheckpointPolicy.disabled());
        try {
            assertEquals(Overwrites.expected(head), Overwrites.actual(s, "db"));
            assertEquals(pulled, Overwrites.pulled(s, "db"));
        } finally {
            s.close();
        }
        try (Index index = Index.file(dir.resolve("index.mapdb"))) {
            assertEquals(Index.VERSION, index.version());
        }
    }
}
