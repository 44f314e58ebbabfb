package org.plasmid.core;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.plasmid.core.spi.Storage;

/**
 * Decides what a token may do (PROTOCOL.md §5), from its grants as kept by the storage, with delegated
 * grants verified along their chain: a grant that {@code bob} delegated is in force only while
 * {@code bob} still holds that permission himself. Every request decides, so each token's grants are
 * kept compiled ({@link GrantSet}) in a bounded cache; any change to any grant or account makes every
 * cached set stale at once ({@link #changed()}), so a revocation takes effect with the next decision.
 * Thread-safe.
 */
final class Authority {
    /** Longest delegation chain that is followed; a longer one is not in force. */
    static final int MAX_DELEGATION_DEPTH = 8;

    private final Storage storage;
    private final Supplier<Boolean> closed;
    private final AtomicLong generation = new AtomicLong();
    private final Cache<String, Entry> cache = CacheBuilder.newBuilder().maximumSize(100_000).build();

    private record Entry(long generation, GrantSet grants) {
    }

    Authority(Storage storage, Supplier<Boolean> closed) {
        this.storage = storage;
        this.closed = closed;
    }

    /**
     * Makes every cached grant set stale. Called after every write to grants or accounts, once the
     * storage has it: a set loaded before the write is never used after this returns.
     */
    void changed() {
        generation.incrementAndGet();
    }

    /** @return the token's grants as the storage has them now (through the cache) */
    GrantSet grantsOf(String access) {
        long now = generation.get();
        Entry e = cache.getIfPresent(access);
        if (e != null && e.generation() == now) {
            return e.grants();
        }
        // read the generation before loading: a write that lands during the load bumps it, so the
        // entry stored here is stale for every later reader
        GrantSet loaded = new GrantSet(PlasmidHub.translate(() -> storage.grants(access), closed::get));
        cache.put(access, new Entry(now, loaded));
        return loaded;
    }

    /**
     * @param access a token
     * @param permission a permission name
     * @param resource a database name, an access token, or {@code *} for the service permissions
     * @return the decision of the most specific grant in force, or the default
     */
    Decision decide(String access, String permission, String resource) {
        return decide(access, permission, resource, 0);
    }

    private Decision decide(String access, String permission, String resource, int depth) {
        return PermissionMatcher.decide(grantsOf(access), permission, resource, g -> inForce(g, depth));
    }

    /** A delegated grant holds while its delegator holds the permission with Yes (followed to a bound). */
    private boolean inForce(Grant g, int depth) {
        if (!g.isDelegated()) {
            return true;
        }
        return depth < MAX_DELEGATION_DEPTH
                && decide(g.delegator(), g.permission(), g.resource(), depth + 1).allowed();
    }

    /** @return whether the token holds the administrator's grant */
    boolean isAdministrator(String access) {
        return grantsOf(access).isAdministrator();
    }

    /**
     * The quota binding this token's pushes to a database: its own {@code DatabaseQuota} there and, when
     * its {@code WriteDatabase} was delegated, the delegator's quota (along the chain) — the smaller
     * wins. The database's own quota is the caller's to add.
     *
     * @return the most stored bytes, or -1 for no quota
     */
    long pushQuota(String access, String database) {
        return pushQuota(access, database, 0);
    }

    private long pushQuota(String access, String database, int depth) {
        long own = decide(access, Permissions.DATABASE_QUOTA, database).asLimit();
        Grant write = decide(access, Permissions.WRITE_DATABASE, database).grant();
        if (write == null || !write.isDelegated() || depth >= MAX_DELEGATION_DEPTH) {
            return own;
        }
        return smaller(own, pushQuota(write.delegator(), database, depth + 1));
    }

    /** @return the smaller of two quotas, where -1 means none */
    static long smaller(long a, long b) {
        if (a < 0) {
            return b;
        }
        return b < 0 ? a : Math.min(a, b);
    }
}
