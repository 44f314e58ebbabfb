package org.plasmid.examples.tools.soak;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in fixed log-linear buckets (32 per power of two, so a percentile is within about 3%), in
 * constant memory however long a soak runs: a soak that kept every sample would itself grow the heap
 * it is watching. Thread-safe.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = SUB + (64 - SUB_BITS) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    /** @param nanos one latency */
    void record(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        counts.incrementAndGet(bucket(micros));
        count.incrementAndGet();
        max.accumulateAndGet(micros, Math::max);
    }

    /** @return how many latencies were recorded */
    long count() {
        return count.get();
    }

    /** @return the largest latency, in microseconds */
    long maxMicros() {
        return max.get();
    }

    /**
     * @param fraction from 0 to 1, for example 0.99
     * @return the latency below which that fraction of the recorded ones lie, in microseconds (the upper
     *     end of its bucket, at most the maximum); 0 if none was recorded
     */
    long percentileMicros(double fraction) {
        long total = count.get();
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += counts.get(b);
            if (seen >= rank) {
                return Math.min(upperBound(b), max.get());
            }
        }
        return max.get();
    }

    static int bucket(long micros) {
        if (micros < SUB) {
            return (int) micros;
        }
        int exp = 63 - Long.numberOfLeadingZeros(micros);
        int shift = exp - SUB_BITS;
        int mantissa = (int) (micros >>> shift); // SUB .. 2*SUB-1
        return SUB + shift * SUB + (mantissa - SUB);
    }

    /** @return the largest value that falls into bucket {@code b} */
    static long upperBound(int b) {
        if (b < SUB) {
            return b;
        }
        int shift = (b - SUB) / SUB;
        long mantissa = (b - SUB) % SUB + SUB;
        return ((mantissa + 1) << shift) - 1;
    }
}
