package org.plasmid.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Measures this disk's rate of fsync'd small writes, written as the journal writes them (into a file
 * already filled with zeros, so that an fsync has no file-system metadata to commit): the physical
 * limit of one-at-a-time durable pushes.
 */
final class FsyncProbe {
    private static final int RECORD = 200;

    private FsyncProbe() {
    }

    /** @return fsync'd 200-byte writes per second in {@code dir}, over {@code count} writes */
    static double appendsPerSecond(Path dir, int count) throws IOException {
        Path file = Files.createTempFile(dir, "fsync-probe", ".log");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(64 << 10);
            for (long p = 0; p < (long) count * RECORD; p += zeros.capacity()) {
                zeros.clear();
                ch.write(zeros, p);
            }
            ch.force(true);
            ByteBuffer record = ByteBuffer.allocate(RECORD);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                record.clear();
                record.put(0, (byte) 1);
                ch.write(record, (long) i * RECORD);
                ch.force(false);
            }
            return count / ((System.nanoTime() - start) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
