package org.plasmid.core.mapdb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/** Three readers racing one writer, for the index's caches. */
final class Races {
    private Races() {
    }

    /**
     * Writes versions 1 to {@code writes} while three threads read, and fails if any read returns a version
     * older than the last write that had returned when the read began.
     *
     * @param writes how many versions to write
     * @param read reads the version now visible
     * @param write writes a version
     */
    static void readersNeverSeeOlderThanTheLastWrite(int writes, IntSupplier read, IntConsumer write)
            throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        int[] written = {0};
        CountDownLatch started = new CountDownLatch(3);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            Thread t = new Thread(() -> {
                started.countDown();
                while (writing.get()) {
                    int floor;
                    synchronized (written) {
                        floor = written[0];
                    }
                    int seen = read.getAsInt();
                    if (seen < floor) {
                        failure.compareAndSet(null, new AssertionError("read version " + seen
                                + " after version " + floor + " was written"));
                    }
                }
            }, "reader-" + r);
            t.start();
            readers.add(t);
        }
        started.await();
        try {
            for (int v = 1; v <= writes; v++) {
                write.accept(v);
                synchronized (written) {
                    written[0] = v;
                }
            }
        } finally {
            writing.set(false);
            for (Thread t : readers) {
                t.join();
            }
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }
}
