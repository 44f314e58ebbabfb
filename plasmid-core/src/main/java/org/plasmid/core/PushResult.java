package org.plasmid.core;

/**
 * What became of a push. A push refused by the conflict-reject rule is a normal result
 * ({@link Status#OUT_OF_DATE}), not an exception.
 *
 * @param status the outcome
 * @param revision for ACCEPTED and DUPLICATE the revision the push was (or had been) given, or the
 *     current revision for a push that wrote nothing (empty, or deleting only keys without a live
 *     value); for OUT_OF_DATE and QUOTA_EXCEEDED the current revision
 * @param saved the number of objects the push carried (a deletion of a key without a live value writes
 *     nothing but counts); 0 unless ACCEPTED or DUPLICATE
 */
public record PushResult(Status status, long revision, int saved) {
    /** The outcomes of a push. */
    public enum Status {
        /** Written durably as {@link #revision()}. */
        ACCEPTED,
        /** Refused: the client has not pulled everything; nothing was written. */
        OUT_OF_DATE,
        /** Refused: the database would exceed the caller's quota; nothing was written. */
        QUOTA_EXCEEDED,
        /** A retry of a push (same push id) that was already accepted; the original answer. */
        DUPLICATE
    }

    static PushResult accepted(long revision, int saved) {
        return new PushResult(Status.ACCEPTED, revision, saved);
    }

    static PushResult outOfDate(long current) {
        return new PushResult(Status.OUT_OF_DATE, current, 0);
    }

    static PushResult quotaExceeded(long current) {
        return new PushResult(Status.QUOTA_EXCEEDED, current, 0);
    }

    static PushResult duplicate(long revision, int saved) {
        return new PushResult(Status.DUPLICATE, revision, saved);
    }

    /** @return whether the push's objects are stored (now or by the original push) */
    public boolean isStored() {
        return status == Status.ACCEPTED || status == Status.DUPLICATE;
    }
}
