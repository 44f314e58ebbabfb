package org.plasmid.core.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JournalTest {
    @TempDir
    Path dir;

    private static byte[] record(int i) {
        return ("record-" + i + "-" + "x".repeat(i % 7)).getBytes(StandardCharsets.UTF_8);
    }

    private void write(int count, long segmentSize) throws IOException {
        try (Journal j = Journal.open(dir, segmentSize)) {
            for (int i = 0; i < count; i++) {
                j.sync(j.append(record(i)));
            }
        }
    }

    private List<String> replay(long segmentSize) throws IOException {
        List<String> got = new ArrayList<>();
        try (Journal j = Journal.open(dir, segmentSize)) {
            j.replay(0, (end, payload) -> got.add(StandardCharsets.UTF_8.decode(payload).toString()));
        }
        return got;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    @Test
    void records_areReplayedInOrder_acrossSegments() throws IOException {
        write(200, 512);
        assertTrue(segments().size() > 5, "rolled into several segments");
        List<String> got = replay(512);
        assertEquals(200, got.size());
        for (int i = 0; i < 200; i++) {
            assertEquals(new String(record(i), StandardCharsets.UTF_8), got.get(i));
        }
    }

    @Test
    void rolledSegments_endExactlyWhereTheNextBegins_withoutTheZerosFilledAhead() throws IOException {
        write(200, 512);
        List<Path> segs = segments();
        for (int i = 0; i + 1 < segs.size(); i++) {
            assertEquals(base(segs.get(i + 1)), base(segs.get(i)) + Files.size(segs.get(i)), segs.get(i).toString());
        }
    }

    @Test
    void theSegmentBeingWritten_isFilledWithZerosAhead_andTrimmedToItsRecordsOnClose() throws IOException {
        Path seg;
        long end;
        try (Journal j = Journal.open(dir)) {
            for (int i = 0; i < 10; i++) {
                j.sync(j.append(record(i)));
            }
            end = j.end();
            seg = segments().get(0);
            assertTrue(Files.size(seg) > Journal.PREALLOCATION, "filled ahead: " + Files.size(seg));
            assertTrue(Files.size(seg) <= end + Journal.PREALLOCATION, "no further: " + Files.size(seg));
            assertTrue(onlyZerosFrom(seg, end), "zeros after the records");
            Journal.Check live = Journal.check(dir, null);
            assertEquals(end, live.end());
            assertEquals(0, live.tornTail(), "zeros filled ahead are not a torn write");
            assertEquals(null, live.damage());
        }
        assertEquals(end, Files.size(seg));
    }

    @Test
    void theZerosFilledAhead_reachTheSegmentsSize_andNoFurther() throws IOException {
        try (Journal j = Journal.open(dir, 512)) {
            for (int i = 0; i < 50; i++) {
                j.sync(j.append(record(i)));
            }
            List<Path> segs = segments();
            assertTrue(segs.size() > 2, "rolled");
            Path last = segs.get(segs.size() - 1);
            assertEquals(512, Files.size(last));
            assertTrue(onlyZerosFrom(last, j.end() - base(last)), "zeros after the records");
        }
    }

    @Test
    void aRecordLargerThanASegment_isWrittenWhole_andTheSegmentEndsWithIt() throws IOException {
        byte[] big = new byte[3000];
        java.util.Arrays.fill(big, (byte) 7);
        try (Journal j = Journal.open(dir, 512)) {
            j.sync(j.append(record(0)));
            j.sync(j.append(big));
            j.sync(j.append(record(1)));
        }
        List<Path> segs = segments();
        assertEquals(3, segs.size());
        assertEquals(Journal.HEADER + 8 + big.length, Files.size(segs.get(1)));
        List<String> got = replay(512);
        assertEquals(3, got.size());
        assertEquals(new String(big, StandardCharsets.UTF_8), got.get(1));
    }

    @Test
    void afterACrash_theZerosFilledAhead_areCutOffWithoutAWarning_andWritingGoesOn() throws IOException {
        Path crashed = dir.resolve("crashed");
        long end = fiveRecordsAsACrashLeavesThem(crashed);
        Path seg = crashed.resolve(segments().get(0).getFileName());
        assertTrue(Files.size(seg) > end, "the copy holds the zeros");
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
        try (Journal j = Journal.open(crashed)) {
            assertEquals(end, j.end());
            j.sync(j.append(record(5)));
        } finally {
            System.setErr(err);
        }
        assertTrue(!log.toString(StandardCharsets.UTF_8).contains("torn"), log.toString(StandardCharsets.UTF_8));
        List<String> got = new ArrayList<>();
        try (Journal j = Journal.open(crashed)) {
            j.replay(0, (e, payload) -> got.add(StandardCharsets.UTF_8.decode(payload).toString()));
        }
        assertEquals(6, got.size());
        assertEquals(new String(record(5), StandardCharsets.UTF_8), got.get(5));
    }

    @Test
    void aTornRecordAmongTheZerosFilledAhead_isReportedAndCutOffAsTorn() throws IOException {
        Path crashed = dir.resolve("crashed");
        long end = fiveRecordsAsACrashLeavesThem(crashed);
        Path seg = crashed.resolve(segments().get(0).getFileName());
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(end);
            f.writeInt(40); // a record's header whose payload never reached the disk
            f.writeInt(12345);
        }
        Journal.Check check = Journal.check(crashed, null);
        assertEquals(end, check.end());
        assertEquals(Files.size(seg) - end, check.tornTail());
        try (Journal j = Journal.open(crashed)) {
            assertEquals(end, j.end());
        }
        assertEquals(end, Files.size(seg));
    }

    @Test
    void aDiskTooFullForTheZeros_stillTakesEveryRecord_andTheSegmentsEndWithTheirRecords() throws IOException {
        try (Journal j = Journal.open(dir, 512)) {
            j.sync(j.append(record(0)));
            j.failZeroFillForTest();
            for (int i = 1; i < 100; i++) {
                j.sync(j.append(record(i)));
            }
        }
        List<Path> segs = segments();
        assertTrue(segs.size() > 3, "rolled");
        for (int i = 0; i + 1 < segs.size(); i++) {
            assertEquals(base(segs.get(i + 1)), base(segs.get(i)) + Files.size(segs.get(i)), segs.get(i).toString());
        }
        List<String> got = replay(512);
        assertEquals(100, got.size());
        assertEquals(new String(record(99), StandardCharsets.UTF_8), got.get(99));
    }

    /**
     * Writes five durable records and copies the journal, while it is still open, to {@code crashed}: what
     * the disk holds if the process dies then.
     *
     * @return the position after the records
     */
    private long fiveRecordsAsACrashLeavesThem(Path crashed) throws IOException {
        Files.createDirectories(crashed);
        try (Journal j = Journal.open(dir)) {
            for (int i = 0; i < 5; i++) {
                j.sync(j.append(record(i)));
            }
            for (Path seg : segments()) {
                Files.copy(seg, crashed.resolve(seg.getFileName()));
            }
            return j.end();
        }
    }

    private static long base(Path segment) {
        return Long.parseLong(segment.getFileName().toString().substring(0, 20));
    }

    private static boolean onlyZerosFrom(Path file, long offset) throws IOException {
        byte[] all = Files.readAllBytes(file);
        for (long i = offset; i < all.length; i++) {
            if (all[(int) i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void appending_continuesAfterAReopen() throws IOException {
        write(3, 1 << 20);
        try (Journal j = Journal.open(dir)) {
            j.sync(j.append(record(3)));
        }
        assertEquals(4, replay(1 << 20).size());
    }

    @Test
    void theSyncThread_doesNotAdoptTheContextClassLoaderOfTheFirstWriter() throws Exception {
        ClassLoader webapp = new java.net.URLClassLoader("webapp", new java.net.URL[0], getClass().getClassLoader());
        List<ClassLoader> seen = new ArrayList<>();
        try (Journal j = Journal.open(dir)) {
            Thread writer = new Thread(() -> j.sync(j.append(record(0)))); // as a request thread of a web app
            writer.setContextClassLoader(webapp);
            writer.start();
            writer.join();
            Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(Journal.SYNC_THREAD_NAME))
                    .forEach(t -> seen.add(t.getContextClassLoader()));
        }
        assertTrue(!seen.isEmpty(), "the sync thread runs");
        assertTrue(seen.stream().noneMatch(l -> l == webapp), "the sync thread holds the writer's class loader");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 9, 12})
    void aTornTail_isCutOffAtTheLastWholeRecord(int bytesCut) throws IOException {
        write(10, 1 << 20);
        Path seg = segments().get(0);
        long size = Files.size(seg);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(size - bytesCut);
        }
        assertEquals(9, replay(1 << 20).size());
        try (Journal j = Journal.open(dir)) {
            j.sync(j.append(record(99)));
        }
        List<String> got = replay(1 << 20);
        assertEquals(10, got.size());
        assertEquals(new String(record(99), StandardCharsets.UTF_8), got.get(9));
    }

    @Test
    void aCorruptTail_isDetectedByItsChecksumAndCutOff() throws IOException {
        write(10, 1 << 20);
        Path seg = segments().get(0);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(f.length() - 2);
            int b = f.read();
            f.seek(f.length() - 2);
            f.write(b ^ 0x20);
        }
        assertEquals(9, replay(1 << 20).size());
    }

    @Test
    void aZeroFilledTail_isCutOff() throws IOException {
        write(5, 1 << 20);
        Path seg = segments().get(0);
        Files.write(seg, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        assertEquals(5, replay(1 << 20).size());
        assertEquals(5, replay(1 << 20).size());
    }

    @Test
    void damageBeforeTheLastSegment_refusesToOpen_ratherThanDropAcknowledgedRecords() throws IOException {
        write(100, 512);
        Path first = segments().get(0);
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(20);
            f.write(0xFF);
        }
        IOException e = assertThrows(IOException.class, () -> Journal.open(dir, 512));
        assertTrue(e.getMessage().contains("not the last segment"), e.getMessage());
    }

    @Test
    void aMissingSegment_refusesToOpen() throws IOException {
        write(100, 512);
        Files.delete(segments().get(1));
        assertThrows(IOException.class, () -> Journal.open(dir, 512));
    }

    /** Where record {@code k}'s payload starts in a segment holding records 0.. from its header on. */
    private static long payloadOffset(int k) {
        long offset = Journal.HEADER;
        for (int i = 0; i < k; i++) {
            offset += 8 + record(i).length;
        }
        return offset + 8;
    }

    private static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x20);
        }
    }

    private static Runnable repairing(Path file, long... offsets) {
        int[] calls = {0};
        return () -> {
            try {
                if (calls[0] < offsets.length) {
                    flip(file, offsets[calls[0]]);
                }
                calls[0]++;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    @Test
    void aRecordReadWhileAServerWasWritingIt_isReadAgain_andTheCheckGoesOnPastIt() throws IOException {
        write(10, 1 << 20);
        Path seg = segments().get(0);
        flip(seg, payloadOffset(5)); // as read half written, with records after it by the time they are looked at
        int[] rereads = {0};
        Runnable repair = repairing(seg, payloadOffset(5));
        Journal.Check check = Journal.check(dir, null, () -> {
            rereads[0]++;
            repair.run(); // the server finished writing it
        });
        assertEquals(null, check.damage());
        assertEquals(10, check.records());
        assertEquals(Files.size(seg), check.end());
        assertEquals(1, rereads[0]);
    }

    @Test
    void everyRecordWrittenMeanwhile_isReadAgainInTurn_andHandedOnInOrder() throws IOException {
        write(10, 1 << 20);
        Path seg = segments().get(0);
        flip(seg, payloadOffset(3));
        flip(seg, payloadOffset(8));
        List<String> got = new ArrayList<>();
        Journal.Check check = Journal.check(dir, (end, payload) -> got.add(StandardCharsets.UTF_8.decode(payload)
                .toString()), repairing(seg, payloadOffset(3), payloadOffset(8)));
        assertEquals(null, check.damage());
        assertEquals(10, check.records());
        assertEquals(10, got.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(new String(record(i), StandardCharsets.UTF_8), got.get(i));
        }
    }

    @Test
    void aBadRecordWithDataAfterIt_thatStaysBadWhenReadAgain_isDamage() throws IOException {
        write(10, 1 << 20);
        Path seg = segments().get(0);
        flip(seg, payloadOffset(5));
        int[] rereads = {0};
        Journal.Check check = Journal.check(dir, null, () -> rereads[0]++);
        assertTrue(check.damage() != null && check.damage().contains("not a torn write"), check.toString());
        assertEquals(5, check.records());
        assertEquals(Journal.REREADS, rereads[0]);
    }
}
