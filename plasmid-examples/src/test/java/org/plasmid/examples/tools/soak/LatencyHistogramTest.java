package org.plasmid.examples.tools.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Percentiles in constant memory, within the bucket resolution of about 3%. */
class LatencyHistogramTest {
    @Test
    void everyValueFallsIntoABucketWhoseUpperBoundCoversIt_andBucketsAreOrdered() {
        long previousUpper = -1;
        int last = LatencyHistogram.bucket(Long.MAX_VALUE);
        for (int b = 0; b <= last; b++) {
            long upper = LatencyHistogram.upperBound(b);
            assertTrue(upper > previousUpper, "bucket " + b);
            assertEquals(b, LatencyHistogram.bucket(upper), "upper bound of bucket " + b);
            assertEquals(b, LatencyHistogram.bucket(previousUpper + 1), "lower bound of bucket " + b);
            previousUpper = upper;
        }
        assertEquals(Long.MAX_VALUE, previousUpper, "the buckets cover every latency");
    }

    @Test
    void percentiles_matchTheExactOnes_within3Percent() {
        Random random = new Random(42);
        LatencyHistogram h = new LatencyHistogram();
        long[] micros = new long[100_000];
        for (int i = 0; i < micros.length; i++) {
            micros[i] = (long) Math.exp(random.nextGaussian() * 1.5 + 7); // log-normal around 1 ms
            h.record(micros[i] * 1000);
        }
        Arrays.sort(micros);
        for (double p : new double[] {0.5, 0.9, 0.99, 0.999}) {
            long exact = micros[(int) Math.ceil(p * micros.length) - 1];
            long estimate = h.percentileMicros(p);
            assertTrue(estimate >= exact && estimate <= exact * 1.035 + 1, "p" + p + ": exact " + exact + ", got " + estimate);
        }
        assertEquals(micros[micros.length - 1], h.maxMicros());
        assertEquals(micros.length, h.count());
    }

    @Test
    void anEmptyHistogram_saysZero() {
        assertEquals(0, new LatencyHistogram().percentileMicros(0.99));
    }
}
