package org.plasmid.core;

/**
 * Told about every accepted push, after it is durable and visible to pulls. Called on the pushing
 * thread: keep it short and never block.
 */
@FunctionalInterface
public interface ChangeListener {
    /**
     * @param database the database
     * @param revision its new revision
     */
    void changed(String database, long revision);
}
