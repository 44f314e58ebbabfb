package org.plasmid.core.mapdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
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
import org.mapdb.serializer.SerializerByteArray;
import org.plasmid.core.Grant;
import org.plasmid.core.spi.Credential;

/**
 * The index's serializers: byte arrays in MapDB's format and order, read without a buffer per array;
 * strings as UTF-8, exactly whatever they hold; and an index that names neither in its catalog.
 */
class IndexSerializersTest {
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

        Object read = ByteArraySerializer.INSTANCE.valueArrayDeserialize(in, -1);
        assertEquals(keys.length, ByteArraySerializer.INSTANCE.valueArraySize(read));
        for (int i = 0; i < keys.length; i++) {
            assertArrayEquals(keys[i], ByteArraySerializer.INSTANCE.valueArrayGet(read, i), "array " + i);
        }
        assertEquals(0x5eed, in.readInt());
        assertArrayEquals(keys[7], ByteArraySerializer.INSTANCE.deserialize(in, -1));

        DataOutput2 again = new DataOutput2();
        ByteArraySerializer.INSTANCE.valueArraySerialize(again, read);
        DataOutput2 original = new DataOutput2();
        Serializer.BYTE_ARRAY.valueArraySerialize(original, keys);
        assertArrayEquals(original.copyBytes(), again.copyBytes(), "the same bytes as MapDB writes");
    }

    /** The node's arrays and bytes, as each serializer holds and writes them. */
    private static void assertSameNode(Object mapDbs, Object ours) throws IOException {
        SerializerByteArray theirs = (SerializerByteArray) Serializer.BYTE_ARRAY;
        ByteArraySerializer mine = ByteArraySerializer.INSTANCE;
        assertEquals(theirs.valueArraySize(mapDbs), mine.valueArraySize(ours));
        assertTrue(java.util.Arrays.deepEquals(theirs.valueArrayToArray(mapDbs), mine.valueArrayToArray(ours)));
        for (int i = 0; i < theirs.valueArraySize(mapDbs); i++) {
            assertArrayEquals(theirs.valueArrayGet(mapDbs, i), mine.valueArrayGet(ours, i));
        }
        DataOutput2 a = new DataOutput2();
        theirs.valueArraySerialize(a, mapDbs);
        DataOutput2 b = new DataOutput2();
        mine.valueArraySerialize(b, ours);
        assertArrayEquals(a.copyBytes(), b.copyBytes());
    }

    @Test
    void everyNodeOperation_givesWhatMapDbsOwnSerializerGives() throws IOException {
        Random random = new Random(21);
        for (int round = 0; round < 400; round++) {
            java.util.TreeSet<byte[]> distinct = new java.util.TreeSet<>(Serializer.BYTE_ARRAY);
            distinct.addAll(java.util.Arrays.asList(arrays(random.nextInt(40), random.nextLong())));
            nodeOperationsGiveWhatMapDbsGive(distinct.toArray(new byte[0][]), random);
        }
    }

    /**
     * Arrays long enough for packed lengths of three bytes (16 KiB and more): a node's stretches of arrays
     * are copied whole with their packed lengths, which must stay where MapDB's reader looks for them.
     */
    @Test
    void everyNodeOperation_onArraysOfManyKilobytes_givesWhatMapDbsOwnSerializerGives() throws IOException {
        Random random = new Random(22);
        for (int round = 0; round < 20; round++) {
            java.util.TreeSet<byte[]> distinct = new java.util.TreeSet<>(Serializer.BYTE_ARRAY);
            for (int i = random.nextInt(6); i > 0; i--) {
                byte[] a = new byte[random.nextBoolean() ? 16_380 + random.nextInt(10) : random.nextInt(40_000)];
                random.nextBytes(a);
                distinct.add(a);
            }
            distinct.addAll(java.util.Arrays.asList(arrays(random.nextInt(5), random.nextLong())));
            nodeOperationsGiveWhatMapDbsGive(distinct.toArray(new byte[0][]), random);
        }
    }

    @Test
    void packedLengths_areTheBytesMapDbPacks_atEverySize() throws IOException {
        Random random = new Random(23);
        java.util.List<Integer> values = new java.util.ArrayList<>(List.of(0, 1, 127, 128, 16_383, 16_384,
                2_097_151, 2_097_152, 268_435_455, 268_435_456, Integer.MAX_VALUE));
        for (int i = 0; i < 1000; i++) {
            values.add(random.nextInt() >>> random.nextInt(32));
        }
        for (int value : values) {
            DataOutput2 out = new DataOutput2();
            out.packInt(value);
            byte[] ours = new byte[7];
            int end = ByteArraySerializer.packInt(ours, 2, value);
            assertArrayEquals(out.copyBytes(), java.util.Arrays.copyOfRange(ours, 2, end), "value " + value);
            assertEquals(end - 2, ByteArraySerializer.packedSize(value), "value " + value);
        }
    }

    private static void nodeOperationsGiveWhatMapDbsGive(byte[][] sorted, Random random) throws IOException {
        SerializerByteArray theirs = (SerializerByteArray) Serializer.BYTE_ARRAY;
        ByteArraySerializer mine = ByteArraySerializer.INSTANCE;
        Object t = theirs.valueArrayFromArray(sorted);
        DataOutput2 out = new DataOutput2();
        theirs.valueArraySerialize(out, t);
        // read from a mapped buffer (arrays with gaps between them) and made from arrays
        Object read = mine.valueArrayDeserialize(mapped(out.copyBytes(), random.nextInt(9)), -1);
        Object made = mine.valueArrayFromArray(sorted);
        for (Object m : List.of(read, made)) {
            assertSameNode(t, m);
            byte[][] probes = arrays(20, random.nextLong());
            for (byte[] probe : java.util.stream.Stream.concat(java.util.Arrays.stream(sorted),
                    java.util.Arrays.stream(probes)).toList()) {
                assertEquals(theirs.valueArraySearch(t, probe), mine.valueArraySearch(m, probe));
                assertEquals(theirs.valueArraySearch(t, probe, Serializer.BYTE_ARRAY),
                        mine.valueArraySearch(m, probe, mine));
                assertEquals(theirs.valueArraySearch(t, probe, Serializer.BYTE_ARRAY),
                        mine.valueArraySearch(m, probe, Serializer.BYTE_ARRAY));
            }
            int n = sorted.length;
            // sometimes one of the node's own arrays again (of many kilobytes, in the test of those)
            byte[] value = random.nextInt(4) == 0 && n > 0 ? sorted[random.nextInt(n)].clone()
                    : arrays(1, random.nextLong())[0];
            int pos = random.nextInt(n + 1);
            assertSameNode(theirs.valueArrayPut(t, pos, value), mine.valueArrayPut(m, pos, value));
            if (n > 0) {
                int at = random.nextInt(n);
                assertSameNode(theirs.valueArrayUpdateVal(t, at, value), mine.valueArrayUpdateVal(m, at, value));
                int oneBased = 1 + random.nextInt(n);
                assertSameNode(theirs.valueArrayDeleteValue(t, oneBased), mine.valueArrayDeleteValue(m, oneBased));
                int from = random.nextInt(n);
                int to = from + random.nextInt(n - from + 1);
                assertSameNode(theirs.valueArrayCopyOfRange(t, from, to), mine.valueArrayCopyOfRange(m, from, to));
            }
        }
        assertSameNode(theirs.valueArrayEmpty(), mine.valueArrayEmpty());
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

    private static final String[] STRINGS = {"", "alice", "a".repeat(300), "caf\u00e9", "\u4e2d\u6587",
        "\ud83d\ude00 pair", "lone \ud83d high", "lone \ude00 low", "\ude00\ud83d reversed", "\ud83d",
        "nul\u0000inside", "\uffff"};

    @Test
    void strings_readBackExactly_evenThoseUtf8CannotHold_fromAMappedBufferAndFromAnArray() throws IOException {
        DataOutput2 out = new DataOutput2();
        for (String s : STRINGS) {
            Utf8Serializer.INSTANCE.serialize(out, s);
        }
        byte[] written = out.copyBytes();
        DataInput2.ByteBuffer mapped = mapped(written, 5);
        DataInput2.ByteArray array = new DataInput2.ByteArray(written);
        for (String s : STRINGS) {
            assertEquals(s, Utf8Serializer.INSTANCE.deserialize(mapped, -1));
            assertEquals(s, Utf8Serializer.INSTANCE.deserialize(array, -1));
        }
        assertFalse(Utf8Serializer.wellFormed("lone \ud83d high"));
        assertTrue(Utf8Serializer.wellFormed("\ud83d\ude00 pair"));
    }

    @Test
    void aStringKeyedMap_reopened_holdsEveryKeyExactly_inStringOrder() {
        Path file = dir.resolve("strings.db");
        DB db = DBMaker.fileDB(file.toFile()).fileMmapEnableIfSupported().make();
        BTreeMap<String, String> map = db.treeMap("m", Utf8Serializer.INSTANCE, Utf8Serializer.INSTANCE).create();
        java.util.TreeMap<String, String> expected = new java.util.TreeMap<>();
        Random random = new Random(13);
        for (int i = 0; i < 2000; i++) {
            String key = STRINGS[random.nextInt(STRINGS.length)] + i + STRINGS[random.nextInt(STRINGS.length)];
            map.put(key, STRINGS[i % STRINGS.length]);
            expected.put(key, STRINGS[i % STRINGS.length]);
        }
        db.close();
        db = DBMaker.fileDB(file.toFile()).fileMmapEnableIfSupported().make();
        try {
            map = db.treeMap("m", Utf8Serializer.INSTANCE, Utf8Serializer.INSTANCE).open();
            assertEquals(List.copyOf(expected.entrySet()), List.copyOf(map.entrySet()));
        } finally {
            db.close();
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
            catalog.forEach((key, value) -> assertFalse(value.contains("BYTE_ARRAY") || value.contains("#STRING"),
                    key + "=" + value));
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
        s.createAccount(new Credential("carol", new byte[16], new byte[32], 1, false),
                List.of(new Grant("carol", "ReadDatabase", "db", "Yes", null)));
        long head = Overwrites.pushMany(s, "db", 60, 10);
        Map<String, Long> pulled = Overwrites.pulled(s, "db");
        s.close();
        DB db = DBMaker.fileDB(dir.resolve("index.mapdb").toFile()).fileMmapEnableIfSupported().make();
        try {
            db.treeMap("meta", Utf8Serializer.INSTANCE, Serializer.LONG).open().put("indexVersion", 2L);
        } finally {
            db.close();
        }

        s = MapDbStorage.open(dir, CheckpointPolicy.disabled());
        try {
            assertEquals(Overwrites.expected(head), Overwrites.actual(s, "db"));
            assertEquals(pulled, Overwrites.pulled(s, "db"));
            assertTrue(s.credential("carol").isPresent());
            assertEquals(List.of(new Grant("carol", "ReadDatabase", "db", "Yes", null)), s.grants("carol"));
        } finally {
            s.close();
        }
        try (Index index = Index.file(dir.resolve("index.mapdb"))) {
            assertEquals(Index.VERSION, index.version());
        }
    }
}
