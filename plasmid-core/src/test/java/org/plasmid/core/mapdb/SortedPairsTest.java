package org.plasmid.core.mapdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.Serializer;

/** The bounded-memory sort a rebuild feeds the key index through: MapDB's order, in one run or many. */
class SortedPairsTest {
    @TempDir
    Path dir;

    /** Distinct random keys of 0 to 40 bytes, every byte value (so unsigned order matters), fixed seed. */
    private static Map<byte[], byte[]> pairs(int n, long seed) {
        Random random = new Random(seed);
        Map<byte[], byte[]> pairs = new TreeMap<>(Serializer.BYTE_ARRAY); // MapDB's own comparator
        while (pairs.size() < n) {
            byte[] key = new byte[random.nextInt(41)];
            random.nextBytes(key);
            byte[] value = new byte[random.nextInt(13)];
            random.nextBytes(value);
            pairs.put(key, value);
        }
        return pairs;
    }

    private List<byte[][]> sorted(Map<byte[], byte[]> pairs, int bufferBytes, long shuffleSeed) throws IOException {
        List<byte[][]> input = new ArrayList<>();
        pairs.forEach((k, v) -> input.add(new byte[][] {k, v}));
        java.util.Collections.shuffle(input, new Random(shuffleSeed));
        List<byte[][]> out = new ArrayList<>();
        try (SortedPairs sorter = new SortedPairs(dir, "sort", bufferBytes)) {
            for (byte[][] p : input) {
                sorter.add(p[0], p[1]);
            }
            assertEquals(pairs.size(), sorter.size());
            sorter.drain((k, v) -> out.add(new byte[][] {k, v}));
        }
        return out;
    }

    private static void assertInOrder(Map<byte[], byte[]> expected, List<byte[][]> actual) {
        assertEquals(expected.size(), actual.size());
        int i = 0;
        for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getKey(), actual.get(i)[0], "key " + i);
            assertArrayEquals(e.getValue(), actual.get(i)[1], "value " + i);
            i++;
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void pairsThatFitOneBuffer_comeOutInMapDbsKeyOrder_withoutAFile() throws Exception {
        Map<byte[], byte[]> pairs = pairs(2_000, 1);
        List<byte[][]> out = new ArrayList<>();
        try (SortedPairs sorter = new SortedPairs(dir, "sort", 1 << 20)) {
            List<byte[]> keys = new ArrayList<>(pairs.keySet());
            java.util.Collections.shuffle(keys, new Random(2));
            for (byte[] k : keys) {
                sorter.add(k, pairs.get(k));
            }
            sorter.drain((k, v) -> out.add(new byte[][] {k, v}));
            assertEquals(List.of(), files(), "one buffer: no run file");
        }
        assertInOrder(pairs, out);
    }

    @Test
    void pairsSpilledToManyRuns_areMergedInMapDbsKeyOrder_andTheRunFilesDeleted() throws Exception {
        for (long seed : new long[] {3, 4, 5}) {
            Map<byte[], byte[]> pairs = pairs(5_000, seed);
            assertInOrder(pairs, sorted(pairs, 2_048, seed)); // ~80 runs
            assertEquals(List.of(), files());
        }
    }

    @Test
    void runFilesLeftByACrashedRebuild_areDeleted_andOtherFilesKept() throws Exception {
        Files.writeString(dir.resolve("index.sort-0.tmp"), "x");
        Files.writeString(dir.resolve("index.sort-12.tmp"), "x");
        Files.writeString(dir.resolve("index.mapdb"), "x");
        SortedPairs.deleteLeftovers(dir, "index.sort");
        assertEquals(List.of(dir.resolve("index.mapdb")), files());
    }

    @Test
    void theUnsignedOrder_putsHighBytesAfterLowOnes_andAPrefixFirst() throws Exception {
        Map<byte[], byte[]> pairs = new TreeMap<>(Serializer.BYTE_ARRAY);
        for (byte[] k : new byte[][] {{(byte) 0x80}, {0x7F}, {0x7F, 0}, {}, {(byte) 0xFF, (byte) 0xFF}, {0}}) {
            pairs.put(k, new byte[] {1});
        }
        List<byte[][]> out = sorted(pairs, 64, 6);
        assertInOrder(pairs, out);
        assertTrue(Arrays.equals(new byte[] {}, out.get(0)[0]));
        assertTrue(Arrays.equals(new byte[] {(byte) 0xFF, (byte) 0xFF}, out.get(out.size() - 1)[0]));
    }
}
