/**
 * The default storage backend: {@link org.plasmid.core.mapdb.MapDbStorage}, a hub directory holding an
 * append-only, checksummed journal (the source of truth) and MapDB indexes derived from it. Everything
 * but that one class is package-private; no MapDB type appears in any signature outside this package.
 *
 * <p>May depend on: {@link org.plasmid.core.spi} and the {@link org.plasmid.core} value types; never on
 * another backend. Null-marked: null only where {@code @Nullable} says.
 */
@NullMarked
package org.plasmid.core.mapdb;

import org.jspecify.annotations.NullMarked;
