package org.plasmid.examples.bench;

import java.util.List;

/** Where a workload's requests go: over HTTP, or straight into the engine (to separate HTTP cost). */
interface Target extends AutoCloseable {
    /** What a pull or clone returned. */
    record Read(long count, long until, boolean more) {
    }

    /**
     * Pushes objects (JSON texts) keyed {@code keys} into store {@code things}.
     *
     * @return the new revision, or -1 if the push was refused as out of date
     */
    long push(String db, long lastRevision, List<String> keys, List<String> values);

    /** Pulls since a revision (limit 0 = all), counting what it streams. */
    Read pull(String db, long since, int limit);

    /** Clones, counting what it streams. */
    Read cloneAll(String db);

    /** @return the database's current revision (creating it) */
    long revision(String db);

    /** @return a target for another client (its own connection) to the same server */
    Target another();

    /** @return "http" or "engine" */
    String kind();

    @Override
    void close();
}
