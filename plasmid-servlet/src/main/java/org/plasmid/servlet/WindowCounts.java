package org.plasmid.servlet;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts what each key (an access token, a client address) did within a window that starts with its
 * first attempt and lasts {@code window}; once a key has {@code max} counted events, further attempts
 * are refused until its window ends, then it starts afresh, so a block always ends. Attempts still in
 * progress count too ({@link #admit} until {@link #settle}), so that a burst of parallel attempts gets
 * no more than a sequence. Memory is bounded: at most {@code maxTracked} keys are remembered, the least
 * recently used forgotten first, and a key is forgotten once its window is over.
 *
 * <p>Thread-safe. Shared by {@link AuthThrottle} (failed authentications) and {@link GuestThrottle}
 * (guest accounts created).
 */
final class WindowCounts {
    private final int max;
    private final long windowNanos;
    private final Cache<String, Counter> counters;
    /** Notified whenever an attempt in progress ends (attempts waiting for one re-check then). */
    private final Object ended = new Object();
    /** What {@link #admit} returns when the key's attempts are used up by attempts still in progress. */
    static final long IN_PROGRESS = 1;

    /**
     * The count of one key within its window. Written only under the cache's map (compute); the two
     * fields {@link #usedUp} reads without it are volatile.
     */
    private static final class Counter {
        volatile long windowStart;
        volatile int counted;
        int pending;

        Counter(long now) {
            this.windowStart = now;
        }
    }

    /**
     * @param max counted events allowed per key and window
     * @param window how long a window lasts from its first attempt
     * @param maxTracked how many keys to remember at most
     * @param ticker the clock (tests pass a fake one)
     */
    WindowCounts(int max, Duration window, int maxTracked, Ticker ticker) {
        this.max = max;
        this.windowNanos = window.toNanos();
        this.counters = CacheBuilder.newBuilder().maximumSize(maxTracked).expireAfterWrite(window).ticker(ticker)
                .build();
    }

    /**
     * Counts a pending attempt if the key has attempts left.
     *
     * @param key the key
     * @param now the ticker's reading
     * @return 0 if admitted (settle or release it later); else the nanoseconds to wait: to the end of the
     *     window when used up by counted events, a moment when used up by attempts still in progress
     */
    long admit(String key, long now) {
        long[] wait = new long[1];
        counters.asMap().compute(key, (k, c) -> {
            Counter counter = c == null ? new Counter(now) : c;
            if (now - counter.windowStart >= windowNanos) {
                counter.windowStart = now;
                counter.counted = 0;
            }
            if (counter.counted + counter.pending >= max) {
                wait[0] = counter.counted >= max ? Math.max(IN_PROGRESS + 1, counter.windowStart + windowNanos - now)
                        : IN_PROGRESS;
                return counter;
            }
            if (counter.counted == 0 && counter.pending == 0) {
                counter.windowStart = now; // the window starts with this attempt
            }
            counter.pending++;
            return counter;
        });
        return wait[0];
    }

    /**
     * Whether the key's counted events have used up its current window (attempts in progress aside); a
     * look that counts nothing, and takes no lock: it runs on every request. It may miss a failure
     * counted at this very moment, or see a window that is just ending as used up; a caller only uses it
     * to choose between a check that needs no throttle and {@link #admit}, which decides under the lock.
     */
    boolean usedUp(String key, long now) {
        Counter c = counters.getIfPresent(key);
        return c != null && now - c.windowStart < windowNanos && c.counted >= max;
    }

    /** Ends an admitted attempt that counts for nothing. */
    void release(String key) {
        counters.asMap().computeIfPresent(key, (k, c) -> {
            c.pending = Math.max(0, c.pending - 1);
            return c;
        });
        signalEnded();
    }

    /**
     * Waits until an attempt in progress ends, or {@code nanos} pass.
     *
     * @return false if the thread was interrupted
     */
    boolean awaitEnded(long nanos) {
        synchronized (ended) {
            try {
                TimeUnit.NANOSECONDS.timedWait(ended, Math.max(1, nanos));
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private void signalEnded() {
        synchronized (ended) {
            ended.notifyAll();
        }
    }

    /**
     * Ends an admitted attempt.
     *
     * @param key the key
     * @param counts whether it counts as an event
     * @return whether this event used up the key's allowance (it is refused until its window ends)
     */
    boolean settle(String key, boolean counts) {
        boolean[] usedUp = new boolean[1];
        counters.asMap().computeIfPresent(key, (k, c) -> {
            c.pending = Math.max(0, c.pending - 1);
            if (counts) {
                c.counted++;
                usedUp[0] = c.counted == max;
            }
            return c;
        });
        signalEnded();
        return usedUp[0];
    }

    /** @return how many keys are remembered */
    long size() {
        return counters.size();
    }

    /** Drops what has expired now rather than at the next write (for tests). */
    void cleanUp() {
        counters.cleanUp();
    }
}
