package org.plasmid.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One object of a push or a pull: a key in a store, its value, and (when read back) the revision that
 * wrote it. A {@code null} value is a deletion (a tombstone in the change log).
 *
 * @param store the store name (non-empty, at most 1,024 UTF-16 units)
 * @param key the key (same rules)
 * @param revision the revision that wrote it; {@code 0} in a change that is being pushed
 * @param value the value, or {@code null} for a deletion
 */
public record Change(String store, String key, long revision, @Nullable JsonValue value) {
    /**
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} if the store or key is invalid
     */
    public Change {
        Names.storeOrKey("store name", store);
        Names.storeOrKey("key", key);
        if (revision < 0) {
            throw PlasmidException.invalid("revision must not be negative");
        }
    }

    /**
     * A change to push that sets a key.
     *
     * @param store the store
     * @param key the key
     * @param value the new value
     * @return the change
     */
    public static Change put(String store, String key, JsonValue value) {
        return new Change(store, key, 0, Objects.requireNonNull(value, "value"));
    }

    /**
     * A change to push that deletes a key.
     *
     * @param store the store
     * @param key the key
     * @return the change
     */
    public static Change delete(String store, String key) {
        return new Change(store, key, 0, null);
    }

    /** @return whether this change deletes its key */
    public boolean isDelete() {
        return value == null;
    }
}
