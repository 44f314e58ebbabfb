package org.plasmid.core;

import org.jspecify.annotations.Nullable;

/**
 * The answer to "may {@code access} use {@code permission} on {@code resource}?".
 *
 * @param allowed whether the permission is held ({@code true} for the valued permissions, whose
 *     {@code value} is what matters)
 * @param value {@code Yes} or {@code No} for a boolean permission; for a quota the number of bytes, or
 *     {@value Permissions#UNLIMITED} when no quota grant applies; for the guest prefix the prefix
 * @param grant the deciding grant, or {@code null} when the default applied
 */
public record Decision(boolean allowed, String value, @Nullable Grant grant) {
    /**
     * Reads the value as a byte count, for the quota permissions.
     *
     * @return the number of bytes, or {@code -1} when there is no quota
     */
    public long asLimit() {
        return Permissions.quota(value);
    }
}
