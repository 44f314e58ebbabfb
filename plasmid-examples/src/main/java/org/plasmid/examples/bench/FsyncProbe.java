package org.plasmid.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Measures this disk's rate of fsync'd small appends: the physical limit of one-at-a-time durable pushes. */
final class FsyncProbe {
    private FsyncProbe() {
    }

    /** @return fsync'd 200-byte appends per second in {@code dir}, over {@code count} appends */
    static double appendsPerSecond(Path dir, int count) throws IOException {
        Path file = Files.createTempFile(dir, "fsync-probe", ".log");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer record = ByteBuffer.allocate(200);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                record.clear();
                ch.write(record);
                ch.force(false);
            }
            return count / ((System.nanoTime() - start) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
