package org.plasmid.core;

/**
 * The answer to "may {@code access} use {@code permission} on {@code resource}?".
 *
 * @param allowed whether the permission is held
 * @param value the deciding value: the deciding grant's value, or the default when no grant matched
 *     (or when a valued permission such as a quota was allowed only by a {@code *} permission grant)
 * @param grant the deciding grant, or {@code null} when the default applied
 */
public record Decision(boolean allowed, String value, Grant grant) {
    /**
     * Reads the value as a byte count, for the quota permissions.
     *
     * @return the number, or {@code -1} for "unlimited" (an allowing non-numeric value); a denying
     *     value yields {@code 0}
     */
    public long asLimit() {
        if (!allowed) {
            return 0;
        }
        try {
            long n = Long.parseLong(value.trim());
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
