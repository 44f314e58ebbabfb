package org.plasmid.core.mapdb;

import java.time.Duration;

/**
 * When a {@link MapDbStorage} records checkpoints, and how hard it may work at it.
 *
 * <p>A checkpoint copies the whole live state; the journal written before it is then deleted a segment
 * at a time (compaction). One is due when the journal written since the last checkpoint reaches
 * {@link #minimumTail()} and also {@link #tailRatio()} times the last checkpoint's size — so the extra
 * writing is at most {@code 1 / tailRatio} bytes per byte journaled (2 by default), while the journal
 * replayed after a kill -9 stays below about that tail — or when the hub has been idle for
 * {@link #idleAfter()} with a whole segment to reclaim, so an idle hub's directory shrinks to its live
 * data, one segment and the index. The copy runs on its own thread and is paced to
 * {@link #dutyCycle()}: after each piece of work it sleeps so that it works that share of the time at
 * most (one core and the disk stay free for pushes and pulls).
 *
 * @param minimumTail journal bytes since the last checkpoint before another is due
 * @param tailRatio the journal since the last checkpoint must also reach this share of its size
 * @param idleAfter a checkpoint that reclaims a segment is due after this long without writes
 * @param dutyCycle the share of time the checkpoint thread may work, in (0, 1]
 * @param enabled false: no background checkpoints (an explicit {@link MapDbStorage#checkpoint()} still works)
 */
public record CheckpointPolicy(long minimumTail, double tailRatio, Duration idleAfter, double dutyCycle,
        boolean enabled) {
    /** 4 MiB: small enough that the journal replayed after a kill -9 takes well under a second. */
    public static final long DEFAULT_MINIMUM_TAIL = 4L << 20;

    /** Validates the values. */
    public CheckpointPolicy {
        if (minimumTail < 1) {
            throw new IllegalArgumentException("minimumTail must be positive: " + minimumTail);
        }
        if (!(tailRatio >= 0)) {
            throw new IllegalArgumentException("tailRatio must be 0 or more: " + tailRatio);
        }
        if (idleAfter.isNegative()) {
            throw new IllegalArgumentException("idleAfter must not be negative: " + idleAfter);
        }
        if (!(dutyCycle > 0 && dutyCycle <= 1)) {
            throw new IllegalArgumentException("dutyCycle must be in (0, 1]: " + dutyCycle);
        }
    }

    /**
     * The default: a checkpoint after 4 MiB of journal or half the last checkpoint's size, whichever is
     * more; after 15 s of idleness when it reclaims a segment; working half the time at most.
     *
     * @return the default policy
     */
    public static CheckpointPolicy defaults() {
        return new CheckpointPolicy(DEFAULT_MINIMUM_TAIL, 0.5, Duration.ofSeconds(15), 0.5, true);
    }

    /**
     * No background checkpoints: the journal is kept whole (the behaviour before checkpoints existed).
     *
     * @return the policy
     */
    public static CheckpointPolicy disabled() {
        return new CheckpointPolicy(DEFAULT_MINIMUM_TAIL, 0.5, Duration.ofSeconds(15), 0.5, false);
    }

    /**
     * This policy with another minimum tail and no ratio: a checkpoint after every {@code bytes} of
     * journal (small values force frequent compaction, for testing).
     *
     * @param bytes journal bytes between checkpoints
     * @return the policy
     */
    public CheckpointPolicy every(long bytes) {
        return new CheckpointPolicy(bytes, 0, idleAfter, dutyCycle, true);
    }
}
