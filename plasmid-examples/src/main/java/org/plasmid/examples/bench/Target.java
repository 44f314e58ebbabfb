package org.plasmid.examples.bench;

import java.util.List;

/** Where a workload's requests go: over HTTP, or straight into the engine (to separate HTTP cost). */
interface Target extends AutoCloseable {
    /** What a pull or clone returned. */
    record Read(long count, long until, boolean more) {
    }

    /**
     * What a push returned.
     *
     * @param accepted whether it was written
     * @param revision the new revision if accepted, else the database's current one
     * @param missed for a refusal that carried the changes the push missed (ext, PROTOCOL.md §4), what they
     *     were, read as a pull's answer is: the client is now at {@code missed.until()}; null when the
     *     refusal carried none (the client pulls) or the push was accepted
     */
    record Pushed(boolean accepted, long revision, Read missed) {
    }

    /** Pushes objects (JSON texts) keyed {@code keys} into store {@code things}. */
    Pushed push(String db, long lastRevision, List<String> keys, List<String> values);

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
