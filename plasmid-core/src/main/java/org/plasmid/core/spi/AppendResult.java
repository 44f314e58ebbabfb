package org.plasmid.core.spi;

/**
 * The outcome of {@link Storage#append}.
 *
 * @param status what happened
 * @param revision APPENDED: the new revision; HEAD_MOVED, QUOTA_EXCEEDED and UNCHANGED: the current
 *     head; DUPLICATE: the revision the original push was given
 * @param saved APPENDED, UNCHANGED and DUPLICATE: the number of objects the push carried; otherwise 0
 */
public record AppendResult(Status status, long revision, int saved) {
    /** Outcomes of an append. */
    public enum Status {
        /** Written as the new head. */
        APPENDED,
        /** Nothing written: the head is no longer the expected one. */
        HEAD_MOVED,
        /** Nothing written: the quota would be exceeded. */
        QUOTA_EXCEEDED,
        /** Nothing written: this push id was already accepted. */
        DUPLICATE,
        /** Nothing written and no revision created: every object deleted a key without a live value. */
        UNCHANGED
    }

    /** @return an APPENDED result */
    public static AppendResult appended(long revision, int saved) {
        return new AppendResult(Status.APPENDED, revision, saved);
    }

    /** @return a HEAD_MOVED result */
    public static AppendResult headMoved(long head) {
        return new AppendResult(Status.HEAD_MOVED, head, 0);
    }

    /** @return a QUOTA_EXCEEDED result */
    public static AppendResult quotaExceeded(long head) {
        return new AppendResult(Status.QUOTA_EXCEEDED, head, 0);
    }

    /** @return an UNCHANGED result */
    public static AppendResult unchanged(long head, int saved) {
        return new AppendResult(Status.UNCHANGED, head, saved);
    }

    /** @return a DUPLICATE result */
    public static AppendResult duplicate(long revision, int saved) {
        return new AppendResult(Status.DUPLICATE, revision, saved);
    }
}
