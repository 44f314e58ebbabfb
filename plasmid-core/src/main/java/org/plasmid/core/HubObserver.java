package org.plasmid.core;

/**
 * What the engine tells whoever records its work ({@link PlasmidHubMetrics} binds one). The hub holds
 * {@link #NONE} until something observes it, and then skips even the clock readings, so an unobserved
 * hub pays nothing. Called on the threads doing the work: implementations must be quick and must not
 * throw.
 */
interface HubObserver {
    /** Observes nothing. */
    HubObserver NONE = new HubObserver() {
    };

    /**
     * A push was decided (never called for a push that failed with an exception).
     *
     * @param status the outcome
     * @param objects the objects it carried
     * @param bytes their stored size (store names, keys and values in UTF-8; deletions count 0)
     * @param nanos how long the engine took
     */
    default void pushed(PushResult.Status status, int objects, long bytes, long nanos) {
    }

    /**
     * A pull or a clone was streamed.
     *
     * @param objects the entries returned
     * @param bytes their size (store names, keys and values in UTF-8; deletions count their names only)
     * @param nanos how long the engine took (the client's reading included: the answer streams)
     * @param clone whether it was a clone
     */
    default void pulled(long objects, long bytes, long nanos, boolean clone) {
    }

    /**
     * The durable store synced (the MapDB journal's fsync).
     *
     * @param nanos how long the sync took
     * @param records how many records it made durable (the group commit's size)
     */
    default void synced(long nanos, int records) {
    }

    /** @return an observer telling both */
    static HubObserver both(HubObserver a, HubObserver b) {
        if (a == NONE) {
            return b;
        }
        return new HubObserver() {
            @Override
            public void pushed(PushResult.Status status, int objects, long bytes, long nanos) {
                a.pushed(status, objects, bytes, nanos);
                b.pushed(status, objects, bytes, nanos);
            }

            @Override
            public void pulled(long objects, long bytes, long nanos, boolean clone) {
                a.pulled(objects, bytes, nanos, clone);
                b.pulled(objects, bytes, nanos, clone);
            }

            @Override
            public void synced(long nanos, int records) {
                a.synced(nanos, records);
                b.synced(nanos, records);
            }
        };
    }
}
