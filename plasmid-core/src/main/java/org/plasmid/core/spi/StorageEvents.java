package org.plasmid.core.spi;

import java.util.Collection;

/**
 * What the engine must hear of changes that other writers made to a shared storage (other nodes on
 * the same database, or an admin tool), given to {@link Storage#watch}. Called from the storage's own
 * threads; implementations return quickly.
 */
public interface StorageEvents {
    /**
     * A database reached a revision (a push landed elsewhere): waiters past an older revision wake.
     *
     * @param database the database
     * @param revision its head now, or a revision it has passed
     */
    void databaseChanged(String database, long revision);

    /** Credentials or grants changed elsewhere: anything cached about accounts is stale now. */
    void accountsChanged();

    /**
     * @return the databases someone waits on now (held long-polls): a storage that cannot always tell
     *     about changes at once re-reads their heads every so often, so that a lost notification only
     *     delays a wake-up, never loses it
     */
    Collection<String> watchedDatabases();
}
