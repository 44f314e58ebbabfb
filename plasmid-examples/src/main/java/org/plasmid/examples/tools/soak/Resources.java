package org.plasmid.examples.tools.soak;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;

/** What this JVM holds: heap after a full GC, and open file descriptors. */
final class Resources {
    private Resources() {
    }

    /**
     * Asks for full collections until the used heap stops shrinking (at most a few), then reads it.
     *
     * @return the heap in use after GC, in bytes
     */
    static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }

    /** @return the heap in use now, in bytes (garbage included) */
    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** @return the open file descriptors of this process, or -1 where the JVM cannot tell (not Unix) */
    static long openFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getOpenFileDescriptorCount();
        }
        return -1;
    }

    /** @return bytes as MiB with one decimal */
    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
