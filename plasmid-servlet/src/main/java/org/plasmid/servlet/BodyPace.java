package org.plasmid.servlet;

import java.time.Duration;

/**
 * The pace a request body must keep, so that a client sending slowly (one byte every 20 s, say) cannot
 * hold the server's resources for long: once a grace period is over, the bytes received, averaged over
 * the time since the body started, must reach a minimum rate; and the whole body must arrive before a
 * deadline. Pure arithmetic on {@link System#nanoTime()} readings; immutable.
 */
final class BodyPace {
    private final long minBytesPerSecond;
    private final long graceNanos;
    private final long deadlineNanos;

    /**
     * @param minBytesPerSecond the lowest average rate accepted after the grace period (0: none)
     * @param grace how long a body may arrive at any rate
     * @param deadline the longest a body may take
     */
    BodyPace(long minBytesPerSecond, Duration grace, Duration deadline) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceNanos = grace.toNanos();
        this.deadlineNanos = deadline.toNanos();
    }

    /** @return the pace the options ask for */
    static BodyPace of(PlasmidServletOptions options) {
        return new BodyPace(options.minBodyBytesPerSecond(), options.bodyRateGracePeriod(), options.bodyDeadline());
    }

    /** @return the longest a body may take */
    Duration deadline() {
        return Duration.ofNanos(deadlineNanos);
    }

    /**
     * @param startNanos when the body started
     * @param nowNanos now
     * @param bytes the bytes received since it started
     * @return why the body has fallen behind, or null if it keeps pace
     */
    String violation(long startNanos, long nowNanos, long bytes) {
        long elapsed = nowNanos - startNanos;
        if (elapsed >= deadlineNanos) {
            return "the request body did not arrive whole within " + Option.words(deadline());
        }
        // bytes < 2^31, so bytes * 10^9 fits a long; the average rate, rounded down, compares exactly
        if (minBytesPerSecond > 0 && elapsed >= graceNanos && elapsed > 0
                && bytes * 1_000_000_000L / elapsed < minBytesPerSecond) {
            return "the request body arrived slower than " + minBytesPerSecond + " bytes per second";
        }
        return null;
    }

    /**
     * @param startNanos when the body started
     * @param bytes the bytes received so far
     * @return when the body falls behind if nothing more arrives (the time to check it next)
     */
    long fallsBehindAt(long startNanos, long bytes) {
        long after = deadlineNanos;
        if (minBytesPerSecond > 0) {
            long byRate = bytes * 1_000_000_000L / minBytesPerSecond + 1;
            after = Math.min(after, Math.max(graceNanos, byRate));
        }
        return startNanos + after;
    }
}
