package org.plasmid.core;

/**
 * A database's name and current revision.
 *
 * @param name the database name
 * @param revision its current revision (1 for a new database)
 * @param storedBytes the UTF-8 bytes of the keys and values it currently stores (deleted keys count 0)
 */
public record DatabaseInfo(String name, long revision, long storedBytes) {
}
