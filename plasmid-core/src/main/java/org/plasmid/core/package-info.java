/**
 * The Plasmid Sync engine: {@link org.plasmid.core.PlasmidHub} (databases, the conflict-reject rule,
 * long-poll waits), {@link org.plasmid.core.Accounts} (credentials and grants, trusted administration)
 * and {@link org.plasmid.core.ClientSession} (the same operations, permission-checked for one access
 * token), with the value types they take and return. The permission rules of PROTOCOL.md §5 live here
 * and only here (package-private: {@code AccountRules}, {@code Authority}, {@code PermissionMatcher}).
 *
 * <p>May depend on: {@link org.plasmid.core.spi} (the storage it runs on) and {@link org.plasmid.core.mapdb}
 * (only for the default {@code PlasmidHub.open}). Never on HTTP, servlets or Jetty: the servlet adapter
 * depends on this package, not the other way round. Every type is null-marked: a parameter or result
 * may be null only where it is annotated {@code @Nullable}.
 */
@NullMarked
package org.plasmid.core;

import org.jspecify.annotations.NullMarked;
